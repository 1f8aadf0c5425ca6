package outbox

import (
	"context"
	"errors"
	"sync"
	"time"

	"groupdeck/clock"
	"groupdeck/store"
	"groupdeck/whatsapp"
)

// slowCall is the Cloud API send time the worker keeps up with at full
// rate: Meta answers a send in about 200–500 ms, sometimes a second.
const slowCall = time.Second

// InFlightCap caps the sends under way at once, whatever the rate: each
// is an open request, and past this a slower Cloud API should slow the
// worker rather than pile up requests.
const InFlightCap = 64

// InFlightFor is how many sends must be under way at once to keep
// perSecond messages a second going when each takes slowCall: the rate
// times slowCall, at least 1 and at most InFlightCap.
func InFlightFor(perSecond int) int {
	if perSecond < 1 {
		perSecond = DefaultRate
	}
	return min(max(int(float64(perSecond)*slowCall.Seconds()), 1), InFlightCap)
}

// Run sends messages until ctx ends: up to MaxInFlight at once, each
// started only when the pacer allows it, and a group's messages one at
// a time in the order they were queued (ClaimMessage skips a group with
// a message being sent or an earlier one waiting). On return every send
// it started has recorded its result: one cut short by ctx is
// unconfirmed (in doubt), never resent blindly.
func (w *Worker) Run(ctx context.Context) {
	w.Recover(ctx)
	var sends sync.WaitGroup
	defer sends.Wait()
	slots := make(chan struct{}, max(w.MaxInFlight, 1))
	for {
		for w.dispatch(ctx, slots, &sends) {
		}
		if ctx.Err() != nil {
			return
		}
		w.expire(ctx)
		if clock.SleepOrWake(ctx, w.wake, w.idle(ctx)) != nil {
			return
		}
	}
}

// dispatch starts the send of the next message that may go, once a slot
// is free; it reports whether there was one. The end of each send wakes
// the worker: its group's next message may go now.
func (w *Worker) dispatch(ctx context.Context, slots chan struct{}, sends *sync.WaitGroup) bool {
	select {
	case slots <- struct{}{}:
	case <-ctx.Done():
		return false
	}
	m, ok := w.claim(ctx)
	if !ok {
		<-slots
		return false
	}
	sends.Go(func() {
		defer func() {
			<-slots
			w.Wake()
		}()
		w.deliver(ctx, m)
	})
	return true
}

// claim takes the next message that may go now and waits for the pacer.
// The pacer is asked after the claim so that what it spaces is the
// calls themselves, not claims whose commit times vary: a claim held up
// behind other writes must not let two calls go closer than the rate.
// A message claimed but not sent (ctx ended while waiting, or a rate
// limit came back meanwhile) is put back.
func (w *Worker) claim(ctx context.Context) (*store.Message, bool) {
	if w.hold.left(w.Store.Now()) > 0 {
		return nil, false
	}
	m, err := w.Store.ClaimMessage(ctx)
	if errors.Is(err, store.ErrNotFound) {
		return nil, false
	}
	if err != nil {
		if ctx.Err() == nil {
			w.Log.Error("outbox claim failed", "err", err)
		}
		return nil, false
	}
	// A rate limit heard while waiting for the pacer holds this one too.
	if w.Pace != nil && w.Pace.Wait(ctx) != nil || w.hold.left(w.Store.Now()) > 0 {
		if err := w.Store.UnclaimMessage(context.WithoutCancel(ctx), m.ID); err != nil {
			w.Log.Error("outbox: putting back an unsent message failed", "message_id", m.ID, "err", err)
		}
		return nil, false
	}
	return m, true
}

// hold is a pause of every send until a time (Store.Now's clock).
type hold struct {
	mu    sync.Mutex
	until time.Time
}

// left is how long the pause still lasts at now.
func (h *hold) left(now time.Time) time.Duration {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.until.Sub(now)
}

// extend makes the pause last at least until t; answers that arrive
// together do not add up.
func (h *hold) extend(t time.Time) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !t.After(h.until) {
		return false
	}
	h.until = t
	return true
}

// pauseFor pauses every send for wait when err is a limit on the whole
// number: throughput (130429), or an HTTP 429 / group-operation limit
// (131208) with its Retry-After. The sends already under way finish;
// none starts until the pause ends, so one such answer is not followed
// by a burst of others. The pair rate (131056) limits one recipient,
// the group: only its message waits (its back-off), and the group's
// later messages wait behind it in order.
func (w *Worker) pauseFor(err error, wait time.Duration) {
	var a *whatsapp.APIError
	if !errors.As(err, &a) || a.Code == whatsapp.CodePairRateLimit {
		return
	}
	if _, limited := whatsapp.RateLimitWait(err); !limited && a.Code != whatsapp.CodeThroughputLimit {
		return
	}
	if w.hold.extend(w.Store.Now().Add(wait)) {
		w.Log.Warn("outbox: WhatsApp's rate limit; pausing every send", "code", a.Code, "wait_ms", wait.Milliseconds())
	}
}
