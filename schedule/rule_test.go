package schedule

import (
	"testing"
	"time"

	"groupdeck/store"
)

func rule(t *testing.T, s store.Schedule) Rule {
	t.Helper()
	r, err := RuleOf(&s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func local(t *testing.T, tz, v string) time.Time {
	t.Helper()
	loc, err := time.LoadLocation(tz)
	if err != nil {
		t.Fatal(err)
	}
	at, err := time.ParseInLocation(LocalLayout, v, loc)
	if err != nil {
		t.Fatal(err)
	}
	return at
}

// A weekly 08:00 in Berlin stays 08:00 local across the end of summer
// time (25 Oct 2026): 06:00 UTC before, 07:00 UTC after.
func TestWeeklyAcrossDSTEnd(t *testing.T) {
	r := rule(t, store.Schedule{TimeZone: "Europe/Berlin", StartLocal: "2026-10-12T08:00", Freq: Weekly, Weekdays: 1 << time.Monday})
	got := r.Upcoming(local(t, "Europe/Berlin", "2026-10-01T00:00"), 4)
	want := []string{"2026-10-12T06:00:00Z", "2026-10-19T06:00:00Z", "2026-10-26T07:00:00Z", "2026-11-02T07:00:00Z"}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for i, at := range got {
		if at.UTC().Format(time.RFC3339) != want[i] {
			t.Errorf("occurrence %d at %s UTC, want %s", i, at.UTC().Format(time.RFC3339), want[i])
		}
		if at.Format("15:04 Mon") != "08:00 Mon" {
			t.Errorf("occurrence %d is %s local, want 08:00 Mon", i, at.Format("15:04 Mon"))
		}
	}
}

// Spring forward in New York (8 Mar 2026): daily 08:00 moves from 13:00
// to 12:00 UTC; a daily 02:30, which does not exist that day, still
// happens once that day.
func TestDailyAcrossDSTStart(t *testing.T) {
	r := rule(t, store.Schedule{TimeZone: "America/New_York", StartLocal: "2026-03-07T08:00", Freq: Daily})
	got := r.Upcoming(time.Time{}, 3)
	if h := []int{got[0].UTC().Hour(), got[1].UTC().Hour(), got[2].UTC().Hour()}; h[0] != 13 || h[1] != 12 || h[2] != 12 {
		t.Errorf("UTC hours %v, want [13 12 12]", h)
	}
	gap := rule(t, store.Schedule{TimeZone: "America/New_York", StartLocal: "2026-03-07T02:30", Freq: Daily})
	days := gap.Upcoming(time.Time{}, 3)
	for i, d := range []int{7, 8, 9} {
		if days[i].Day() != d {
			t.Errorf("occurrence %d on day %d, want %d (%v)", i, days[i].Day(), d, days)
		}
	}
	if !days[1].After(days[0]) || !days[2].After(days[1]) {
		t.Errorf("occurrences out of order: %v", days)
	}
}

func TestWeeklyChosenDaysUntilAndCount(t *testing.T) {
	// Mon and Thu from Wed 4 Nov 2026: first Thu 5, Mon 9, Thu 12.
	base := store.Schedule{TimeZone: "UTC", StartLocal: "2026-11-04T09:30", Freq: Weekly, Weekdays: 1<<time.Monday | 1<<time.Thursday}
	got := rule(t, base).Upcoming(time.Time{}, 3)
	for i, d := range []int{5, 9, 12} {
		if got[i].Day() != d {
			t.Fatalf("occurrences %v, want days 5, 9, 12", got)
		}
	}
	until := base
	until.UntilDate = "2026-11-09"
	if n := len(rule(t, until).Upcoming(time.Time{}, 10)); n != 2 {
		t.Errorf("until 9 Nov (inclusive): %d occurrences, want 2", n)
	}
	count := base
	count.MaxCount = 3
	r := rule(t, count)
	if n := len(r.Upcoming(time.Time{}, 10)); n != 3 {
		t.Errorf("count 3: %d occurrences", n)
	}
	// The count is of the series, not of what is left after now.
	if _, n, ok := r.Next(got[1]); !ok || n != 3 {
		t.Errorf("after the 2nd: number %d ok %v, want the 3rd", n, ok)
	}
	if _, _, ok := r.Next(got[2]); ok {
		t.Error("a 4th occurrence of a 3-time rule")
	}
}

func TestMonthlyShortMonthsAndOnce(t *testing.T) {
	r := rule(t, store.Schedule{TimeZone: "UTC", StartLocal: "2026-01-31T10:00", Freq: Monthly, MonthDay: 31})
	got := r.Upcoming(time.Time{}, 4)
	for i, want := range []string{"2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30"} {
		if got[i].Format(DateLayout) != want {
			t.Errorf("occurrence %d on %s, want %s", i, got[i].Format(DateLayout), want)
		}
	}
	// A monthly day 5 starting on the 20th begins next month.
	late := rule(t, store.Schedule{TimeZone: "UTC", StartLocal: "2026-01-20T10:00", Freq: Monthly, MonthDay: 5})
	if at, _, _ := late.Next(time.Time{}); at.Format(DateLayout) != "2026-02-05" {
		t.Errorf("first monthly occurrence %s, want 2026-02-05", at.Format(DateLayout))
	}
	once := rule(t, store.Schedule{TimeZone: "UTC", StartLocal: "2026-01-20T10:00", Freq: Once})
	if got := once.Upcoming(time.Time{}, 3); len(got) != 1 {
		t.Errorf("once: %v", got)
	}
}

func TestRuleErrors(t *testing.T) {
	for name, s := range map[string]store.Schedule{
		"zone":      {TimeZone: "Mars/Olympus", StartLocal: "2026-01-01T10:00", Freq: Daily},
		"no days":   {TimeZone: "UTC", StartLocal: "2026-01-01T10:00", Freq: Weekly},
		"month day": {TimeZone: "UTC", StartLocal: "2026-01-01T10:00", Freq: Monthly, MonthDay: 32},
		"end":       {TimeZone: "UTC", StartLocal: "2026-01-05T10:00", Freq: Daily, UntilDate: "2026-01-04"},
		"freq":      {TimeZone: "UTC", StartLocal: "2026-01-05T10:00", Freq: "hourly"},
		"start":     {TimeZone: "UTC", StartLocal: "tomorrow", Freq: Daily},
	} {
		if _, err := RuleOf(&s); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
