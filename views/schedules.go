package views

import "groupdeck/store"

// ScheduleForm is the form that creates or edits a schedule: the
// composer's message fields plus when and to whom.
type ScheduleForm struct {
	ID           int64 // 0 for a new schedule
	Composer     ComposerForm
	Start        string // datetime-local value
	TimeZone     string // IANA name; empty: the browser fills its own
	Freq         string
	Weekdays     map[int]bool
	MonthDay     string
	End          string // never, until, count
	Until        string
	Count        string
	Target       string // groups, filter
	Selected     map[int64]bool
	FilterPool   string
	FilterPrefix string
	Picker       MultiPickerView // the hand-picked groups
	Pools        []*store.Pool
	KeepMedia    string // on edit: the media already attached
}

// Weekday names in the form's order (Monday first) with their
// time.Weekday numbers.
var formWeekdays = []struct {
	N    int
	Name string
}{{1, "Mon"}, {2, "Tue"}, {3, "Wed"}, {4, "Thu"}, {5, "Fri"}, {6, "Sat"}, {0, "Sun"}}

// ScheduleRow is one schedule in a list.
type ScheduleRow struct {
	S       *store.Schedule
	Rule    string // in words
	Next    string // the next occurrence in the schedule's time zone, or ""
	NextISO string
	Target  string // in words
	Count   int    // groups the target matches now
	What    string // the message, shortened
}

// SchedulesView is the Scheduled page.
type SchedulesView struct {
	Rows     []ScheduleRow
	All      bool
	CanEdit  bool
	TimeZone string // the user's setting
	Clock    *SandboxClock
	Notice   string
}

// SandboxClock is the sandbox-only clock control's state.
type SandboxClock struct {
	Now    string // the scheduler's time
	Offset string // how far ahead of real time, in words; "" when on time
}

// OccurrenceView is a handled occurrence with each group's result.
type OccurrenceView struct {
	O     store.Occurrence
	When  string
	Sends []store.OccurrenceSend
}

// ScheduleView is one schedule's page.
type ScheduleView struct {
	Row         ScheduleRow
	Upcoming    []string
	Occurrences []OccurrenceView
	CanEdit     bool
	Notice      string
	Error       string
}

func (f ScheduleForm) action() string {
	if f.ID == 0 {
		return "/schedules"
	}
	return idPath("/schedules/%d", f.ID)
}

// targetInvalid marks the field to fix under "To": the first choice when
// none was made, the subject field when a filter narrows nothing, so the
// focus lands there as the form comes back.
func (f ScheduleForm) targetInvalid(target string) string {
	if f.Target != target {
		return "false"
	}
	return invalid(f.Composer.Errors["target"])
}
