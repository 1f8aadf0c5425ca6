package handlers

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"groupdeck/store"
	"groupdeck/views"
	"groupdeck/whatsapp"
)

func (h *Handler) groupNew(c echo.Context) error {
	return h.page(c, http.StatusOK, "New group", "groups", views.NewGroup(views.GroupForm{}))
}

// validateGroup applies the Groups API's rules before anything is sent.
func validateGroup(f *views.GroupForm) {
	f.Errors = map[string]string{}
	f.Subject = strings.TrimSpace(f.Subject)
	switch n := utf8.RuneCountInString(f.Subject); {
	case n == 0:
		f.Errors["subject"] = "Give the group a subject."
	case n > 128:
		f.Errors["subject"] = "The subject has " + itoa(n) + " characters; WhatsApp allows at most 128."
	}
	if n := utf8.RuneCountInString(f.Description); n > 2048 {
		f.Errors["description"] = "The description has " + itoa(n) + " characters; WhatsApp allows at most 2048."
	}
	switch f.JoinApprovalMode {
	case "", "auto_approve":
		f.JoinApprovalMode = "auto_approve"
	case "approval_required":
	default:
		f.Errors["join_approval_mode"] = "Choose who can join."
	}
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
	u := currentUser(c)
	g := &store.Group{Subject: f.Subject, Description: f.Description, JoinApprovalMode: f.JoinApprovalMode, CreatedBy: u.ID}
	if err := h.Store.CreateGroup(ctx, g); err != nil {
		return err
	}
	// No transaction is open across the API call: the row above is
	// committed, and the outcome is recorded after.
	reqID, err := h.WA.CreateGroup(ctx, whatsapp.CreateGroupRequest{Subject: g.Subject, Description: g.Description, JoinApprovalMode: g.JoinApprovalMode})
	if err != nil {
		reason := whatsapp.Human(err)
		if _, ferr := h.Store.WithTx(ctx, func(t *store.Tx) error {
			if err := t.FailGroup(g.ID, reason); err != nil {
				return err
			}
			return t.Audit(store.AuditEntry{UserID: u.ID, Action: store.AuditGroupCreate, GroupID: g.ID, Detail: g.Subject, Outcome: "failed: " + reason})
		}); ferr != nil {
			return ferr
		}
	} else {
		touched, err := h.Store.WithTx(ctx, func(t *store.Tx) error {
			if err := h.Ingest.RecordRequest(t, g.ID, reqID); err != nil {
				return err
			}
			return t.Audit(store.AuditEntry{UserID: u.ID, Action: store.AuditGroupCreate, GroupID: g.ID, Detail: g.Subject})
		})
		if err != nil {
			return err
		}
		h.Notify.GroupsChanged(touched...)
	}
	h.Notify.GroupsChanged(g.ID)
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
