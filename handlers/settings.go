package handlers

import (
	"io"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"groupdeck/store"
	"groupdeck/views"
	"groupdeck/whatsapp"
)

func (h *Handler) settingsForm(c echo.Context, g *store.Group) (views.SettingsForm, error) {
	cs, err := h.Store.RecentChanges(c.Request().Context(), g.ID, recentChanges)
	return views.SettingsForm{Group: g, Subject: g.Subject, Description: g.Description, Changes: cs}, err
}

func (h *Handler) settingsShow(c echo.Context) error {
	g, err := h.activeGroup(c)
	if err != nil {
		return err
	}
	f, err := h.settingsForm(c, g)
	if err != nil {
		return err
	}
	return h.page(c, http.StatusOK, "Settings · "+g.Subject, "groups", views.SettingsPage(f))
}

// settingsSave sends the changed settings through the asynchronous
// endpoint. Each changed setting is stored as a pending change first; the
// group_settings_update webhook confirms or fails it.
func (h *Handler) settingsSave(c echo.Context) error {
	ctx := c.Request().Context()
	g, err := h.activeGroup(c)
	if err != nil {
		return err
	}
	f, err := h.settingsForm(c, g)
	if err != nil {
		return err
	}
	f.Subject = strings.TrimSpace(c.FormValue("subject"))
	f.Description = c.FormValue("description")
	gf := views.GroupForm{Subject: f.Subject, Description: f.Description}
	validateGroup(&gf)
	f.Errors = gf.Errors
	delete(f.Errors, "join_approval_mode")
	var photo []byte
	if fh, err := c.FormFile("photo"); err == nil && fh.Size > 0 {
		if fh.Size > whatsapp.PhotoMaxBytes {
			f.Errors["photo"] = whatsapp.PhotoTooBig(fh.Size)
		} else if file, err := fh.Open(); err == nil {
			photo, _ = io.ReadAll(io.LimitReader(file, whatsapp.PhotoMaxBytes+1))
			file.Close()
			if msg := whatsapp.CheckPhoto(photo); msg != "" {
				f.Errors["photo"] = msg
			}
		}
	}
	up := whatsapp.SettingsUpdate{Photo: photo}
	var kinds []store.GroupChange
	if f.Subject != g.Subject {
		up.Subject = &f.Subject
		kinds = append(kinds, store.GroupChange{Kind: store.ChangeSubject, Value: f.Subject})
	}
	if f.Description != g.Description {
		up.Description = &f.Description
		kinds = append(kinds, store.GroupChange{Kind: store.ChangeDescription, Value: f.Description})
	}
	if len(photo) > 0 {
		kinds = append(kinds, store.GroupChange{Kind: store.ChangePhoto})
	}
	if len(f.Errors) == 0 && len(kinds) == 0 {
		f.Errors["subject"] = "Nothing changed: edit a field or choose a photo first."
	}
	if len(f.Errors) > 0 {
		return h.settingsRender(c, http.StatusUnprocessableEntity, f)
	}
	u := currentUser(c)
	var ids []int64
	var what []string
	for _, k := range kinds {
		k.GroupID, k.CreatedBy = g.ID, u.ID
		if err := h.Store.RecordChange(ctx, &k); err != nil {
			return err
		}
		ids = append(ids, k.ID)
		what = append(what, k.Kind)
	}
	reqID, err := h.WA.UpdateSettings(ctx, g.WaGroupID, up)
	if err != nil {
		msg := humanErr(err)
		if err := h.Store.ChangesRefused(ctx, ids, msg,
			store.AuditEntry{UserID: u.ID, Action: store.AuditGroupSettings, GroupID: g.ID, Detail: strings.Join(what, ", ")}); err != nil {
			return err
		}
		h.Notify.GroupsChanged(g.ID)
		f.Errors["api"] = "WhatsApp refused the change: " + msg
		return h.settingsRender(c, http.StatusUnprocessableEntity, f)
	}
	if err := h.Store.ChangesSent(ctx, reqID, ids,
		store.AuditEntry{UserID: u.ID, Action: store.AuditGroupSettings, GroupID: g.ID, Detail: strings.Join(what, ", ")}); err != nil {
		return err
	}
	h.Notify.GroupsChanged(g.ID)
	f.Notice = "Sent to WhatsApp. The change shows as Pending below until WhatsApp confirms it."
	return h.settingsRender(c, http.StatusOK, f)
}

func (h *Handler) settingsRender(c echo.Context, status int, f views.SettingsForm) error {
	if c.Request().Header.Get("HX-Request") == "true" {
		return h.fragmentStatus(c, status, views.SettingsFormFragment(f))
	}
	return h.page(c, status, "Settings · "+f.Group.Subject, "groups", views.SettingsPage(f))
}
