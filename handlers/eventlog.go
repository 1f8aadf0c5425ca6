package handlers

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"groupdeck/ingest"
	"groupdeck/store"
	"groupdeck/views"
)

const eventLogPage = 50

// eventLog lists stored webhook deliveries for administrators, filtered
// by outcome and field, newest first.
func (h *Handler) eventLog(c echo.Context) error {
	f := store.DeliveryFilter{Outcome: c.QueryParam("outcome"), Field: c.QueryParam("field"), Limit: eventLogPage}
	if !views.IsOutcome(f.Outcome) {
		f.Outcome = ""
	}
	if !views.IsField(f.Field) {
		f.Field = ""
	}
	if off, err := strconv.Atoi(c.QueryParam("offset")); err == nil && off > 0 {
		f.Offset = off
	}
	ds, total, err := h.Store.Deliveries(c.Request().Context(), f)
	if err != nil {
		return err
	}
	other, err := h.Store.FailedDeliveriesWith(c.Request().Context(), ingest.ErrOtherNumber)
	if err != nil {
		return err
	}
	v := views.EventLogView{Deliveries: ds, Total: total, Filter: f, OtherNumber: other}
	if st, err := h.Store.Storage(c.Request().Context()); err != nil {
		h.Log.Warn("event log: storage not measured", "err", err) // the log itself still shows
	} else {
		v.Storage = &views.Storage{Stats: st, Keep: h.Retention}
	}
	return h.page(c, http.StatusOK, "Event log", "eventlog", views.EventLog(v))
}

// eventShow shows one delivery with its raw JSON, indented for reading.
func (h *Handler) eventShow(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	d, err := h.Store.DeliveryByID(c.Request().Context(), id)
	if err != nil {
		return err
	}
	pretty := string(d.Body)
	var b bytes.Buffer
	if json.Indent(&b, d.Body, "", "  ") == nil {
		pretty = b.String()
	}
	return h.page(c, http.StatusOK, "Delivery "+itoa64(d.ID), "eventlog", views.EventDetail(d, pretty))
}

// eventReplay applies a stored delivery again from its stored body, under
// the same de-duplication keys, so only what did not apply before can
// change anything.
func (h *Handler) eventReplay(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	res, err := h.Ingest.Replay(ctx, id)
	if err != nil {
		return err
	}
	outcome := "ok"
	if res.Outcome == store.OutcomeFailed {
		outcome = "failed: " + res.Error
	}
	h.audit(ctx, store.AuditEntry{UserID: currentUser(c).ID, Action: store.AuditWebhookReplay,
		Detail: "delivery " + itoa64(id) + " → " + res.Outcome, Outcome: outcome})
	h.Notify.Changed(res.Parts)
	return c.Redirect(http.StatusSeeOther, "/events/log/"+itoa64(id))
}
