package schedule

import (
	"errors"
	"fmt"
	"time"

	"groupdeck/store"
)

// The staff actions on a schedule. Each runs inside the caller's
// transaction, beside the audit row that records it, and answers
// ErrState when the schedule's state does not allow it.

// ErrState means the action does not apply to the schedule as it is now.
var ErrState = errors.New("schedule: not allowed in this state")

// Create sets s's first occurrence (the first after now) and stores it.
func Create(t *store.Tx, s *store.Schedule, now time.Time) error {
	next, state, err := NextAfter(s, now)
	if err != nil {
		return err
	}
	if state == store.ScheduleDone {
		return ErrNoNext
	}
	s.State, s.NextAt = state, next
	return t.CreateSchedule(s)
}

// Edit replaces a schedule's message, rule and target with those of s.
// The next occurrence is computed afresh from now; occurrences already
// handled are never handled again (their key is the planned time). A
// paused schedule stays paused.
func Edit(t *store.Tx, s *store.Schedule, now time.Time) error {
	old, err := t.Schedule(s.ID)
	if err != nil {
		return err
	}
	if old.State != store.ScheduleActive && old.State != store.SchedulePaused {
		return ErrState
	}
	next, state, err := NextAfter(s, now)
	if err != nil {
		return err
	}
	if state == store.ScheduleDone {
		return ErrNoNext
	}
	if old.State == store.SchedulePaused {
		state = store.SchedulePaused
	}
	s.State, s.NextAt = state, next
	return t.UpdateSchedule(s)
}

// Pause stops an active schedule; nothing is sent while it is paused.
func Pause(t *store.Tx, id int64) (*store.Schedule, error) {
	s, err := t.Schedule(id)
	if err != nil {
		return nil, err
	}
	if s.State != store.ScheduleActive {
		return nil, ErrState
	}
	return s, t.SetScheduleState(id, store.SchedulePaused, s.NextAt)
}

// Resume restarts a paused schedule at its first occurrence after now:
// occurrences that fell in the pause are not sent late.
func Resume(t *store.Tx, id int64, now time.Time) (*store.Schedule, error) {
	s, err := t.Schedule(id)
	if err != nil {
		return nil, err
	}
	if s.State != store.SchedulePaused {
		return nil, ErrState
	}
	next, state, err := NextAfter(s, now)
	if err != nil {
		return nil, err
	}
	s.State, s.NextAt = state, next
	return s, t.SetScheduleState(id, state, next)
}

// SkipNext records the next occurrence as skipped (by whom, in reason)
// and moves on to the one after it.
func SkipNext(t *store.Tx, id int64, reason string) (skipped time.Time, err error) {
	s, err := t.Schedule(id)
	if err != nil {
		return time.Time{}, err
	}
	if (s.State != store.ScheduleActive && s.State != store.SchedulePaused) || s.NextAt == 0 {
		return time.Time{}, ErrState
	}
	at := time.UnixMilli(s.NextAt)
	if _, err := t.RecordOccurrence(&store.Occurrence{ScheduleID: id, At: s.NextAt, Outcome: store.OccurrenceSkipped, Reason: reason}); err != nil {
		return time.Time{}, err
	}
	state := s.State
	if err := advance(t, s, at); err != nil {
		return time.Time{}, err
	}
	if state == store.SchedulePaused {
		after, err := t.Schedule(id)
		if err != nil {
			return time.Time{}, err
		}
		if after.State == store.ScheduleActive {
			err = t.SetScheduleState(id, store.SchedulePaused, after.NextAt)
		}
		return at, err
	}
	return at, nil
}

// Cancel ends a schedule for good; what it sent stays in the timelines.
func Cancel(t *store.Tx, id int64) (*store.Schedule, error) {
	s, err := t.Schedule(id)
	if err != nil {
		return nil, err
	}
	if s.State == store.ScheduleCancelled || s.State == store.ScheduleDone {
		return nil, ErrState
	}
	return s, t.SetScheduleState(id, store.ScheduleCancelled, 0)
}

// Describe says in words when a schedule sends, e.g. "Every week on Mon,
// Thu at 08:00 (Europe/Berlin), 10 times".
func Describe(s *store.Schedule) string {
	r, err := RuleOf(s)
	if err != nil {
		return "Unreadable rule: " + err.Error()
	}
	clock := r.Start.Format("15:04") + " (" + s.TimeZone + ")"
	var out string
	switch r.Freq {
	case Once:
		out = "Once, on " + r.Start.Format("Mon 2 Jan 2006") + " at " + clock
	case Daily:
		out = "Every day at " + clock
	case Weekly:
		days := ""
		for d := time.Monday; d <= time.Saturday+1; d++ {
			wd := d % 7
			if r.Weekdays&(1<<int(wd)) != 0 {
				if days != "" {
					days += ", "
				}
				days += wd.String()[:3]
			}
		}
		out = "Every week on " + days + " at " + clock
	case Monthly:
		out = fmt.Sprintf("Every month on day %d at %s", r.MonthDay, clock)
	}
	if r.Freq != Once {
		out += ", from " + r.Start.Format("2 Jan 2006")
		if !r.Until.IsZero() {
			out += " until " + r.Until.Format("2 Jan 2006")
		}
		if r.Count > 0 {
			out += fmt.Sprintf(", %d times", r.Count)
		}
	}
	return out
}
