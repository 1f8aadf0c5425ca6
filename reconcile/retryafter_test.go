package reconcile

import (
	"context"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"groupdeck/wasim"
	"groupdeck/whatsapp"
)

// The simulator answers 131208 with a Retry-After naming when its oldest
// counted operation leaves the window; a sync pauses exactly that long
// (longer than its own RateWait) and then carries on.
func TestSyncPausesForRetryAfter(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	h.createGroup("One")
	h.createGroup("Two")
	var simNow atomic.Int64
	simNow.Store(time.Unix(1_780_000_000, 0).UnixNano())
	h.sim.Configure(func(c *wasim.Config) {
		c.OpsPerWindow, c.OpsWindow = 2, time.Minute
		c.Now = func() time.Time { return time.Unix(0, simNow.Load()) }
	})
	wa := whatsapp.New(h.url, "100000000000001", "tok", whatsapp.WithRetry(1, 0))
	s := New(h.st, wa, slog.New(slog.DiscardHandler), 0, nil)
	s.RateWait = time.Millisecond
	var waits []time.Duration
	s.sleep = func(_ context.Context, d time.Duration) error {
		waits = append(waits, d)
		simNow.Add(int64(d)) // the simulator's clock moves on while the sync waits
		return nil
	}
	rep, err := s.Sync(ctx, 0)
	must(t, err)
	if rep.Checked != 2 || len(rep.Errors) != 0 || rep.RateWaits != 1 {
		t.Fatalf("report %+v", rep)
	}
	// List and the first group info fill the window at the same instant:
	// the next call waits the whole minute the server names.
	if len(waits) != 1 || waits[0] != time.Minute {
		t.Fatalf("paused %v, want once for the server's Retry-After of 1m", waits)
	}
}
