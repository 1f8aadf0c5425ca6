package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"groupdeck/groupops"
	"groupdeck/store"
	"groupdeck/views"
)

func (h *Handler) groupNew(c echo.Context) error {
	return h.page(c, http.StatusOK, "New group", "groups", views.NewGroup(views.GroupForm{}))
}

// validateGroup applies the Groups API's rules before anything is sent.
func validateGroup(f *views.GroupForm) {
	f.Errors = groupops.ValidateGroup(&f.Subject, &f.Description, &f.JoinApprovalMode)
}

func (h *Handler) groupCreate(c echo.Context) error {
	ctx := c.Request().Context()
	f := views.GroupForm{Subject: c.FormValue("subject"), Description: c.FormValue("description"), JoinApprovalMode: c.FormValue("join_approval_mode")}
	validateGroup(&f)
	if len(f.Errors) > 0 {
		if c.Request().Header.Get("HX-Request") == "true" {
			return h.fragmentStatus(c, http.StatusUnprocessableEntity, views.NewGroupForm(f))
		}
		return h.page(c, http.StatusUnprocessableEntity, "New group", "groups", views.NewGroup(f))
	}
	g, err := h.ops.CreateGroup(ctx, currentUser(c).ID, f.Subject, f.Description, f.JoinApprovalMode)
	if err != nil {
		return err
	}
	url := "/groups/" + itoa64(g.ID)
	if c.Request().Header.Get("HX-Request") == "true" {
		c.Response().Header().Set("HX-Location", url)
		return c.NoContent(http.StatusNoContent)
	}
	return c.Redirect(http.StatusSeeOther, url)
}

func (h *Handler) loadGroup(c echo.Context) (*store.Group, error) {
	id, err := pathID(c)
	if err != nil {
		return nil, err
	}
	return h.Store.GroupByID(c.Request().Context(), id)
}

func (h *Handler) groupShow(c echo.Context) error {
	ctx := c.Request().Context()
	g, err := h.loadGroup(c)
	if err != nil {
		return err
	}
	ps, err := h.Store.Participants(ctx, g.ID)
	if err != nil {
		return err
	}
	mv, err := h.messagingView(ctx, g, currentUser(c).CanEdit())
	if err != nil {
		return err
	}
	v := views.GroupView{Group: g, Participants: ps, Messaging: mv, CanEdit: currentUser(c).CanEdit()}
	if err := h.fillManage(c, &v); err != nil {
		return err
	}
	return h.page(c, http.StatusOK, g.Subject, "groups", views.GroupPage(v))
}

// groupSummary is the live head of the group page. The page says which
// state it shows (?shown=); when the group has moved on, the answer also
// carries every status-dependent part out of band (invite card, tools,
// request tools), so one refresh brings the whole page along.
func (h *Handler) groupSummary(c echo.Context) error {
	g, err := h.loadGroup(c)
	if err != nil {
		return err
	}
	if shown := c.QueryParam("shown"); shown != "" && shown != views.StatusKey(g) {
		return h.fragment(c, views.GroupStatusParts(g, currentUser(c).CanEdit()))
	}
	return h.fragment(c, views.GroupSummary(g))
}

func (h *Handler) groupParticipants(c echo.Context) error {
	g, err := h.loadGroup(c)
	if err != nil {
		return err
	}
	ps, err := h.Store.Participants(c.Request().Context(), g.ID)
	if err != nil {
		return err
	}
	return h.fragment(c, views.ParticipantList(g, ps, currentUser(c).CanEdit() && views.ChangeRefusal(g) == ""))
}
