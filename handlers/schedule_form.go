package handlers

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"groupdeck/schedule"
	"groupdeck/store"
	"groupdeck/views"
)

// scheduleForm fills the lists a schedule form offers.
func (h *Handler) scheduleForm(ctx context.Context, f *views.ScheduleForm) error {
	var nums []int64
	for id, on := range f.Selected {
		if on {
			nums = append(nums, id)
		}
	}
	slices.Sort(nums)
	ids := make([]string, len(nums))
	for i, id := range nums {
		ids[i] = itoa64(id)
	}
	var err error
	f.Picker, err = h.groupMultiPicker(ctx, views.MultiPickerView{ID: "spick", Name: "group", Label: "Find groups to add",
		Selects: "target-groups"}, ids)
	if err != nil {
		return err
	}
	if f.Pools, err = h.Store.Pools(ctx); err != nil {
		return err
	}
	return h.loadPick(ctx, &f.Composer, 0)
}

func (h *Handler) scheduleFormPage(c echo.Context, status int, f views.ScheduleForm) error {
	if err := h.scheduleForm(c.Request().Context(), &f); err != nil {
		return err
	}
	return h.page(c, status, "Scheduled message", "schedules", views.ScheduleFormPage(f))
}

func (h *Handler) scheduleNew(c echo.Context) error {
	tz, err := h.Store.UserTimeZone(c.Request().Context(), currentUser(c).ID)
	if err != nil {
		return err
	}
	start := h.Scheduler.Now().Add(time.Hour).Truncate(time.Hour)
	if loc, err := time.LoadLocation(tz); err == nil && tz != "" {
		start = start.In(loc)
	}
	f := views.ScheduleForm{Composer: views.ComposerForm{Errors: map[string]string{}}, TimeZone: tz,
		Start: start.Format(schedule.LocalLayout), Weekdays: map[int]bool{}, Selected: map[int64]bool{}}
	return h.scheduleFormPage(c, http.StatusOK, f)
}

func (h *Handler) scheduleEditShow(c echo.Context) error {
	s, err := h.loadSchedule(c)
	if err != nil {
		return err
	}
	f := views.ScheduleForm{ID: s.ID, Composer: views.ComposerForm{Kind: s.Kind, Body: s.Body, PreviewURL: s.Payload.PreviewURL,
		TemplateName: s.Payload.Template, TemplateLanguage: s.Payload.Language, Errors: map[string]string{}},
		Start: s.StartLocal, TimeZone: s.TimeZone, Freq: s.Freq, Weekdays: map[int]bool{}, MonthDay: itoa(s.MonthDay),
		End: "never", Until: s.UntilDate, Target: s.TargetKind, Selected: map[int64]bool{},
		FilterPrefix: s.FilterPrefix, FilterPool: itoa64(s.FilterPool)}
	f.Composer.Pick.Values = templateValues(s.Payload)
	if s.Kind == store.KindTemplate {
		f.Composer.Pick.MediaID = s.MediaID // a template's header media
	} else if s.MediaID != "" {
		f.Composer.Kind, f.Composer.MediaType, f.Composer.Caption, f.Composer.Body = "media", s.Kind, s.Body, ""
		f.KeepMedia = s.MediaName + " (" + s.Kind + ")"
	}
	for d := 0; d < 7; d++ {
		f.Weekdays[d] = s.Weekdays&(1<<d) != 0
	}
	switch {
	case s.UntilDate != "":
		f.End = "until"
	case s.MaxCount > 0:
		f.End, f.Count = "count", itoa(s.MaxCount)
	}
	for _, id := range s.GroupIDs {
		f.Selected[id] = true
	}
	return h.scheduleFormPage(c, http.StatusOK, f)
}

// readSchedule reads and checks the form into a schedule; f.Composer.Errors
// says what to fix when it returns nil. old is the schedule being edited.
func (h *Handler) readSchedule(c echo.Context, old *store.Schedule) (views.ScheduleForm, *store.Schedule) {
	_ = c.Request().ParseMultipartForm(32 << 20)
	f := views.ScheduleForm{Composer: readComposer(c), Start: strings.TrimSpace(c.FormValue("start")),
		TimeZone: strings.TrimSpace(c.FormValue("time_zone")), Freq: c.FormValue("freq"), Weekdays: map[int]bool{},
		MonthDay: c.FormValue("month_day"), End: c.FormValue("end"), Until: c.FormValue("until"), Count: c.FormValue("count"),
		Target: c.FormValue("target"), Selected: map[int64]bool{}, FilterPool: c.FormValue("filter_pool"),
		FilterPrefix: strings.TrimSpace(c.FormValue("filter_prefix"))}
	errs := f.Composer.Errors
	if err := h.loadPick(c.Request().Context(), &f.Composer, 0); err != nil {
		errs["template"] = "The list of templates could not be read; try again."
	}
	s := &store.Schedule{TimeZone: f.TimeZone, StartLocal: f.Start, Freq: f.Freq, TargetKind: f.Target}
	if old != nil {
		f.ID, s.ID = old.ID, old.ID
		if old.MediaID != "" {
			f.KeepMedia = old.MediaName + " (" + old.Kind + ")"
		}
	}
	loc, err := time.LoadLocation(f.TimeZone)
	if err != nil || f.TimeZone == "" || f.TimeZone == "Local" {
		errs["time_zone"] = "Give a time zone such as Europe/Berlin or America/New_York."
		loc = nil
	}
	if loc != nil {
		if _, err := time.ParseInLocation(schedule.LocalLayout, f.Start, loc); err != nil {
			errs["start"] = "Give the date and time of the first send."
		}
	}
	for _, v := range c.Request().Form["weekday"] {
		if d, err := strconv.Atoi(v); err == nil && d >= 0 && d < 7 {
			f.Weekdays[d] = true
			s.Weekdays |= 1 << d
		}
	}
	switch f.Freq {
	case schedule.Once, schedule.Daily:
	case schedule.Weekly:
		if s.Weekdays == 0 {
			errs["freq"] = "Choose at least one day of the week."
		}
	case schedule.Monthly:
		s.MonthDay, _ = strconv.Atoi(strings.TrimSpace(f.MonthDay))
		if s.MonthDay < 1 || s.MonthDay > 31 {
			errs["freq"] = "Choose a day of the month from 1 to 31."
		}
	default:
		errs["freq"] = "Choose how often to send."
	}
	switch f.End {
	case "", "never":
	case "until":
		if _, err := time.Parse(schedule.DateLayout, f.Until); err != nil {
			errs["end"] = "Give the last date on which to send."
		}
		s.UntilDate = f.Until
	case "count":
		if s.MaxCount, err = strconv.Atoi(strings.TrimSpace(f.Count)); err != nil || s.MaxCount < 1 {
			errs["end"] = "Give how many times to send, 1 or more."
		}
	}
	if f.Freq == schedule.Once {
		s.UntilDate, s.MaxCount = "", 0
	}
	switch f.Target {
	case store.TargetGroups:
		for _, v := range c.Request().Form["group"] {
			if id := atoi64(v); id > 0 && !f.Selected[id] {
				f.Selected[id] = true
				s.GroupIDs = append(s.GroupIDs, id)
			}
		}
		if len(s.GroupIDs) == 0 {
			errs["target"] = "Choose at least one group."
		}
	case store.TargetFilter:
		s.FilterPool, s.FilterPrefix = atoi64(f.FilterPool), f.FilterPrefix
		if s.FilterPool == 0 && s.FilterPrefix == "" {
			errs["target"] = "Give a subject beginning, a pool or both: a filter must narrow the groups down."
		}
	default:
		errs["target"] = "Choose who gets the message: a saved filter or these groups."
	}
	if len(errs) == 0 {
		if _, err := schedule.RuleOf(s); err != nil {
			errs["end"] = strings.TrimPrefix(err.Error(), "schedule: ")
		}
	}
	// The message last: a media file is uploaded only when all else is right.
	if old != nil && f.Composer.Kind == "media" && f.Composer.MediaType == old.Kind && old.MediaID != "" && !hasFile(c) {
		if len(errs) > 0 {
			return f, nil
		}
		m := old.Message(0)
		m.Body = f.Composer.Caption
		setMessage(s, m)
		return f, s
	}
	m := h.draftMessage(c, &f.Composer)
	if m == nil || len(errs) > 0 {
		return f, nil
	}
	setMessage(s, m)
	return f, s
}

// templateValues are a stored template message's filled variables, as
// the picker's fields show them (older messages: positional body params).
func templateValues(p store.Payload) map[string]string {
	vals := map[string]string{}
	for _, v := range p.Vars {
		vals[v.Key] = v.Text
	}
	for i, s := range p.Params {
		vals["body."+strconv.Itoa(i+1)] = s
	}
	return vals
}

func hasFile(c echo.Context) bool {
	fh, err := c.FormFile("file")
	return err == nil && fh.Size > 0
}

func setMessage(s *store.Schedule, m *store.Message) {
	s.Kind, s.Body, s.Payload, s.MediaID, s.MediaMime, s.MediaName = m.Kind, m.Body, m.Payload, m.MediaID, m.MediaMime, m.MediaName
}

func (h *Handler) scheduleCreate(c echo.Context) error {
	ctx := c.Request().Context()
	f, s := h.readSchedule(c, nil)
	if s == nil {
		return h.scheduleFormPage(c, http.StatusUnprocessableEntity, f)
	}
	u := currentUser(c)
	s.CreatedBy = u.ID
	tz, err := h.Store.UserTimeZone(ctx, u.ID)
	if err != nil {
		return err
	}
	_, err = h.Store.WithTx(ctx, func(t *store.Tx) error {
		if err := schedule.Create(t, s, h.Scheduler.Now()); err != nil {
			return err
		}
		if tz == "" { // the first schedule sets the user's zone from the browser
			if err := t.SetUserTimeZone(u.ID, s.TimeZone); err != nil {
				return err
			}
		}
		return t.Audit(store.AuditEntry{UserID: u.ID, Action: store.AuditScheduleCreate,
			Detail: "schedule " + itoa64(s.ID) + ": " + s.Kind + " message, " + schedule.Describe(s)})
	})
	if errors.Is(err, schedule.ErrNoNext) {
		f.Composer.Errors["start"] = "That time has passed in " + s.TimeZone + ", and the plan has no send after now; choose a later time."
		return h.scheduleFormPage(c, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	h.Scheduler.Wake()
	return scheduleAnswer(c, s.ID, "Scheduled. The first send is "+localTime(s, s.NextAt)+".", "")
}

func (h *Handler) scheduleUpdate(c echo.Context) error {
	ctx := c.Request().Context()
	old, err := h.loadSchedule(c)
	if err != nil {
		return err
	}
	f, s := h.readSchedule(c, old)
	if s == nil {
		return h.scheduleFormPage(c, http.StatusUnprocessableEntity, f)
	}
	u := currentUser(c)
	_, err = h.Store.WithTx(ctx, func(t *store.Tx) error {
		if err := schedule.Edit(t, s, h.Scheduler.Now()); err != nil {
			return err
		}
		return t.Audit(store.AuditEntry{UserID: u.ID, Action: store.AuditScheduleEdit,
			Detail: "schedule " + itoa64(s.ID) + ": " + s.Kind + " message, " + schedule.Describe(s)})
	})
	switch {
	case errors.Is(err, schedule.ErrNoNext):
		f.Composer.Errors["start"] = "With these changes the plan has no send after now; choose a later time or end."
		return h.scheduleFormPage(c, http.StatusUnprocessableEntity, f)
	case errors.Is(err, schedule.ErrState):
		return scheduleAnswer(c, old.ID, "", "This schedule is "+old.State+"; it can no longer be edited.")
	case err != nil:
		return err
	}
	h.Scheduler.Wake()
	return scheduleAnswer(c, s.ID, "Saved. The next send is "+localTime(s, s.NextAt)+".", "")
}
