// Package outbox sends queued messages. A message is stored before it is
// sent; this worker claims it (the claim is committed before the Cloud
// API call), sends it, and records the result, with up to MaxInFlight
// sends under way at once, paced, and one group's messages in order, one
// at a time (run.go). A transient
// failure is retried later with exponential back-off; a send whose answer
// was lost is never repeated on its own, because the Cloud API has no
// idempotency key: it waits, "in doubt", for the status webhook that
// proves it arrived (see store/outbox.go), and fails with a reason if
// none comes.
package outbox

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"strconv"
	"time"

	"groupdeck/store"
	"groupdeck/whatsapp"
)

// Sender is the part of the Cloud API client the worker needs.
type Sender interface {
	SendText(ctx context.Context, groupID, body string, previewURL bool) (*whatsapp.SendResult, error)
	SendMedia(ctx context.Context, groupID, kind string, m whatsapp.MediaRef) (*whatsapp.SendResult, error)
	SendTemplate(ctx context.Context, groupID string, t whatsapp.Template) (*whatsapp.SendResult, error)
	Pin(ctx context.Context, groupID, messageID string, days int) (*whatsapp.SendResult, error)
	Unpin(ctx context.Context, groupID, messageID string) (*whatsapp.SendResult, error)
}

// DefaultRate is a business number's default messaging throughput, in
// messages per second (Meta's throughput page; higher tiers allow more,
// see GROUPDECK_SEND_RATE).
const DefaultRate = 80

// Worker drains the outbox. Only one worker may run per database: "at
// most one message of a group in flight" is what lets a lost answer be
// matched to its group's status webhook unambiguously.
type Worker struct {
	Store       *store.Store
	WA          Sender
	Log         *slog.Logger
	Notify      Notifier      // told after a message's state is committed
	MaxAttempts int           // sends of one message before a transient failure is final
	Backoff     time.Duration // wait after the first transient failure; doubles each time
	MaxBackoff  time.Duration
	// DoubtGrace is how long an in-doubt message waits for a status
	// webhook before it is failed as "probably not sent".
	DoubtGrace time.Duration
	Poll       time.Duration // idle re-check interval
	// Pace keeps sends within the number's messaging throughput, so a
	// scheduled or bulk send to thousands of groups is not refused with
	// 130429 in bursts (nil: no pacing).
	Pace Pacer
	// MaxInFlight bounds the sends under way at once (below 1: one).
	MaxInFlight int
	wake        chan struct{}
	hold        hold // a number-wide rate limit pauses every send (run.go)
}

// Notifier is told which groups' messages changed.
type Notifier interface {
	PartsChanged(p store.Part, ids ...int64)
}

// New returns a worker; call Run to start it. A nil notify tells no one.
func New(st *store.Store, wa Sender, log *slog.Logger, notify Notifier) *Worker {
	return &Worker{Store: st, WA: wa, Log: log, Notify: notify, MaxAttempts: 5, Backoff: time.Second,
		MaxBackoff: 5 * time.Minute, DoubtGrace: 10 * time.Minute, Poll: 2 * time.Second,
		Pace: NewPace(DefaultRate), MaxInFlight: InFlightFor(DefaultRate), wake: make(chan struct{}, 1)}
}

// SetRate paces the worker at perSecond messages a second, with as many
// sends in flight as that rate needs (InFlightFor).
func (w *Worker) SetRate(perSecond int) {
	w.Pace = NewPace(perSecond)
	w.MaxInFlight = InFlightFor(perSecond)
}

// Wake tells the worker there is work, without blocking.
func (w *Worker) Wake() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Recover runs once at start: messages a crash left "sending" are put in
// doubt, not resent.
func (w *Worker) Recover(ctx context.Context) {
	groups, err := w.Store.RecoverInFlight(ctx)
	if err != nil {
		w.Log.Error("outbox recovery failed", "err", err)
		return
	}
	if len(groups) > 0 {
		w.Log.Warn("outbox: messages interrupted by a restart wait for WhatsApp's confirmation", "count", len(groups))
	}
	w.changed(groups...)
}

// idle returns how long to sleep: until the next back-off ends, at most Poll.
// A pause for a rate limit counts as a back-off.
func (w *Worker) idle(ctx context.Context) time.Duration {
	if d := w.hold.left(w.Store.Now()); d > 0 {
		return min(d, w.Poll)
	}
	at, ok, err := w.Store.NextAttempt(ctx)
	if err != nil || !ok {
		return w.Poll
	}
	d := time.Until(time.UnixMilli(at))
	switch {
	case d < time.Millisecond:
		return time.Millisecond
	case d > w.Poll:
		return w.Poll
	}
	return d
}

func (w *Worker) expire(ctx context.Context) {
	groups, err := w.Store.ExpireDoubt(ctx, w.Store.Now().Add(-w.DoubtGrace).UnixMilli())
	if err != nil {
		if ctx.Err() == nil {
			w.Log.Error("outbox: expiring in-doubt messages failed", "err", err)
		}
		return
	}
	w.changed(groups...)
}

func (w *Worker) changed(groups ...int64) {
	if w.Notify == nil {
		return
	}
	seen := map[int64]bool{}
	var ids []int64
	for _, g := range groups {
		if !seen[g] {
			seen[g] = true
			ids = append(ids, g)
		}
	}
	w.Notify.PartsChanged(store.PartMessages, ids...)
}

// SendOne sends the oldest message that may go now and waits for its
// result; it reports whether there was one. Run sends several at once.
func (w *Worker) SendOne(ctx context.Context) bool {
	m, ok := w.claim(ctx)
	if ok {
		w.deliver(ctx, m)
	}
	return ok
}

// deliver sends claimed message m and records the result.
func (w *Worker) deliver(ctx context.Context, m *store.Message) {
	// Results are recorded even when ctx was cancelled mid-call.
	rec := context.WithoutCancel(ctx)
	touched := []int64{m.GroupID}
	defer func() { w.changed(touched...) }()
	g, err := w.Store.GroupByID(rec, m.GroupID)
	if err != nil {
		w.fail(rec, m, "The group no longer exists.")
		return
	}
	if g.WaGroupID == "" {
		w.fail(rec, m, "The group was not created on WhatsApp.")
		return
	}
	res, err := w.send(whatsapp.WithCallbackData(ctx, store.CallbackData(m.ID)), g.WaGroupID, m)
	if err == nil {
		more, err := w.Store.MessageSent(rec, m.ID, res.MessageID)
		if err != nil {
			w.Log.Error("outbox: recording a sent message failed", "message_id", m.ID, "err", err)
		}
		touched = append(touched, more...)
		return
	}
	switch classify(err) {
	case permanent:
		w.fail(rec, m, whatsapp.Human(err))
	case transient:
		wait := w.backoff(m.Attempts, err)
		w.pauseFor(err, wait)
		if m.Attempts >= w.MaxAttempts {
			w.fail(rec, m, whatsapp.Human(err)+" (gave up after "+strconv.Itoa(m.Attempts)+" attempts)")
			break
		}
		w.Log.Warn("outbox: transient failure, will retry", "message_id", m.ID, "attempt", m.Attempts,
			"wait_ms", wait.Milliseconds(), "err", err)
		if err := w.Store.RequeueMessage(rec, m.ID, whatsapp.Human(err)+"; trying again", w.Store.Now().Add(wait).UnixMilli()); err != nil {
			w.Log.Error("outbox requeue failed", "message_id", m.ID, "err", err)
		}
	case unknown:
		reason := store.ReasonNoAnswer
		if ctx.Err() != nil {
			reason = store.ReasonInterrupted
		}
		w.Log.Warn("outbox: send outcome unknown, waiting for a status webhook", "message_id", m.ID, "err", err)
		more, err := w.Store.MessageInDoubt(rec, m.ID, reason)
		if err != nil {
			w.Log.Error("outbox: recording an in-doubt message failed", "message_id", m.ID, "err", err)
		}
		touched = append(touched, more...)
	}
}

func (w *Worker) send(ctx context.Context, group string, m *store.Message) (*whatsapp.SendResult, error) {
	switch m.Kind {
	case store.KindText:
		return w.WA.SendText(ctx, group, m.Body, m.Payload.PreviewURL)
	case whatsapp.KindImage, whatsapp.KindVideo, whatsapp.KindDocument:
		ref := whatsapp.MediaRef{ID: m.MediaID, Caption: m.Body}
		if m.Kind == whatsapp.KindDocument {
			ref.Filename = m.MediaName
		}
		return w.WA.SendMedia(ctx, group, m.Kind, ref)
	case whatsapp.KindAudio, whatsapp.KindSticker:
		return w.WA.SendMedia(ctx, group, m.Kind, whatsapp.MediaRef{ID: m.MediaID})
	case store.KindTemplate:
		return w.WA.SendTemplate(ctx, group, TemplateFor(m))
	case store.KindPin:
		return w.WA.Pin(ctx, group, m.Payload.Target, m.Payload.Days)
	case store.KindUnpin:
		return w.WA.Unpin(ctx, group, m.Payload.Target)
	}
	return nil, errUnknownKind(m.Kind)
}

type errUnknownKind string

func (e errUnknownKind) Error() string {
	return "This kind of message (" + string(e) + ") cannot be sent."
}

type outcome int

const (
	permanent outcome = iota // WhatsApp said no: retrying unchanged will not help
	transient                // WhatsApp said "not now", or nothing was sent: safe to retry
	unknown                  // the request may have been accepted: never resend blindly
)

// classify decides what a send error means for the message.
func classify(err error) outcome {
	var v *whatsapp.ValidationError
	var k errUnknownKind
	if errors.As(err, &v) || errors.As(err, &k) {
		return permanent
	}
	var a *whatsapp.APIError
	if errors.As(err, &a) {
		if a.Temporary() {
			return transient
		}
		return permanent
	}
	// A refused connection means the request never left this machine.
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return transient
	}
	return unknown
}

func (w *Worker) backoff(attempt int, err error) time.Duration {
	d := w.Backoff
	for i := 1; i < attempt && d < w.MaxBackoff; i++ {
		d *= 2
	}
	if d > w.MaxBackoff {
		d = w.MaxBackoff
	}
	var a *whatsapp.APIError
	if errors.As(err, &a) && a.RetryAfter > d {
		d = a.RetryAfter
	}
	if a != nil && a.Code == whatsapp.CodePairRateLimit {
		// The pair rate refills one message per interval: sooner fails again.
		d = max(d, whatsapp.PairRateInterval)
	}
	return d
}

func (w *Worker) fail(ctx context.Context, m *store.Message, reason string) {
	if err := w.Store.MessageFailed(ctx, m.ID, reason); err != nil {
		w.Log.Error("outbox: recording a failure failed", "message_id", m.ID, "err", err)
	}
}

// TemplateFor builds the template send of a stored template message: from
// its filled variables and header media, or (messages queued before
// templates were picked from the account) its positional body parameters.
func TemplateFor(m *store.Message) whatsapp.Template {
	p := m.Payload
	if len(p.Vars) == 0 && p.Header == "" {
		t := whatsapp.Template{Name: p.Template, Language: p.Language}
		for _, s := range p.Params {
			t.BodyParams = append(t.BodyParams, whatsapp.TemplateParam{Type: whatsapp.ParamText, Text: s})
		}
		return t
	}
	vals := make([]whatsapp.TemplateValue, len(p.Vars))
	for i, v := range p.Vars {
		vals[i] = whatsapp.TemplateValue{Key: v.Key, Text: v.Text}
	}
	media := whatsapp.MediaRef{ID: m.MediaID}
	if p.Header == whatsapp.KindDocument {
		media.Filename = m.MediaName
	}
	return whatsapp.FillTemplate(p.Template, p.Language, p.Named, p.Header, media, vals)
}
