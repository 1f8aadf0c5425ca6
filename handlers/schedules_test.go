package handlers

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"groupdeck/store"
)

// fixedScheduler is the scheduler's clock stopped at one moment.
type fixedScheduler struct{ now time.Time }

func (f fixedScheduler) Now() time.Time { return f.now }
func (fixedScheduler) Wake()            {}

func scheduleServer(t *testing.T) *testServer {
	now := time.Date(2026, 11, 4, 12, 0, 0, 0, time.UTC) // a Wednesday
	return newTestServer(t, func(d *Deps) { d.Scheduler = fixedScheduler{now: now} })
}

func weeklyForm() url.Values {
	return url.Values{"kind": {"text"}, "body": {"Running plan"}, "start": {"2026-11-09T08:00"}, "time_zone": {"Europe/Berlin"},
		"freq": {"weekly"}, "weekday": {"1"}, "end": {"count"}, "count": {"4"}, "target": {"filter"}, "filter_prefix": {"Beginners"}}
}

func auditActions(t *testing.T, ts *testServer) []string {
	t.Helper()
	es, err := ts.store.AuditLog(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		if strings.HasPrefix(string(e.Action), "schedule.") || e.Action == store.AuditUserTimeZone {
			out = append(out, string(e.Action))
		}
	}
	return out
}

func TestScheduleCreateAndActions(t *testing.T) {
	ts := scheduleServer(t)
	g := seedActive(t, ts, "Beginners Monday", "auto_approve", "15550001")
	m := roleClients(ts)["manager"]
	st, body := m.form("/schedules", weeklyForm(), false)
	if st != http.StatusSeeOther {
		t.Fatalf("create: %d %s", st, body)
	}
	ss, err := ts.store.Schedules(context.Background(), true)
	if err != nil || len(ss) != 1 {
		t.Fatalf("schedules %v %v", ss, err)
	}
	s := ss[0]
	// Monday 9 Nov 08:00 in Berlin is 07:00 UTC.
	if got := time.UnixMilli(s.NextAt).UTC(); got != time.Date(2026, 11, 9, 7, 0, 0, 0, time.UTC) || s.MaxCount != 4 || s.Author != "manager@x.test" {
		t.Fatalf("stored %+v (next %v)", s, got)
	}
	if tz, _ := ts.store.UserTimeZone(context.Background(), s.CreatedBy); tz != "Europe/Berlin" {
		t.Errorf("the first schedule did not set the user's zone: %q", tz)
	}
	id := "/schedules/" + itoa64(s.ID)
	_, page := m.get("/schedules")
	for _, want := range []string{"Running plan", "Every week on Mon at 08:00 (Europe/Berlin)", "Mon 9 Nov 2026 08:00 CET", "(1 group now)", "manager@x.test"} {
		if !strings.Contains(page, want) {
			t.Errorf("Scheduled page lacks %q", want)
		}
	}
	if _, frag := m.get("/groups/" + itoa64(g.ID) + "/schedules"); !strings.Contains(frag, "Running plan") || !strings.Contains(frag, "Mon 9 Nov 2026 08:00 CET") {
		t.Errorf("group page section: %s", frag)
	}
	for _, step := range []struct{ path, state string }{{"/pause", "paused"}, {"/resume", "active"}, {"/skip", "active"}, {"/cancel", "cancelled"}} {
		if st, body := m.form(id+step.path, nil, false); st != http.StatusSeeOther {
			t.Fatalf("%s: %d %s", step.path, st, body)
		}
		if s, _ := ts.store.ScheduleByID(context.Background(), s.ID); s.State != step.state {
			t.Errorf("after %s: %s", step.path, s.State)
		}
	}
	occ, _ := ts.store.Occurrences(context.Background(), s.ID, 10)
	if len(occ) != 1 || occ[0].Outcome != store.OccurrenceSkipped || !strings.Contains(occ[0].Reason, "manager@x.test") {
		t.Errorf("skip: %+v", occ)
	}
	want := "schedule.cancel schedule.skip schedule.resume schedule.pause schedule.create"
	if got := strings.Join(auditActions(t, ts), " "); got != want {
		t.Errorf("audit %q", got)
	}
	// A cancelled schedule cannot be resumed: said in words, and audited.
	m.form(id+"/resume", nil, false)
	if _, page := m.get(id + "?error=x"); !strings.Contains(page, "cancelled") {
		t.Error("the refusal is not shown")
	}
}

func TestScheduleFormErrors(t *testing.T) {
	ts := scheduleServer(t)
	m := roleClients(ts)["manager"]
	f := weeklyForm()
	f.Set("time_zone", "Mars/Olympus")
	f.Del("weekday")
	f.Set("target", "groups")
	st, body := m.form("/schedules", f, false)
	if st != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", st)
	}
	for _, want := range []string{"Give a time zone such as Europe/Berlin", "Choose at least one day of the week.", "Choose at least one group.", "Running plan"} {
		if !strings.Contains(body, want) {
			t.Errorf("the form lacks %q", want)
		}
	}
	past := weeklyForm()
	past.Set("freq", "once")
	past.Set("start", "2026-11-01T08:00")
	if st, body := m.form("/schedules", past, false); st != http.StatusUnprocessableEntity || !strings.Contains(body, "That time has passed in Europe/Berlin") {
		t.Errorf("a one-off in the past: %d", st)
	}
	// Nothing chosen under "To" (the new form's default): a field error,
	// neither choice checked as the form comes back.
	none := weeklyForm()
	none.Del("target")
	st, body = m.form("/schedules", none, false)
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, "Choose who gets the message: a saved filter or these groups.") ||
		strings.Contains(body, `value="filter" id="target-filter" checked`) {
		t.Errorf("no target: %d", st)
	}
	if st, body := m.get("/schedules/new"); st != http.StatusOK || strings.Contains(body, `name="target" value="filter" id="target-filter" checked`) ||
		strings.Contains(body, `id="target-groups" checked`) {
		t.Errorf("the new form chooses a target for the user: %d", st)
	}
	// Hand-picked groups survive a bad field: the picker shows them chosen.
	g := ts.activeGroup("111")
	f.Set("group", itoa64(g.ID))
	st, body = m.form("/schedules", f, false)
	chosen, _, _ := strings.Cut(body[strings.Index(body, `data-testid="picker-chosen"`)+1:], "</ul>")
	if st != http.StatusUnprocessableEntity || !strings.Contains(chosen, `name="group" value="`+itoa64(g.ID)+`"`) || strings.Contains(body, "Choose at least one group.") {
		t.Errorf("the chosen group was lost: %d %s", st, chosen)
	}
	if ss, _ := ts.store.Schedules(context.Background(), true); len(ss) != 0 {
		t.Errorf("stored %d schedules from bad forms", len(ss))
	}
}

// Viewers see schedules but every change is refused by the server, and
// nothing changes or is audited.
func TestScheduleViewerCannotChange(t *testing.T) {
	ts := scheduleServer(t)
	cs := roleClients(ts)
	if st, body := cs["manager"].form("/schedules", weeklyForm(), false); st != http.StatusSeeOther {
		t.Fatalf("create: %d %s", st, body)
	}
	ss, _ := ts.store.Schedules(context.Background(), true)
	id := "/schedules/" + itoa64(ss[0].ID)
	before := auditActions(t, ts)
	v := cs["viewer"]
	if st, page := v.get("/schedules"); st != http.StatusOK || !strings.Contains(page, "Running plan") || strings.Contains(page, "New scheduled message") {
		t.Errorf("viewer list: %d", st)
	}
	if st, page := v.get(id); st != http.StatusOK || strings.Contains(page, "Cancel this schedule") {
		t.Errorf("viewer page: %d, offers actions: %v", st, strings.Contains(page, "Cancel this schedule"))
	}
	for _, p := range []string{"/schedules", id, id + "/pause", id + "/resume", id + "/skip", id + "/cancel", "/schedules/timezone"} {
		if st, _ := v.form(p, weeklyForm(), false); st != http.StatusForbidden {
			t.Errorf("viewer POST %s: %d", p, st)
		}
	}
	if st, _ := v.get(id + "/edit"); st != http.StatusForbidden {
		t.Errorf("viewer edit form: %d", st)
	}
	after, _ := ts.store.ScheduleByID(context.Background(), ss[0].ID)
	if after.State != store.ScheduleActive || after.UpdatedAt != ss[0].UpdatedAt || len(auditActions(t, ts)) != len(before) {
		t.Error("a viewer's request changed something")
	}
}

func TestScheduleEditAndSandboxClockRefused(t *testing.T) {
	ts := scheduleServer(t)
	m := roleClients(ts)["manager"]
	m.form("/schedules", weeklyForm(), false)
	ss, _ := ts.store.Schedules(context.Background(), true)
	id := "/schedules/" + itoa64(ss[0].ID)
	if st, page := m.get(id + "/edit"); st != http.StatusOK || !strings.Contains(page, "Running plan") || !strings.Contains(page, `value="Beginners"`) {
		t.Fatalf("edit form: %d", st)
	}
	f := weeklyForm()
	f.Set("body", "New plan")
	f["weekday"] = []string{"3"} // Wednesdays
	if st, body := m.form(id, f, false); st != http.StatusSeeOther {
		t.Fatalf("edit: %d %s", st, body)
	}
	s, _ := ts.store.ScheduleByID(context.Background(), ss[0].ID)
	// Now is Wednesday 12:00 UTC, after 08:00 Berlin: next Wednesday.
	if s.Body != "New plan" || time.UnixMilli(s.NextAt).UTC() != time.Date(2026, 11, 11, 7, 0, 0, 0, time.UTC) {
		t.Errorf("after edit: %q next %v", s.Body, time.UnixMilli(s.NextAt).UTC())
	}
	if st, _ := m.form("/sandbox/clock", url.Values{"advance": {"next"}}, false); st != http.StatusNotFound {
		t.Errorf("sandbox clock outside sandbox mode: %d", st)
	}
}
