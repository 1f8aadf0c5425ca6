package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"groupdeck/groupops"
	"groupdeck/store"
	"groupdeck/views"
)

// participantRemove removes 1–8 people. The first post (without confirm)
// answers with a confirmation naming them; the confirmed post records one
// pending change per person, then asks WhatsApp, whose webhook settles
// each person's removal.
func (h *Handler) participantRemove(c echo.Context) error {
	ctx := c.Request().Context()
	g, err := h.activeGroup(c)
	if err != nil {
		return err
	}
	form, err := c.FormParams()
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "The form could not be read.")
	}
	keys := form["key"]
	if one := c.FormValue("one"); one != "" {
		keys = []string{one}
	}
	chosen, _, err := h.ops.Members(ctx, g.ID, keys)
	if err != nil {
		return err
	}
	switch {
	case len(chosen) == 0:
		return h.fragmentStatus(c, http.StatusUnprocessableEntity, views.ActionResult("", nil, "Tick the people to remove first (they may have left already)."))
	case len(chosen) > store.MaxParticipants:
		return h.fragmentStatus(c, http.StatusUnprocessableEntity, views.ActionResult("", nil, "WhatsApp removes at most 8 people at a time."))
	}
	if c.FormValue("confirm") != "1" {
		return h.fragment(c, views.RemoveConfirm(g, chosen))
	}
	err = h.ops.RemoveParticipants(ctx, currentUser(c).ID, g, chosen)
	var refused *groupops.Refused
	if errors.As(err, &refused) {
		return h.fragment(c, views.ActionResult("", nil, "WhatsApp refused the removal: "+refused.Msg))
	} else if err != nil {
		return err
	}
	return h.fragment(c, views.ActionResult(fmt.Sprintf("Removal of %d asked for. Each person leaves the list when WhatsApp confirms; "+
		"anyone WhatsApp could not remove is listed under the changes above, with the reason.", len(chosen)), nil, ""))
}

// participantsCSV exports one group's participants (or every group's for
// /participants.csv).
func (h *Handler) participantsCSV(c echo.Context) error {
	ctx := c.Request().Context()
	var groupID int64
	name := "participants-all-groups"
	if c.Param("id") != "" {
		g, err := h.loadGroup(c)
		if err != nil {
			return err
		}
		groupID, name = g.ID, "participants-group-"+itoa64(g.ID)
	}
	w := c.Response()
	w.Header().Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	cw := newCSV(w)
	_ = cw.Row("group_id", "group_subject", "whatsapp_group_id", "phone", "wa_id", "user_id", "username", "name", "joined_at", "joined_via", "display_name", "label", "note")
	err := h.Store.ExportParticipants(ctx, groupID, func(r store.ExportRow) error {
		joined := ""
		if r.JoinedAt != 0 {
			joined = time.UnixMilli(r.JoinedAt).UTC().Format(time.RFC3339)
		}
		return cw.Row(itoa64(r.GroupID), r.GroupSubject, r.WaGroupID, views.Phone(r.WaID), digitsOnly(r.WaID), r.UserID,
			r.Username, r.Name, joined, r.JoinedVia, views.PersonName(r.Name, r.Username, r.WaID, r.UserID), r.Label, r.Note)
	})
	if ferr := cw.Flush(); err == nil {
		err = ferr
	}
	h.audit(ctx, store.AuditEntry{UserID: currentUser(c).ID, Action: store.AuditParticipantsExport, GroupID: groupID})
	if err != nil {
		h.Log.Error("participants export failed", "err", err)
	}
	return nil
}
