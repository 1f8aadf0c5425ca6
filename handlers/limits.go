package handlers

import (
	"context"
	"time"

	"groupdeck/campaigns"
	"groupdeck/web"
)

// Limits on the work anybody can make the server do without signing in.
const (
	// webhookReaders is how many webhook bodies are read at once; at the
	// 4 MB limit that bounds unverified bodies in memory to 32 MB.
	webhookReaders = 8
	// webhookWait is how long a delivery waits for a reader slot before
	// it is answered 503 (Meta retries). Real deliveries are small and
	// read in microseconds, so only slow or huge senders make others wait.
	webhookWait = 2 * time.Second
	// webhookReadTimeout is how long reading one webhook body may take.
	webhookReadTimeout = 10 * time.Second

	// A campaign link may be opened visitBurst times at once from one
	// address (a venue's Wi-Fi full of people scanning the same poster),
	// then once every visitEvery; more gets 429.
	visitBurst = 60
	visitEvery = time.Second
	// A visitor counts once per link per visitWindow: the window in which
	// a visit can be credited with a join.
	visitWindow = campaigns.VisitWindow
	// maxVisitors is how many recent visitors are remembered (about 100
	// bytes each).
	maxVisitors = 100_000
	// visitRowsPerHour caps the visit rows one campaign stores per hour;
	// past it visits are only counted (store.RecordVisit).
	visitRowsPerHour = 1000
)

// publicLimits holds the limiters of the public routes.
type publicLimits struct {
	readers  slots
	visits   *web.Limiter // per address and campaign link
	visitors *recentVisitors
}

func newPublicLimits() *publicLimits {
	return &publicLimits{readers: make(slots, webhookReaders), visits: web.NewLimiter(visitEvery, visitBurst),
		visitors: newRecentVisitors(visitWindow, maxVisitors)}
}

// slots is a counting semaphore.
type slots chan struct{}

// acquire takes a slot, waiting at most wait; false when none came free
// or the request ended.
func (s slots) acquire(ctx context.Context, wait time.Duration) bool {
	select {
	case s <- struct{}{}:
		return true
	default:
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case s <- struct{}{}:
		return true
	case <-t.C:
	case <-ctx.Done():
	}
	return false
}

func (s slots) release() { <-s }
