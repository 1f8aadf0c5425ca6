package wasim

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"groupdeck/clock"
)

// change is one entry[].changes[] item; the queue holds changes rather than
// whole envelopes so BatchWindow can pack several into one POST.
type change struct {
	Value any    `json:"value"`
	Field string `json:"field"`
}

// maxBatch is Meta's documented upper bound of updates per POST.
const maxBatch = 1000

// queue is the single-worker delivery pipeline. One worker keeps delivery
// order deterministic unless a switch asks for reordering.
type queue struct {
	s         *Server
	mu        sync.Mutex
	items     []change
	scheduled int // outcomes waiting on a timer, not yet enqueued
	inflight  int // changes taken by the worker but not finished
	wake      chan struct{}
	running   bool
	cancel    context.CancelFunc
	done      chan struct{}
}

func newQueue(s *Server) *queue {
	return &queue{s: s, wake: make(chan struct{}, 1)}
}

func (q *queue) schedule() {
	q.mu.Lock()
	q.scheduled++
	q.mu.Unlock()
}

func (q *queue) unschedule() {
	q.mu.Lock()
	q.scheduled--
	q.mu.Unlock()
}

func (q *queue) push(c change) {
	q.mu.Lock()
	q.items = append(q.items, c)
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

func (q *queue) pending() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items) + q.scheduled + q.inflight
}

func (q *queue) start() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.running {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	q.running, q.cancel, q.done = true, cancel, make(chan struct{})
	go q.run(ctx, q.done)
	// Deliver whatever queued up before Start.
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

func (q *queue) stop() {
	q.mu.Lock()
	if !q.running {
		q.mu.Unlock()
		return
	}
	q.running = false
	cancel, done := q.cancel, q.done
	q.mu.Unlock()
	cancel()
	<-done
}

func (q *queue) run(ctx context.Context, done chan struct{}) {
	defer close(done)
	for {
		select {
		case <-ctx.Done():
			return
		case <-q.wake:
		}
		// Only the first take after a wake-up waits for the batch/reorder
		// window; later ones find whatever piled up during the delivery.
		for fresh := true; ; fresh = false {
			batch, ok := q.take(ctx, fresh)
			if !ok {
				break
			}
			q.deliver(ctx, batch)
			q.mu.Lock()
			q.inflight -= len(batch)
			q.mu.Unlock()
			if ctx.Err() != nil {
				return
			}
		}
	}
}

// take removes the next delivery's changes from the queue, first waiting for
// the batch/reorder window so there is something to batch or shuffle.
func (q *queue) take(ctx context.Context, wait bool) ([]change, bool) {
	q.s.mu.Lock()
	window, reorder := q.s.cfg.BatchWindow, q.s.cfg.Reorder
	q.s.mu.Unlock()
	batching := window > 0
	if reorder && window == 0 {
		window = 20 * time.Millisecond
	}
	// Items stay queued during the window, so Pending never sees a gap.
	q.mu.Lock()
	empty := len(q.items) == 0
	q.mu.Unlock()
	if empty {
		return nil, false
	}
	if window > 0 && wait {
		_ = clock.Sleep(ctx, window) // an ended ctx only cuts the wait short
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if reorder {
		q.s.ids.shuffle(len(q.items), func(i, j int) { q.items[i], q.items[j] = q.items[j], q.items[i] })
	}
	n := 1
	if batching {
		n = min(len(q.items), maxBatch)
	}
	batch := append([]change(nil), q.items[:n]...)
	q.items = q.items[n:]
	q.inflight += n
	return batch, true
}

func (s *Server) envelope(changes []change) map[string]any {
	return map[string]any{
		"object": "whatsapp_business_account",
		"entry":  []any{map[string]any{"id": s.cfg.WABAID, "changes": changes}},
	}
}

// deliver POSTs one envelope, retrying with exponential backoff like Meta
// (compressed timescale), and drops it after MaxAttempts.
func (q *queue) deliver(ctx context.Context, batch []change) {
	s := q.s
	s.mu.Lock()
	body, err := json.Marshal(s.envelope(batch))
	url, secret := s.cfg.WebhookURL, s.cfg.AppSecret
	attempts, base, dup := s.cfg.MaxAttempts, s.cfg.retryBase(), s.cfg.DuplicateDelivery
	client := s.cfg.HTTPClient
	s.mu.Unlock()
	if err != nil {
		s.log.Error("webhook marshal failed", "err", err)
		return
	}
	if url == "" {
		s.log.Warn("webhook dropped: no webhook URL configured", "changes", len(batch))
		return
	}
	sig := "sha256=" + sign(secret, body)
	for attempt := 1; attempt <= attempts; attempt++ {
		err := post(ctx, client, url, sig, body)
		if err == nil {
			if dup {
				if err := post(ctx, client, url, sig, body); err != nil {
					s.log.Debug("duplicate webhook delivery failed", "err", err)
				}
			}
			return
		}
		if ctx.Err() != nil {
			q.requeue(batch)
			return
		}
		s.log.Info("webhook delivery failed", "attempt", attempt, "err", err)
		if attempt == attempts {
			break
		}
		if clock.Sleep(ctx, base<<(attempt-1)) != nil {
			q.requeue(batch)
			return
		}
		// The URL may have been fixed meanwhile; retries go to the current one.
		s.mu.Lock()
		url = s.cfg.WebhookURL
		s.mu.Unlock()
	}
	s.log.Warn("webhook dropped after retries", "attempts", attempts)
}

// requeue puts a batch the stopping queue could not deliver back in
// front, so a persisted simulator sends it after its restart.
func (q *queue) requeue(batch []change) {
	q.mu.Lock()
	q.items = append(append([]change(nil), batch...), q.items...)
	q.mu.Unlock()
}

func post(ctx context.Context, client *http.Client, url, sig string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Hub-Signature-256", sig)
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("webhook receiver answered %s", resp.Status)
	}
	return nil
}

// sign returns hex HMAC-SHA256(secret, body), the X-Hub-Signature-256 value
// without its "sha256=" prefix.
func sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// Pending reports webhooks not yet delivered (or dropped), including async
// outcomes still waiting for their delay.
func (s *Server) Pending() int { return s.q.pending() }

// WaitIdle blocks until Pending is zero. Without Start it only returns when
// ctx ends, since nothing would ever be delivered.
func (s *Server) WaitIdle(ctx context.Context) error {
	t := time.NewTicker(2 * time.Millisecond)
	defer t.Stop()
	for {
		if s.q.pending() == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// emit queues one change; callers hold s.mu. Meta's metadata block is added
// here so every event builder stays focused on its own payload.
func (s *Server) emit(field string, value map[string]any) {
	if s.cfg.Unsubscribed {
		// Meta sends a WABA's webhooks only to subscribed apps.
		s.log.Debug("webhook dropped: app not subscribed to the WABA", "field", field)
		return
	}
	value["messaging_product"] = "whatsapp"
	value["metadata"] = map[string]any{
		"display_phone_number": s.cfg.DisplayPhoneNumber,
		"phone_number_id":      s.cfg.PhoneNumberID,
	}
	s.q.push(change{Field: field, Value: value})
}

// emitGroupEvent wraps one group event object in a groups[] change.
func (s *Server) emitGroupEvent(field string, ev map[string]any) {
	if _, ok := ev["timestamp"]; !ok {
		ev["timestamp"] = unixStr(s.now())
	}
	s.emit(field, map[string]any{"groups": []any{ev}})
}
