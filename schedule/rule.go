// Package schedule turns a schedule's recurrence rule into instants and
// runs the worker that sends each occurrence through the outbox.
package schedule

import (
	"errors"
	"fmt"
	"time"
	_ "time/tzdata" // time zones work on machines without a zoneinfo database

	"groupdeck/store"
)

// Frequencies of a rule.
const (
	Once    = "once"
	Daily   = "daily"
	Weekly  = "weekly"
	Monthly = "monthly"
)

// Layouts of the rule's local date-times and dates, as HTML's
// datetime-local and date inputs send them.
const (
	LocalLayout = "2006-01-02T15:04"
	DateLayout  = "2006-01-02"
)

// horizon bounds the search for the next occurrence of a rule: a rule
// whose next occurrence lies further than this (in days) has none.
const horizon = 366 * 100

// Rule is a recurrence rule in one time zone. Occurrences are at the
// start's wall-clock time in Loc, so a weekly 08:00 stays 08:00 local
// across daylight-saving changes. A wall-clock time that does not exist
// on a day (skipped by a spring-forward) is taken as time.Date normalises
// it (an hour later); one that happens twice (autumn) happens once.
type Rule struct {
	Freq     string
	Loc      *time.Location
	Start    time.Time // wall-clock date and time of the first possible occurrence, in Loc
	Weekdays int       // Weekly: bit n = time.Weekday(n)
	MonthDay int       // Monthly: 1-31; a month without that day uses its last day
	Until    time.Time // last date (in Loc, inclusive); zero = none
	Count    int       // only the first Count occurrences; 0 = no limit
}

// RuleOf reads a stored schedule's rule.
func RuleOf(s *store.Schedule) (Rule, error) {
	loc, err := time.LoadLocation(s.TimeZone)
	if err != nil || s.TimeZone == "" {
		return Rule{}, fmt.Errorf("unknown time zone %q", s.TimeZone)
	}
	start, err := time.ParseInLocation(LocalLayout, s.StartLocal, loc)
	if err != nil {
		return Rule{}, fmt.Errorf("start %q: %w", s.StartLocal, err)
	}
	r := Rule{Freq: s.Freq, Loc: loc, Start: start, Weekdays: s.Weekdays, MonthDay: s.MonthDay, Count: s.MaxCount}
	if s.UntilDate != "" {
		if r.Until, err = time.ParseInLocation(DateLayout, s.UntilDate, loc); err != nil {
			return Rule{}, fmt.Errorf("end date %q: %w", s.UntilDate, err)
		}
	}
	return r, r.Check()
}

// Check reports what is wrong with a rule, in words for the form.
func (r Rule) Check() error {
	switch r.Freq {
	case Once, Daily:
	case Weekly:
		if r.Weekdays&0x7f == 0 {
			return errors.New("Choose at least one day of the week.")
		}
	case Monthly:
		if r.MonthDay < 1 || r.MonthDay > 31 {
			return errors.New("Choose a day of the month from 1 to 31.")
		}
	default:
		return errors.New("Choose how often to send: once, daily, weekly or monthly.")
	}
	if r.Count < 0 {
		return errors.New("The number of sends cannot be negative.")
	}
	if !r.Until.IsZero() && r.Until.Before(dateOf(r.Start)) {
		return errors.New("The end date is before the first send.")
	}
	return nil
}

// Next returns the first occurrence strictly after after, with its
// 1-based number in the series; ok is false when the rule has no
// further occurrence (its end date or count is reached).
func (r Rule) Next(after time.Time) (at time.Time, n int, ok bool) {
	if r.Loc == nil {
		return time.Time{}, 0, false
	}
	for i := 0; i < horizon; i++ {
		t, match, more := r.candidate(i)
		if !more {
			break
		}
		if !r.Until.IsZero() && dateOf(t).After(r.Until) {
			break
		}
		if !match {
			continue
		}
		n++
		if r.Count > 0 && n > r.Count {
			break
		}
		if t.After(after) {
			return t, n, true
		}
	}
	return time.Time{}, 0, false
}

// Upcoming returns at most k occurrences after after.
func (r Rule) Upcoming(after time.Time, k int) []time.Time {
	var out []time.Time
	for len(out) < k {
		t, _, ok := r.Next(after)
		if !ok {
			break
		}
		out = append(out, t)
		after = t
	}
	return out
}

// candidate returns the i-th candidate instant of the rule: a day (or a
// month, for Monthly) counted from the start, whether it is an
// occurrence, and whether there are candidates at all from i on.
func (r Rule) candidate(i int) (t time.Time, match, more bool) {
	y, m, d := r.Start.Date()
	hh, mm := r.Start.Hour(), r.Start.Minute()
	switch r.Freq {
	case Once:
		return r.Start, true, i == 0
	case Daily:
		return time.Date(y, m, d+i, hh, mm, 0, 0, r.Loc), true, true
	case Weekly:
		t = time.Date(y, m, d+i, hh, mm, 0, 0, r.Loc)
		return t, r.Weekdays&(1<<int(t.Weekday())) != 0, true
	case Monthly:
		first := time.Date(y, m+time.Month(i), 1, 0, 0, 0, 0, r.Loc)
		day := min(r.MonthDay, daysIn(first))
		t = time.Date(first.Year(), first.Month(), day, hh, mm, 0, 0, r.Loc)
		return t, !dateOf(t).Before(dateOf(r.Start)), true
	}
	return time.Time{}, false, false
}

func daysIn(first time.Time) int {
	return first.AddDate(0, 1, -1).Day()
}

// dateOf is t's date at midnight in t's location.
func dateOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}
