// Package outbox sends queued messages. A message is stored before it is
// sent; this worker claims one at a time, sends it, and records the
// result, so a crash can neither lose a message nor send it twice.
package outbox

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"groupdeck/store"
	"groupdeck/whatsapp"
)

// Sender is the part of the Cloud API client the worker needs.
type Sender interface {
	SendText(ctx context.Context, groupID, body string, previewURL bool) (*whatsapp.SendResult, error)
}

// Worker drains the outbox.
type Worker struct {
	Store       *store.Store
	WA          Sender
	Log         *slog.Logger
	Changed     func(groupID int64) // called after a message's state is committed
	MaxAttempts int
	Backoff     time.Duration
	wake        chan struct{}
}

// New returns a worker; call Run to start it.
func New(st *store.Store, wa Sender, log *slog.Logger, changed func(int64)) *Worker {
	return &Worker{Store: st, WA: wa, Log: log, Changed: changed, MaxAttempts: 5, Backoff: time.Second,
		wake: make(chan struct{}, 1)}
}

// Wake tells the worker there is work, without blocking.
func (w *Worker) Wake() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run sends messages until ctx ends. Messages left "sending" by an
// earlier crash are failed, not resent: WhatsApp may have accepted them.
func (w *Worker) Run(ctx context.Context) {
	if n, err := w.Store.AbandonInFlight(ctx); err != nil {
		w.Log.Error("outbox recovery failed", "err", err)
	} else if n > 0 {
		w.Log.Warn("outbox: messages interrupted by a restart were marked failed", "count", n)
	}
	tick := time.NewTicker(2 * time.Second)
	defer tick.Stop()
	for {
		for w.sendOne(ctx) {
		}
		select {
		case <-ctx.Done():
			return
		case <-w.wake:
		case <-tick.C:
		}
	}
}

// sendOne sends the oldest queued message; it reports whether there was one.
func (w *Worker) sendOne(ctx context.Context) bool {
	m, err := w.Store.ClaimMessage(ctx)
	if errors.Is(err, store.ErrNotFound) {
		return false
	}
	if err != nil {
		if ctx.Err() == nil {
			w.Log.Error("outbox claim failed", "err", err)
		}
		return false
	}
	defer w.Changed(m.GroupID)
	g, err := w.Store.GroupByID(ctx, m.GroupID)
	if err != nil {
		w.fail(ctx, m, "The group no longer exists.")
		return true
	}
	if g.WaGroupID == "" {
		w.fail(ctx, m, "The group was not created on WhatsApp.")
		return true
	}
	res, err := w.WA.SendText(ctx, g.WaGroupID, m.Body, false)
	if err == nil {
		if err := w.Store.MessageSent(ctx, m.ID, res.MessageID); err != nil {
			w.Log.Error("outbox: recording a sent message failed", "message_id", m.ID, "err", err)
		}
		return true
	}
	var apiErr *whatsapp.APIError
	transient := !errors.As(err, &apiErr) || apiErr.Temporary()
	if transient && m.Attempts < w.MaxAttempts && ctx.Err() == nil {
		// A network error may hide an accepted send; only API answers that
		// say "not done, try later" are safe to retry.
		if errors.As(err, &apiErr) {
			w.Log.Warn("outbox: transient failure, will retry", "message_id", m.ID, "attempt", m.Attempts, "code", apiErr.Code)
			if err := w.Store.RequeueMessage(ctx, m.ID, whatsapp.Human(err)); err != nil {
				w.Log.Error("outbox requeue failed", "err", err)
			}
			wait := w.Backoff << (m.Attempts - 1)
			if apiErr.RetryAfter > wait {
				wait = apiErr.RetryAfter
			}
			select {
			case <-ctx.Done():
			case <-time.After(wait):
			}
			return true
		}
	}
	w.fail(ctx, m, whatsapp.Human(err))
	return true
}

func (w *Worker) fail(ctx context.Context, m *store.Message, reason string) {
	if err := w.Store.MessageFailed(ctx, m.ID, reason); err != nil {
		w.Log.Error("outbox: recording a failure failed", "message_id", m.ID, "err", err)
	}
}
