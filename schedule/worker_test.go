package schedule

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"groupdeck/store"
)

// fixture is a store with a few groups and a worker on a test clock.
type fixture struct {
	t     *testing.T
	path  string
	st    *store.Store
	w     *Worker
	now   time.Time
	clock *Clock
	woken int
}

func newFixture(t *testing.T, start string) *fixture {
	t.Helper()
	f := &fixture{t: t, path: filepath.Join(t.TempDir(), "s.db"), now: local(t, "Europe/Berlin", start)}
	f.open()
	return f
}

// open (re)opens the database and a worker on it, as a restart would.
func (f *fixture) open() {
	st, err := store.Open(context.Background(), f.path)
	if err != nil {
		f.t.Fatal(err)
	}
	st.Now = func() time.Time { return f.now }
	f.st = st
	f.clock = NewClock(func() time.Time { return f.now })
	f.w = New(st, f.clock, DefaultGrace, slog.New(slog.DiscardHandler), nil, func() { f.woken++ })
	f.t.Cleanup(func() { st.Close() })
}

// group makes an active group with n participants (0: nobody joined).
func (f *fixture) group(subject string, n int) int64 {
	f.t.Helper()
	g := &store.Group{Subject: subject}
	f.tx(func(t *store.Tx) error {
		if err := t.CreateGroup(g); err != nil {
			return err
		}
		if err := t.GroupCreated(store.GroupCreatedEvent{GroupID: g.ID, WaGroupID: "wa-" + subject, At: 1}); err != nil {
			return err
		}
		for i := range n {
			if err := t.ParticipantJoined(g.ID, store.Member{WaID: fmt.Sprintf("1555%d%d", g.ID, i)}, "invite_link", 2); err != nil {
				return err
			}
		}
		return nil
	})
	return g.ID
}

func (f *fixture) local(ms int64) time.Time { return time.UnixMilli(ms).In(f.now.Location()) }

func (f *fixture) tx(fn func(*store.Tx) error) {
	f.t.Helper()
	if _, err := f.st.WithTx(context.Background(), fn); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) create(s *store.Schedule) *store.Schedule {
	f.t.Helper()
	if s.Kind == "" {
		s.Kind, s.Body = store.KindText, "Running plan"
	}
	if s.TimeZone == "" {
		s.TimeZone = "Europe/Berlin"
	}
	f.tx(func(t *store.Tx) error { return Create(t, s, f.clock.Now()) })
	return s
}

func (f *fixture) advance(d time.Duration) {
	f.now = f.now.Add(d)
	if err := f.w.RunDue(context.Background()); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) schedule(id int64) *store.Schedule {
	f.t.Helper()
	s, err := f.st.ScheduleByID(context.Background(), id)
	if err != nil {
		f.t.Fatal(err)
	}
	return s
}

func (f *fixture) occurrences(id int64) []store.Occurrence {
	f.t.Helper()
	os, err := f.st.Occurrences(context.Background(), id, 100)
	if err != nil {
		f.t.Fatal(err)
	}
	return os
}

// messages returns the bodies of a group's messages, oldest first.
func (f *fixture) messages(group int64) []string {
	f.t.Helper()
	ms, err := f.st.Messages(context.Background(), group, 100)
	if err != nil {
		f.t.Fatal(err)
	}
	var out []string
	for _, m := range ms {
		out = append(out, m.Body)
	}
	return out
}

// A weekly Monday 08:00 Berlin schedule sends at 08:00 local on both
// sides of the autumn change, to every group of its saved filter as it is
// at that moment, skipping groups that cannot receive, with the reason.
func TestWeeklyToFilterAcrossDST(t *testing.T) {
	f := newFixture(t, "2026-10-14T12:00") // a Wednesday
	a := f.group("Beginners A", 2)
	empty := f.group("Beginners empty", 0)
	f.group("Advanced", 3)
	s := f.create(&store.Schedule{StartLocal: "2026-10-19T08:00", Freq: Weekly, Weekdays: 1 << time.Monday,
		TargetKind: store.TargetFilter, FilterPrefix: "Beginners"})
	if got := time.UnixMilli(s.NextAt).UTC().Format(time.RFC3339); got != "2026-10-19T06:00:00Z" {
		t.Fatalf("first occurrence %s", got)
	}
	f.advance(4*24*time.Hour + 19*time.Hour + 59*time.Minute) // Mon 07:59
	if len(f.messages(a)) != 0 {
		t.Fatal("sent before its time")
	}
	f.advance(time.Minute)
	if got := f.messages(a); len(got) != 1 || got[0] != "Running plan" {
		t.Fatalf("group A after the first Monday: %v", got)
	}
	if f.woken == 0 {
		t.Error("the outbox was not woken")
	}
	occ := f.occurrences(s.ID)
	if len(occ) != 1 || occ[0].Outcome != store.OccurrenceSent || occ[0].Queued != 1 || occ[0].Skipped != 1 {
		t.Fatalf("first occurrence: %+v", occ)
	}
	sends, err := f.st.OccurrenceSends(context.Background(), s.ID, occ[0].At)
	if err != nil {
		t.Fatal(err)
	}
	if len(sends) != 2 || sends[1].GroupID != empty || !strings.Contains(sends[1].Skipped, "131020") {
		t.Fatalf("sends: %+v", sends)
	}
	// A group made during the week is included; the next Monday is after
	// the change to winter time: 07:00 UTC, still 08:00 in Berlin.
	later := f.group("Beginners B", 1)
	next := time.UnixMilli(f.schedule(s.ID).NextAt)
	if next.UTC().Format(time.RFC3339) != "2026-10-26T07:00:00Z" {
		t.Fatalf("second occurrence %s", next.UTC().Format(time.RFC3339))
	}
	f.now = next.Add(-time.Second)
	f.advance(time.Second)
	if len(f.messages(later)) != 1 || len(f.messages(a)) != 2 {
		t.Fatalf("second Monday: new group %v, group A %v", f.messages(later), f.messages(a))
	}
	// Running again at the same moment sends nothing more.
	f.advance(0)
	if len(f.messages(a)) != 2 {
		t.Fatal("an occurrence was sent twice")
	}
}

// After downtime, an occurrence within the grace period is sent late;
// older ones are marked missed with the reason, and nothing is sent for
// them.
func TestGracePeriod(t *testing.T) {
	f := newFixture(t, "2026-11-02T07:00")
	g := f.group("Daily", 1)
	s := f.create(&store.Schedule{StartLocal: "2026-11-02T08:00", Freq: Daily, TargetKind: store.TargetGroups, GroupIDs: []int64{g}})
	// The app is "down" from 07:00 Monday until 08:30 Wednesday: Monday's
	// and Tuesday's are missed, Wednesday's (30 min late) is sent.
	f.now = f.now.Add(2*24*time.Hour + 90*time.Minute)
	if err := f.w.RunDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	occ := f.occurrences(s.ID)
	if len(occ) != 3 {
		t.Fatalf("occurrences %+v", occ)
	}
	if occ[0].Outcome != store.OccurrenceSent || occ[1].Outcome != store.OccurrenceMissed || occ[2].Outcome != store.OccurrenceMissed {
		t.Fatalf("outcomes %+v", occ)
	}
	if !strings.Contains(occ[1].Reason, "grace period of 1 h") || !strings.Contains(occ[1].Reason, "24 h 30 min late") {
		t.Errorf("missed reason: %q", occ[1].Reason)
	}
	if got := f.messages(g); len(got) != 1 {
		t.Fatalf("messages %v", got)
	}
	if next := f.local(f.schedule(s.ID).NextAt); next.Format("2006-01-02 15:04") != "2026-11-05 08:00" {
		t.Errorf("next %v", next)
	}
	// The grace period is a setting.
	f.w.Grace = 10 * time.Minute
	f.now = time.UnixMilli(f.schedule(s.ID).NextAt).Add(11 * time.Minute)
	f.advance(0)
	if occ := f.occurrences(s.ID); occ[0].Outcome != store.OccurrenceMissed {
		t.Errorf("11 min late with a 10 min grace: %+v", occ[0])
	}
}

func TestPauseResumeSkipCancel(t *testing.T) {
	f := newFixture(t, "2026-11-02T07:00")
	g := f.group("Daily", 1)
	s := f.create(&store.Schedule{StartLocal: "2026-11-02T08:00", Freq: Daily, TargetKind: store.TargetGroups, GroupIDs: []int64{g}})
	f.tx(func(t *store.Tx) error { _, err := Pause(t, s.ID); return err })
	f.advance(2 * time.Hour) // Monday 09:00: paused, nothing sent
	if len(f.messages(g)) != 0 || len(f.occurrences(s.ID)) != 0 {
		t.Fatal("a paused schedule sent")
	}
	f.tx(func(tx *store.Tx) error {
		if _, err := Pause(tx, s.ID); !errors.Is(err, ErrState) {
			t.Errorf("pausing twice: %v", err)
		}
		_, err := Resume(tx, s.ID, f.clock.Now())
		return err
	})
	// Resumed at 09:00: Monday's 08:00 is not sent late; Tuesday's is next.
	if next := f.local(f.schedule(s.ID).NextAt); next.Format("01-02 15:04") != "11-03 08:00" {
		t.Fatalf("after resume, next %v", next)
	}
	f.tx(func(tx *store.Tx) error { _, err := SkipNext(tx, s.ID, "Skipped by ann@example.com"); return err })
	f.advance(24 * time.Hour) // Tuesday 09:00
	if len(f.messages(g)) != 0 {
		t.Fatal("a skipped occurrence was sent")
	}
	occ := f.occurrences(s.ID)
	if len(occ) != 1 || occ[0].Outcome != store.OccurrenceSkipped || occ[0].Reason != "Skipped by ann@example.com" {
		t.Fatalf("skip: %+v", occ)
	}
	f.advance(24 * time.Hour) // Wednesday 09:00 (1 h late: within grace)
	if len(f.messages(g)) != 1 {
		t.Fatalf("Wednesday: %v", f.messages(g))
	}
	f.tx(func(tx *store.Tx) error { _, err := Cancel(tx, s.ID); return err })
	f.advance(48 * time.Hour)
	if len(f.messages(g)) != 1 || f.schedule(s.ID).State != store.ScheduleCancelled {
		t.Fatal("a cancelled schedule sent")
	}
}

// An edit changes what and when from now on; an occurrence already
// handled is never handled again, even if the new rule lands on it.
func TestEdit(t *testing.T) {
	f := newFixture(t, "2026-11-02T07:00")
	g := f.group("Daily", 1)
	s := f.create(&store.Schedule{StartLocal: "2026-11-02T08:00", Freq: Daily, TargetKind: store.TargetGroups, GroupIDs: []int64{g}})
	f.advance(time.Hour)          // Monday 08:00 sent
	f.now = f.now.Add(-time.Hour) // someone sets a clock back an hour
	edited := *f.schedule(s.ID)
	edited.Body, edited.StartLocal, edited.Freq, edited.Weekdays = "New plan", "2026-11-02T08:00", Weekly, 1<<time.Monday|1<<time.Wednesday
	f.tx(func(t *store.Tx) error { return Edit(t, &edited, f.clock.Now()) })
	f.advance(time.Hour) // Monday 08:00 again: already handled
	if got := f.messages(g); len(got) != 1 {
		t.Fatalf("the handled occurrence was sent again: %v", got)
	}
	f.advance(24 * time.Hour) // Tuesday: not in the new rule
	f.advance(24 * time.Hour) // Wednesday
	if got := f.messages(g); len(got) != 2 || got[1] != "New plan" {
		t.Fatalf("after the edit: %v", got)
	}
}

type stubTemplates map[string]string

func (s stubTemplates) TemplateProblem(_ context.Context, name, _ string) (string, error) {
	if s[name] == "unreachable" {
		return "", errors.New("connection refused")
	}
	return s[name], nil
}

// A template occurrence checks first that the template is still approved.
func TestTemplateRecheck(t *testing.T) {
	f := newFixture(t, "2026-11-02T07:00")
	g := f.group("T", 1)
	templates := stubTemplates{}
	f.w.Templates = templates
	s := f.create(&store.Schedule{Kind: store.KindTemplate, Body: "meetup", Payload: store.Payload{Template: "meetup", Language: "en_US"},
		StartLocal: "2026-11-02T08:00", Freq: Daily, TargetKind: store.TargetGroups, GroupIDs: []int64{g}})
	f.advance(time.Hour)
	if len(f.messages(g)) != 1 {
		t.Fatal("approved template not sent")
	}
	// A check that cannot be made leaves the send due (tried again at the
	// next pass) without holding up other schedules.
	other := f.create(&store.Schedule{StartLocal: "2026-11-03T08:00", Freq: Once, TargetKind: store.TargetGroups, GroupIDs: []int64{g}})
	templates["meetup"] = "unreachable"
	f.now = f.now.Add(24 * time.Hour)
	if err := f.w.RunDue(context.Background()); err == nil || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("RunDue: %v", err)
	}
	if len(f.messages(g)) != 2 || len(f.occurrences(other.ID)) != 1 || len(f.occurrences(s.ID)) != 1 {
		t.Fatalf("after a failed check: %v", f.messages(g))
	}
	templates["meetup"] = "WhatsApp paused it for low quality"
	f.advance(0)
	occ := f.occurrences(s.ID)
	if len(f.messages(g)) != 2 || occ[0].Outcome != store.OccurrenceRefused || !strings.Contains(occ[0].Reason, "paused it for low quality") {
		t.Fatalf("paused template: %d messages, %+v", len(f.messages(g)), occ[0])
	}
}

// A restart between the commit of an occurrence and anything after it
// finds nothing left to send: the occurrence is sent once.
func TestRestartSendsOnce(t *testing.T) {
	f := newFixture(t, "2026-11-02T07:00")
	g := f.group("Once", 1)
	s := f.create(&store.Schedule{StartLocal: "2026-11-02T08:00", Freq: Once, TargetKind: store.TargetGroups, GroupIDs: []int64{g}})
	f.advance(time.Hour)
	f.st.Close()
	f.open()
	f.advance(time.Minute)
	if got := f.messages(g); len(got) != 1 {
		t.Fatalf("after restart: %v", got)
	}
	if st := f.schedule(s.ID).State; st != store.ScheduleDone {
		t.Errorf("a once schedule after its send is %s", st)
	}
	// The key (schedule, occurrence, group) refuses a second send outright.
	_, err := f.st.WithTx(context.Background(), func(t *store.Tx) error {
		return t.ScheduleSend(s.ID, s.NextAt, g, s.Message(g), "")
	})
	if err == nil {
		t.Error("a second send of the same occurrence to the same group was stored")
	}
}
