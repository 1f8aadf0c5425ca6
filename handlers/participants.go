package handlers

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"groupdeck/store"
	"groupdeck/views"
	"groupdeck/whatsapp"
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
	ps, err := h.Store.Participants(ctx, g.ID)
	if err != nil {
		return err
	}
	byKey := map[string]store.Participant{}
	for _, p := range ps {
		byKey[p.Key] = p
	}
	var chosen []store.Participant
	seen := map[string]bool{}
	for _, k := range keys {
		if p, ok := byKey[k]; ok && !seen[k] {
			seen[k] = true
			chosen = append(chosen, p)
		}
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
	u := currentUser(c)
	targets := make([]whatsapp.RemoveTarget, len(chosen))
	ids := make([]int64, len(chosen))
	for i, p := range chosen {
		if p.WaID != "" {
			targets[i] = whatsapp.RemoveTarget{User: p.WaID}
		} else {
			targets[i] = whatsapp.RemoveTarget{UserID: p.UserID}
		}
		ch := &store.GroupChange{GroupID: g.ID, Kind: store.ChangeRemove, Target: p.Key, CreatedBy: u.ID}
		if err := h.Store.RecordChange(ctx, ch); err != nil {
			return err
		}
		ids[i] = ch.ID
	}
	who := make([]string, len(chosen))
	for i, p := range chosen {
		who[i] = p.Key
	}
	reqID, err := h.WA.RemoveParticipants(ctx, g.WaGroupID, targets)
	if err != nil {
		msg := humanErr(err)
		if err := h.Store.ChangesRefused(ctx, ids, msg,
			store.AuditEntry{UserID: u.ID, Action: store.AuditParticipantsRemove, GroupID: g.ID, Detail: strings.Join(who, ", ")}); err != nil {
			return err
		}
		h.Notify.GroupsChanged(g.ID)
		return h.fragment(c, views.ActionResult("", nil, "WhatsApp refused the removal: "+msg))
	}
	if err := h.Store.ChangesSent(ctx, reqID, ids,
		store.AuditEntry{UserID: u.ID, Action: store.AuditParticipantsRemove, GroupID: g.ID, Detail: strings.Join(who, ", ")}); err != nil {
		return err
	}
	h.Notify.GroupsChanged(g.ID)
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
	_ = cw.Row("group_id", "group_subject", "whatsapp_group_id", "phone", "wa_id", "user_id", "username", "name", "joined_at", "joined_via", "display_name")
	err := h.Store.ExportParticipants(ctx, groupID, func(r store.ExportRow) error {
		joined := ""
		if r.JoinedAt != 0 {
			joined = time.UnixMilli(r.JoinedAt).UTC().Format(time.RFC3339)
		}
		return cw.Row(itoa64(r.GroupID), r.GroupSubject, r.WaGroupID, views.Phone(r.WaID), digitsOnly(r.WaID), r.UserID,
			r.Username, r.Name, joined, r.JoinedVia, views.PersonName(r.Name, r.Username, r.WaID, r.UserID))
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
