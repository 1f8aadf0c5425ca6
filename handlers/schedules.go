package handlers

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"groupdeck/schedule"
	"groupdeck/store"
	"groupdeck/views"
)

// Scheduler is the schedule worker as the handlers see it: its clock
// (the sandbox may run it ahead) and a nudge after a change.
type Scheduler interface {
	Now() time.Time
	Wake()
}

// upcomingShown is how many next sends a schedule's page lists.
const upcomingShown = 5

func (h *Handler) scheduleList(c echo.Context) error {
	ctx := c.Request().Context()
	u := currentUser(c)
	v := views.SchedulesView{All: c.QueryParam("all") == "1", CanEdit: u.CanEdit(), Notice: c.QueryParam("notice")}
	ss, err := h.Store.Schedules(ctx, v.All)
	if err != nil {
		return err
	}
	for _, s := range ss {
		r, err := h.scheduleRow(ctx, s)
		if err != nil {
			return err
		}
		v.Rows = append(v.Rows, r)
	}
	if v.TimeZone, err = h.Store.UserTimeZone(ctx, u.ID); err != nil {
		return err
	}
	if h.SandboxClock != nil && u.CanEdit() {
		v.Clock = &views.SandboxClock{Now: h.Scheduler.Now().UTC().Format("Mon 2 Jan 2006 15:04:05 UTC")}
		if off := h.SandboxClock.Offset(); off > 0 {
			v.Clock.Offset = schedule.Human(off)
		}
	}
	return h.page(c, http.StatusOK, "Scheduled messages", "schedules", views.Schedules(v))
}

// scheduleRow describes a schedule for a list: its rule and next send in
// its own time zone, and how many groups its target matches now.
func (h *Handler) scheduleRow(ctx context.Context, s *store.Schedule) (views.ScheduleRow, error) {
	r := views.ScheduleRow{S: s, Rule: schedule.Describe(s), What: scheduleSnippet(s)}
	if s.NextAt != 0 && (s.State == store.ScheduleActive || s.State == store.SchedulePaused) {
		r.Next, r.NextISO = localTime(s, s.NextAt), time.UnixMilli(s.NextAt).UTC().Format(time.RFC3339)
	}
	switch s.TargetKind {
	case store.TargetGroups:
		r.Count = len(s.GroupIDs)
		r.Target = "Chosen groups"
	default:
		n, err := h.Store.FilterCount(ctx, s.FilterPool, s.FilterPrefix)
		if err != nil {
			return r, err
		}
		r.Count = n
		r.Target = h.filterWords(ctx, s)
	}
	return r, nil
}

func (h *Handler) filterWords(ctx context.Context, s *store.Schedule) string {
	var parts []string
	if s.FilterPrefix != "" {
		parts = append(parts, "subject starts with “"+s.FilterPrefix+"”")
	}
	if s.FilterPool != 0 {
		name := "#" + itoa64(s.FilterPool)
		if p, err := h.Store.PoolByID(ctx, s.FilterPool); err == nil {
			name = p.Name
		}
		parts = append(parts, "pool "+name)
	}
	return "Groups whose " + strings.Join(parts, " and in ")
}

func scheduleSnippet(s *store.Schedule) string {
	m := s.Message(0)
	return views.Snippet(*m)
}

// localTime writes a Unix-ms time in the schedule's time zone.
func localTime(s *store.Schedule, ms int64) string {
	loc, err := time.LoadLocation(s.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	return time.UnixMilli(ms).In(loc).Format("Mon 2 Jan 2006 15:04 MST")
}

func (h *Handler) loadSchedule(c echo.Context) (*store.Schedule, error) {
	id, err := pathID(c)
	if err != nil {
		return nil, err
	}
	return h.Store.ScheduleByID(c.Request().Context(), id)
}

func (h *Handler) scheduleShow(c echo.Context) error {
	ctx := c.Request().Context()
	s, err := h.loadSchedule(c)
	if err != nil {
		return err
	}
	row, err := h.scheduleRow(ctx, s)
	if err != nil {
		return err
	}
	v := views.ScheduleView{Row: row, CanEdit: currentUser(c).CanEdit(), Notice: c.QueryParam("notice"), Error: c.QueryParam("error")}
	if r, err := schedule.RuleOf(s); err == nil && s.NextAt != 0 {
		first := time.UnixMilli(s.NextAt)
		for _, at := range append([]time.Time{first}, r.Upcoming(first, upcomingShown-1)...) {
			v.Upcoming = append(v.Upcoming, localTime(s, at.UnixMilli()))
		}
	}
	os, err := h.Store.Occurrences(ctx, s.ID, 20)
	if err != nil {
		return err
	}
	for _, o := range os {
		ov := views.OccurrenceView{O: o, When: localTime(s, o.At)}
		if ov.Sends, err = h.Store.OccurrenceSends(ctx, s.ID, o.At); err != nil {
			return err
		}
		v.Occurrences = append(v.Occurrences, ov)
	}
	return h.page(c, http.StatusOK, "Scheduled message", "schedules", views.SchedulePage(v))
}

// groupSchedules is the group page's "upcoming scheduled" section: every
// active or paused schedule whose target includes the group now.
func (h *Handler) groupSchedules(c echo.Context) error {
	ctx := c.Request().Context()
	g, err := h.loadGroup(c)
	if err != nil {
		return err
	}
	ss, err := h.Store.Schedules(ctx, false)
	if err != nil {
		return err
	}
	pools, err := h.Store.GroupPools(ctx, g.ID)
	if err != nil {
		return err
	}
	var rows []views.ScheduleRow
	for _, s := range ss {
		if !targets(s, g, pools) {
			continue
		}
		r, err := h.scheduleRow(ctx, s)
		if err != nil {
			return err
		}
		rows = append(rows, r)
	}
	return h.fragment(c, views.GroupSchedules(rows))
}

// targets says whether a schedule's target includes g now, as the
// worker's resolution (store.Tx.ScheduleTargets) would.
func targets(s *store.Schedule, g *store.Group, pools []int64) bool {
	if s.TargetKind == store.TargetGroups {
		return slices.Contains(s.GroupIDs, g.ID)
	}
	if g.Status == store.GroupDeleted || g.Status == store.GroupDeleting {
		return false
	}
	if s.FilterPool != 0 && !slices.Contains(pools, s.FilterPool) {
		return false
	}
	return strings.HasPrefix(strings.ToLower(g.Subject), strings.ToLower(s.FilterPrefix))
}

// scheduleAnswer returns to the schedule's page with a notice or an error.
func scheduleAnswer(c echo.Context, id int64, notice, problem string) error {
	q := "?notice=" + url.QueryEscape(notice)
	if problem != "" {
		q = "?error=" + url.QueryEscape(problem)
	}
	return c.Redirect(http.StatusSeeOther, "/schedules/"+itoa64(id)+q)
}

// scheduleChange runs one staff action on a schedule with its audit row.
func (h *Handler) scheduleChange(c echo.Context, action store.AuditAction, notice string,
	fn func(t *store.Tx, s *store.Schedule) (string, error)) error {
	ctx := c.Request().Context()
	s, err := h.loadSchedule(c)
	if err != nil {
		return err
	}
	u := currentUser(c)
	_, err = h.Store.WithTx(ctx, func(t *store.Tx) error {
		detail, err := fn(t, s)
		if err != nil {
			return err
		}
		return t.Audit(store.AuditEntry{UserID: u.ID, Action: action, Detail: "schedule " + itoa64(s.ID) + ": " + detail})
	})
	if errors.Is(err, schedule.ErrState) {
		h.audit(ctx, store.AuditEntry{UserID: u.ID, Action: action, Detail: "schedule " + itoa64(s.ID), Outcome: "refused: state " + s.State})
		return scheduleAnswer(c, s.ID, "", "This schedule is "+s.State+"; that does not apply to it now.")
	}
	if err != nil {
		return err
	}
	h.Scheduler.Wake()
	return scheduleAnswer(c, s.ID, notice, "")
}

func (h *Handler) schedulePause(c echo.Context) error {
	return h.scheduleChange(c, store.AuditSchedulePause, "Paused: nothing is sent until you resume it.",
		func(t *store.Tx, s *store.Schedule) (string, error) {
			_, err := schedule.Pause(t, s.ID)
			return "paused", err
		})
}

func (h *Handler) scheduleResume(c echo.Context) error {
	return h.scheduleChange(c, store.AuditScheduleResume, "Resumed: sends that fell in the pause are not sent late.",
		func(t *store.Tx, s *store.Schedule) (string, error) {
			r, err := schedule.Resume(t, s.ID, h.Scheduler.Now())
			if err != nil {
				return "", err
			}
			return "resumed, next " + localTime(r, r.NextAt), nil
		})
}

func (h *Handler) scheduleSkip(c echo.Context) error {
	u := currentUser(c)
	return h.scheduleChange(c, store.AuditScheduleSkip, "Skipped the next send.",
		func(t *store.Tx, s *store.Schedule) (string, error) {
			at, err := schedule.SkipNext(t, s.ID, "Skipped by "+u.Email+".")
			if err != nil {
				return "", err
			}
			return "skipped the send of " + localTime(s, at.UnixMilli()), nil
		})
}

func (h *Handler) scheduleCancel(c echo.Context) error {
	return h.scheduleChange(c, store.AuditScheduleCancel, "Cancelled: nothing more is sent.",
		func(t *store.Tx, s *store.Schedule) (string, error) {
			_, err := schedule.Cancel(t, s.ID)
			return "cancelled", err
		})
}

// scheduleTimeZone saves the user's time zone setting.
func (h *Handler) scheduleTimeZone(c echo.Context) error {
	tz := strings.TrimSpace(c.FormValue("time_zone"))
	if _, err := time.LoadLocation(tz); err != nil || tz == "" || tz == "Local" {
		return echo.NewHTTPError(http.StatusUnprocessableEntity, "“"+tz+"” is not a time zone; give a name such as Europe/Berlin or America/New_York.")
	}
	u := currentUser(c)
	if _, err := h.Store.WithTx(c.Request().Context(), func(t *store.Tx) error {
		if err := t.SetUserTimeZone(u.ID, tz); err != nil {
			return err
		}
		return t.Audit(store.AuditEntry{UserID: u.ID, Action: store.AuditUserTimeZone, Detail: tz})
	}); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/schedules?notice="+url.QueryEscape("Your time zone is now "+tz+"."))
}

// sandboxClock moves the scheduler's clock (sandbox mode only; the route
// is refused outside it).
func (h *Handler) sandboxClock(c echo.Context) error {
	ctx := c.Request().Context()
	if h.SandboxClock == nil {
		return echo.NewHTTPError(http.StatusNotFound, "The sandbox clock exists only in sandbox mode.")
	}
	var what string
	switch c.FormValue("advance") {
	case "next":
		at, ok, err := h.Store.NextScheduleAt(ctx)
		if err != nil {
			return err
		}
		if !ok {
			return c.Redirect(http.StatusSeeOther, "/schedules?notice="+url.QueryEscape("Nothing is scheduled; the clock did not move."))
		}
		h.SandboxClock.Advance(time.UnixMilli(at).Add(time.Second).Sub(h.Scheduler.Now()))
		what = "jumped to the next scheduled send"
	case "1h":
		h.SandboxClock.Advance(time.Hour)
		what = "advanced 1 hour"
	case "24h":
		h.SandboxClock.Advance(24 * time.Hour)
		what = "advanced 1 day"
	case "reset":
		h.SandboxClock.Reset()
		what = "back to real time"
	default:
		return echo.NewHTTPError(http.StatusUnprocessableEntity, "Choose how to move the sandbox clock.")
	}
	h.audit(ctx, store.AuditEntry{UserID: currentUser(c).ID, Action: store.AuditSandboxClock, Detail: what})
	h.Scheduler.Wake()
	return c.Redirect(http.StatusSeeOther, "/schedules?notice="+url.QueryEscape("Sandbox clock "+what+"."))
}

func atoi64(s string) int64 {
	n, _ := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	return n
}

// SandboxClock is the scheduler clock's control in sandbox mode.
type SandboxClock interface {
	Offset() time.Duration
	Advance(d time.Duration)
	Reset()
}

// wallClock stands in for the scheduler when none is wired (tests of
// other handlers): real time, and nobody to wake.
type wallClock struct{}

func (wallClock) Now() time.Time { return time.Now() }
func (wallClock) Wake()          {}
