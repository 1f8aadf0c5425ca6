package hooks

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"groupdeck/store"
)

// Defaults for Sender.
const (
	DefaultFirstRetry = 10 * time.Second
	MaxRetryGap       = time.Hour
	RetryFor          = 24 * time.Hour
	sendTimeout       = 10 * time.Second
	snippetLen        = 512
	batchSize         = 32
	idlePoll          = 5 * time.Second
	keepDone          = 7 * 24 * time.Hour
)

// Sender posts pending deliveries. It takes, per endpoint and group, the
// oldest pending delivery only, and never starts one for an endpoint and
// group that has a post in flight, so one group's events reach an
// endpoint one at a time and in order; a slow endpoint holds back only
// its own work.
type Sender struct {
	Store  *store.Store
	Client *http.Client
	Log    *slog.Logger
	Now    func() time.Time
	// FirstRetry is the first back-off; each failure doubles it up to
	// MaxRetryGap, and a delivery still failing RetryFor after it was queued
	// is marked failed.
	FirstRetry time.Duration
	// Outcome, when set, is told "delivered", "retry" or "failed" after
	// every attempt (metrics).
	Outcome func(string)

	wake     chan struct{}
	once     sync.Once
	mu       sync.Mutex
	inflight map[lane]bool
	finished int // posts ended, so dispatch can tell its read went stale
	wg       sync.WaitGroup
}

// lane is what must not have two posts in flight: an endpoint and a group.
type lane struct{ endpoint, group int64 }

// maxInFlight bounds concurrent posts.
const maxInFlight = 16

func (s *Sender) init() {
	s.once.Do(func() {
		s.wake = make(chan struct{}, 1)
		if s.Now == nil {
			s.Now = time.Now
		}
		if s.FirstRetry <= 0 {
			s.FirstRetry = DefaultFirstRetry
		}
		if s.Log == nil {
			s.Log = slog.New(slog.DiscardHandler)
		}
		s.inflight = map[lane]bool{}
	})
}

// Wake makes the sender look for work now (after an event was committed).
func (s *Sender) Wake() {
	s.init()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Run sends until ctx ends, then waits for posts in flight.
func (s *Sender) Run(ctx context.Context) {
	s.init()
	defer s.wg.Wait()
	lastPrune := time.Time{}
	for {
		n, err := s.dispatch(ctx)
		if err != nil && ctx.Err() == nil {
			s.Log.Warn("outgoing webhooks: cannot read the queue", "err", err)
		}
		if now := s.Now(); now.Sub(lastPrune) > time.Hour {
			lastPrune = now
			if err := s.Store.PruneHookEvents(ctx, now.Add(-keepDone).UnixMilli()); err != nil && ctx.Err() == nil {
				s.Log.Warn("outgoing webhooks: prune", "err", err)
			}
		}
		if n > 0 {
			continue
		}
		wait := idlePoll
		s.mu.Lock()
		busy := len(s.inflight) > 0
		s.mu.Unlock()
		if next, err := s.Store.NextHookDue(ctx); err == nil && next > 0 {
			// A due delivery behind a post in flight is started when that
			// post ends (it wakes the loop), not by polling.
			if d := time.Until(time.UnixMilli(next)); d < wait && (d > 0 || !busy) {
				wait = max(d, 10*time.Millisecond)
			}
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-s.wake:
		case <-t.C:
		}
		t.Stop()
	}
}

// dispatch starts a post for every due delivery whose lane is free and
// returns how many it started; each finished post wakes the loop, which
// then finds that lane's next delivery.
func (s *Sender) dispatch(ctx context.Context) (int, error) {
	// The queue is read without the lock, so a post that ends meanwhile
	// makes the read stale (its delivery would look pending still):
	// then read again.
	for range 3 {
		s.mu.Lock()
		epoch, busy := s.finished, len(s.inflight)
		s.mu.Unlock()
		if busy >= maxInFlight {
			return 0, nil
		}
		due, err := s.Store.DueHookDeliveries(ctx, s.Now().UnixMilli(), batchSize+busy)
		if err != nil {
			return 0, err
		}
		s.mu.Lock()
		if s.finished != epoch {
			s.mu.Unlock()
			continue
		}
		started := 0
		for _, d := range due {
			l := lane{d.EndpointID, d.GroupID}
			if s.inflight[l] || len(s.inflight) >= maxInFlight {
				continue
			}
			s.inflight[l] = true
			started++
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				s.attempt(ctx, d)
				s.mu.Lock()
				delete(s.inflight, l)
				s.finished++
				s.mu.Unlock()
				s.Wake()
			}()
		}
		s.mu.Unlock()
		return started, nil
	}
	return 0, nil // posts keep ending; each one wakes the loop again
}

// RunOnce attempts every due delivery once, waits for them, and returns
// how many it tried (tests and tools; Run does not wait per batch).
func (s *Sender) RunOnce(ctx context.Context) (int, error) {
	s.init()
	due, err := s.Store.DueHookDeliveries(ctx, s.Now().UnixMilli(), batchSize)
	if err != nil {
		return 0, err
	}
	var wg sync.WaitGroup
	for _, d := range due {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.attempt(ctx, d)
		}()
	}
	wg.Wait()
	return len(due), ctx.Err()
}

// Envelope is the JSON body of every post.
type Envelope struct {
	ID         string          `json:"id"`
	Type       string          `json:"type"`
	OccurredAt time.Time       `json:"occurred_at"`
	Attempt    int             `json:"attempt"`
	Data       json.RawMessage `json:"data"`
}

func (s *Sender) attempt(ctx context.Context, d *store.HookDelivery) {
	body, _ := json.Marshal(Envelope{ID: "evt_" + strconv.FormatInt(d.EventID, 10), Type: d.Kind,
		OccurredAt: time.UnixMilli(d.EventAt).UTC(), Attempt: d.Attempts + 1, Data: d.Data})
	start := s.Now()
	a := store.HookAttempt{EndpointID: d.EndpointID, DeliveryID: d.ID, EventID: d.EventID, Kind: d.Kind, At: start.UnixMilli()}
	status, snippet, err := s.post(ctx, d, body, start)
	if ctx.Err() != nil {
		return // shutting down: the delivery stays pending as it was
	}
	a.LatencyMS = s.Now().Sub(start).Milliseconds()
	a.Status, a.Response = status, snippet
	state, next := "delivered", int64(0)
	switch {
	case err != nil:
		a.Error = err.Error()
	case status < 200 || status > 299:
		a.Error = fmt.Sprintf("the endpoint answered %d", status)
	}
	if a.Error != "" {
		state, next = "pending", start.Add(s.backoff(d.Attempts)).UnixMilli()
		if start.Sub(time.UnixMilli(d.CreatedAt)) >= RetryFor {
			state = "failed"
		}
	}
	if err := s.Store.RecordHookAttempt(context.WithoutCancel(ctx), a, state, next); err != nil {
		s.Log.Error("outgoing webhooks: cannot record an attempt", "delivery", d.ID, "err", err)
	}
	if s.Outcome != nil {
		s.Outcome(map[string]string{"delivered": "delivered", "pending": "retry", "failed": "failed"}[state])
	}
	if state == "failed" {
		s.Log.Warn("outgoing webhook given up after a day of retries", "endpoint", d.EndpointID, "event", d.EventID, "err", a.Error)
	}
}

// backoff doubles from FirstRetry per earlier attempt, up to MaxRetryGap.
func (s *Sender) backoff(attempts int) time.Duration {
	d := s.FirstRetry
	for i := 0; i < attempts && d < MaxRetryGap; i++ {
		d *= 2
	}
	return min(d, MaxRetryGap)
}

func (s *Sender) post(ctx context.Context, d *store.HookDelivery, body []byte, at time.Time) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.URL, bytes.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "groupdeck-webhooks/1")
	req.Header.Set("X-Groupdeck-Event", d.Kind)
	req.Header.Set("X-Groupdeck-Delivery", strconv.FormatInt(d.ID, 10))
	req.Header.Set(SignatureHeader, Sign(d.Secret, at, body))
	resp, err := s.Client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, snippetLen))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
	for !utf8.Valid(b) && len(b) > 0 {
		b = b[:len(b)-1]
	}
	return resp.StatusCode, string(b), nil
}
