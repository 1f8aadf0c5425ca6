package handlers

import (
	"context"
	"errors"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"

	"groupdeck/groupops"
	"groupdeck/store"
	"groupdeck/views"
	"groupdeck/whatsapp"
)

func (h *Handler) settingsForm(c echo.Context, g *store.Group) (views.SettingsForm, error) {
	cs, err := h.Store.RecentChanges(c.Request().Context(), g.ID, recentChanges)
	if err != nil {
		return views.SettingsForm{}, err
	}
	f := views.SettingsForm{Group: g, Subject: g.Subject, Description: g.Description, Changes: cs}
	f.Photo, err = h.photoView(c.Request().Context(), g)
	return f, err
}

func (h *Handler) photoView(ctx context.Context, g *store.Group) (views.PhotoView, error) {
	cur, pending, err := h.Store.CurrentPhoto(ctx, g.ID)
	return views.PhotoView{GroupID: g.ID, Subject: g.Subject, Current: cur, Pending: pending}, err
}

// settingsPhoto re-renders the current photo beside the photo field when
// the group changes (WhatsApp confirmed or refused a new photo).
func (h *Handler) settingsPhoto(c echo.Context) error {
	g, err := h.loadGroup(c)
	if err != nil {
		return err
	}
	p, err := h.photoView(c.Request().Context(), g)
	if err != nil {
		return err
	}
	return h.fragment(c, views.GroupPhotoCard(p))
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
	f.Subject = c.FormValue("subject")
	f.Description = c.FormValue("description")
	st := groupops.Settings{Subject: &f.Subject, Description: &f.Description}
	f.Errors = groupops.ValidateSettings(st)
	if fh, err := c.FormFile("photo"); err == nil && fh.Size > 0 {
		if fh.Size > whatsapp.PhotoMaxBytes {
			f.Errors["photo"] = whatsapp.PhotoTooBig(fh.Size)
		} else if file, err := fh.Open(); err == nil {
			st.Photo, _ = io.ReadAll(io.LimitReader(file, whatsapp.PhotoMaxBytes+1))
			file.Close()
			if msg := whatsapp.CheckPhoto(st.Photo); msg != "" {
				f.Errors["photo"] = msg
			}
		}
	}
	if len(f.Errors) > 0 {
		return h.settingsRender(c, http.StatusUnprocessableEntity, f)
	}
	err = h.ops.UpdateSettings(ctx, currentUser(c).ID, g, st)
	var refused *groupops.Refused
	switch {
	case errors.Is(err, groupops.ErrNothingChanged):
		f.Errors["subject"] = "Nothing changed: edit a field or choose a photo first."
		return h.settingsRender(c, http.StatusUnprocessableEntity, f)
	case errors.As(err, &refused):
		f.Errors["api"] = "WhatsApp refused the change: " + refused.Msg
		return h.settingsRender(c, http.StatusUnprocessableEntity, f)
	case err != nil:
		return err
	}
	f.Notice = "Sent to WhatsApp. The change shows as Pending below until WhatsApp confirms it."
	if f.Photo, err = h.photoView(ctx, g); err != nil {
		return err
	}
	return h.settingsRender(c, http.StatusOK, f)
}

func (h *Handler) settingsRender(c echo.Context, status int, f views.SettingsForm) error {
	if c.Request().Header.Get("HX-Request") == "true" {
		return h.fragmentStatus(c, status, views.SettingsFormFragment(f))
	}
	return h.page(c, status, "Settings · "+f.Group.Subject, "groups", views.SettingsPage(f))
}
