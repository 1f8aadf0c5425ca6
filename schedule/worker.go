package schedule

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"groupdeck/clock"
	"groupdeck/messaging"
	"groupdeck/store"
)

// DefaultGrace is how late an occurrence may still be sent after the app
// was down when it was due.
const DefaultGrace = time.Hour

// Templates says whether a message template may still be sent (the
// template cache, templates.Refresher, satisfies it). With none configured
// the check is not made.
type Templates interface {
	// TemplateProblem returns "" when the template is approved, else why
	// it may not be sent (e.g. "paused by WhatsApp").
	TemplateProblem(ctx context.Context, name, language string) (string, error)
}

// Notifier is told which groups got a queued message and that the
// schedules changed.
type Notifier interface {
	GroupsChanged(ids ...int64)
}

// Worker sends due occurrences. Each occurrence is handled in one
// transaction that records it (unique per schedule and planned time),
// queues one outbox message per target group (unique per schedule,
// occurrence and group) and advances the schedule: a crash before the
// commit leaves the occurrence due, one after it has nothing left to do,
// so every occurrence is sent once. The outbox then sends the messages,
// one at a time, never resending one whose answer was lost.
type Worker struct {
	Store      *store.Store
	Clock      *Clock
	Grace      time.Duration
	Templates  Templates // nil: no approval re-check
	WakeOutbox func()
	Notify     Notifier
	Log        *slog.Logger
	Poll       time.Duration // longest sleep between checks
	wake       chan struct{}
}

// New returns a worker; call Run to start it.
func New(st *store.Store, clock *Clock, grace time.Duration, log *slog.Logger, notify Notifier, wakeOutbox func()) *Worker {
	if wakeOutbox == nil {
		wakeOutbox = func() {}
	}
	return &Worker{Store: st, Clock: clock, Grace: grace, WakeOutbox: wakeOutbox, Notify: notify, Log: log,
		Poll: 30 * time.Second, wake: make(chan struct{}, 1)}
}

// Now is the scheduler's current time.
func (w *Worker) Now() time.Time { return w.Clock.Now() }

// Wake makes the worker look again now (a schedule changed, or the
// sandbox clock moved), without blocking.
func (w *Worker) Wake() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run handles due occurrences until ctx ends.
func (w *Worker) Run(ctx context.Context) {
	for {
		if err := w.RunDue(ctx); err != nil && ctx.Err() == nil {
			w.Log.Error("scheduler: handling due occurrences failed", "err", err)
		}
		if clock.SleepOrWake(ctx, w.wake, w.idle(ctx)) != nil {
			return
		}
	}
}

// idle is how long to sleep: until the next occurrence, at most Poll.
func (w *Worker) idle(ctx context.Context) time.Duration {
	at, ok, err := w.Store.NextScheduleAt(ctx)
	if err != nil || !ok {
		return w.Poll
	}
	return min(max(time.UnixMilli(at).Sub(w.Now()), 10*time.Millisecond), w.Poll)
}

// RunDue handles every occurrence due now, oldest first; a schedule
// several occurrences behind (the app was down) has each handled in turn.
// One schedule that fails (its template check cannot be made, say) is
// tried again at the next pass and does not hold up the others.
func (w *Worker) RunDue(ctx context.Context) error {
	failed := map[int64]error{}
	for {
		ids, err := w.Store.DueSchedules(ctx, w.Now().UnixMilli())
		if err != nil {
			return err
		}
		progress := false
		for _, id := range ids {
			if failed[id] != nil {
				continue
			}
			if err := w.handle(ctx, id); err != nil {
				failed[id] = fmt.Errorf("schedule %d: %w", id, err)
				continue
			}
			progress = true
		}
		if !progress {
			var errs []error
			for _, err := range failed {
				errs = append(errs, err)
			}
			return errors.Join(errs...)
		}
	}
}

// handle handles the next occurrence of one schedule, if it is still due.
func (w *Worker) handle(ctx context.Context, id int64) error {
	s, err := w.Store.ScheduleByID(ctx, id)
	if err != nil {
		return err
	}
	// The template check calls out, so it runs with no transaction open.
	problem := ""
	if s.Kind == store.KindTemplate && w.Templates != nil {
		if problem, err = w.Templates.TemplateProblem(ctx, s.Payload.Template, s.Payload.Language); err != nil {
			return fmt.Errorf("checking template %s: %w", s.Payload.Template, err)
		}
	}
	now := w.Now()
	touched, err := w.Store.WithTx(ctx, func(t *store.Tx) error {
		s, err := t.Schedule(id)
		if err != nil {
			return err
		}
		if s.State != store.ScheduleActive || s.NextAt == 0 || s.NextAt > now.UnixMilli() {
			return nil // changed since it was found due
		}
		return w.occur(t, s, now, problem)
	})
	if err != nil {
		return err
	}
	if len(touched) > 0 {
		w.WakeOutbox()
		if w.Notify != nil {
			w.Notify.GroupsChanged(touched...)
		}
	}
	return nil
}

// occur records the occurrence at s.NextAt, sends it unless it is past
// the grace period or refused, and advances the schedule.
func (w *Worker) occur(t *store.Tx, s *store.Schedule, now time.Time, problem string) error {
	at := time.UnixMilli(s.NextAt)
	o := &store.Occurrence{ScheduleID: s.ID, At: s.NextAt, Outcome: store.OccurrenceSent}
	switch late := now.Sub(at); {
	case late > w.Grace:
		o.Outcome = store.OccurrenceMissed
		o.Reason = fmt.Sprintf("Not sent: groupdeck was not running when it was due; it came back %s late, past the grace period of %s.",
			Human(late), Human(w.Grace))
	case problem != "":
		o.Outcome = store.OccurrenceRefused
		o.Reason = "Not sent: the template " + s.Payload.Template + " cannot be sent: " + problem
	}
	fresh, err := t.RecordOccurrence(o)
	if err != nil {
		return err
	}
	if fresh && o.Outcome == store.OccurrenceSent {
		if err := w.send(t, s, o); err != nil {
			return err
		}
	}
	return advance(t, s, at)
}

// send queues the message in every target group, or records why a group
// is skipped (the rules of send to many).
func (w *Worker) send(t *store.Tx, s *store.Schedule, o *store.Occurrence) error {
	groups, err := t.ScheduleTargets(s)
	if err != nil {
		return err
	}
	for _, g := range groups {
		skip := messaging.Refusal(g)
		if skip == "" {
			o.Queued++
		} else {
			o.Skipped++
		}
		if err := t.ScheduleSend(s.ID, o.At, g.ID, s.Message(g.ID), skip); err != nil {
			return err
		}
	}
	if len(groups) == 0 {
		o.Reason = "No group matched the target at that time."
	}
	return t.FinishOccurrence(o)
}

// advance moves the schedule to its occurrence after at, or marks it done.
func advance(t *store.Tx, s *store.Schedule, at time.Time) error {
	r, err := RuleOf(s)
	if err != nil {
		return t.SetScheduleState(s.ID, store.ScheduleDone, 0)
	}
	next, _, ok := r.Next(at)
	if !ok {
		return t.SetScheduleState(s.ID, store.ScheduleDone, 0)
	}
	return t.SetScheduleState(s.ID, store.ScheduleActive, next.UnixMilli())
}

// NextAfter returns a schedule's first occurrence after now, in Unix ms,
// and the state that goes with it (done when there is none).
func NextAfter(s *store.Schedule, now time.Time) (int64, string, error) {
	r, err := RuleOf(s)
	if err != nil {
		return 0, "", err
	}
	next, _, ok := r.Next(now)
	if !ok {
		return 0, store.ScheduleDone, nil
	}
	return next.UnixMilli(), store.ScheduleActive, nil
}

// ErrNoNext means a rule has no occurrence after now.
var ErrNoNext = errors.New("that schedule has no send left in the future")

// Human writes a duration the way the pages do: "1 h", "3 h 20 min", "45 s".
func Human(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%d days", int(d/(24*time.Hour)))
	case d >= time.Hour:
		h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
		if m == 0 {
			return fmt.Sprintf("%d h", h)
		}
		return fmt.Sprintf("%d h %d min", h, m)
	case d >= time.Minute:
		return fmt.Sprintf("%d min", int(d/time.Minute))
	}
	return fmt.Sprintf("%d s", int(d/time.Second))
}
