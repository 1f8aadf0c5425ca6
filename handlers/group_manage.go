package handlers

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"groupdeck/groupops"
	"groupdeck/views"
)

const recentChanges = 10

// fillManage adds the management parts of the group page.
func (h *Handler) fillManage(c echo.Context, v *views.GroupView) error {
	ctx := c.Request().Context()
	rv, err := h.requestsView(c, v.Group.ID)
	if err != nil {
		return err
	}
	rv.CanEdit = rv.CanEdit && views.ChangeRefusal(v.Group) == "" // WhatsApp would refuse the decisions
	v.Requests = rv
	v.Changes, err = h.Store.RecentChanges(ctx, v.Group.ID, recentChanges)
	return err
}

func (h *Handler) groupInvite(c echo.Context) error {
	g, err := h.loadGroup(c)
	if err != nil {
		return err
	}
	return h.fragment(c, views.GroupInvite(g, currentUser(c).CanEdit()))
}

func (h *Handler) groupChanges(c echo.Context) error {
	g, err := h.loadGroup(c)
	if err != nil {
		return err
	}
	cs, err := h.Store.RecentChanges(c.Request().Context(), g.ID, recentChanges)
	if err != nil {
		return err
	}
	return h.fragment(c, views.ChangeList(cs))
}

func (h *Handler) groupDeleteShow(c echo.Context) error {
	g, err := h.activeGroup(c)
	if err != nil {
		return err
	}
	return h.page(c, http.StatusOK, "Delete "+g.Subject, "groups", views.DeletePage(views.DeleteForm{Group: g}))
}

// groupDelete asks WhatsApp to delete the group once the subject was typed
// exactly; the group_delete webhook confirms it.
func (h *Handler) groupDelete(c echo.Context) error {
	ctx := c.Request().Context()
	g, err := h.activeGroup(c)
	if err != nil {
		return err
	}
	f := views.DeleteForm{Group: g, Typed: c.FormValue("subject")}
	if strings.TrimSpace(f.Typed) != g.Subject {
		f.Error = "Type the subject exactly as shown to confirm."
		return h.page(c, http.StatusUnprocessableEntity, "Delete "+g.Subject, "groups", views.DeletePage(f))
	}
	if err := h.ops.DeleteGroup(ctx, currentUser(c).ID, g); err != nil {
		var refused *groupops.Refused
		if !errors.As(err, &refused) {
			return err
		}
		f.Error = refused.Msg
		return h.page(c, http.StatusBadGateway, "Delete "+g.Subject, "groups", views.DeletePage(f))
	}
	return c.Redirect(http.StatusSeeOther, "/groups/"+itoa64(g.ID))
}
