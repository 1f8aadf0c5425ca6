package handlers

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"groupdeck/store"
	"groupdeck/views"
)

// MaxText is the Cloud API's limit on a text message body.
const MaxText = 4096

func (h *Handler) messageList(c echo.Context) error {
	g, err := h.loadGroup(c)
	if err != nil {
		return err
	}
	ms, err := h.Store.Messages(c.Request().Context(), g.ID, 100)
	if err != nil {
		return err
	}
	return h.fragment(c, views.MessageList(g, ms))
}

func (h *Handler) messageCreate(c echo.Context) error {
	ctx := c.Request().Context()
	g, err := h.loadGroup(c)
	if err != nil {
		return err
	}
	body := c.FormValue("body")
	var problem string
	switch n := utf8.RuneCountInString(body); {
	case strings.TrimSpace(body) == "":
		problem = "Write something to send."
	case n > MaxText:
		problem = "The message has " + itoa(n) + " characters; WhatsApp allows at most 4096."
	case g.Status != store.GroupActive:
		problem = "This group is not active, so it cannot receive messages."
	case g.Suspended:
		problem = "WhatsApp suspended this group (131207), so it cannot receive messages."
	case g.ParticipantCount == 0:
		problem = "Nobody has joined this group yet; WhatsApp refuses messages to a group with no participant (131020)."
	}
	if problem != "" {
		return h.messageForm(c, http.StatusUnprocessableEntity, g, body, problem)
	}
	m := &store.Message{GroupID: g.ID, Kind: "text", Body: body, CreatedBy: currentUser(c).ID}
	if err := h.Store.QueueMessage(ctx, m); err != nil {
		return err
	}
	_ = h.Store.Audit(ctx, store.AuditEntry{UserID: currentUser(c).ID, Action: "message.queue", GroupID: g.ID, Detail: "text"})
	h.WakeOutbox()
	h.publishGroups(g.ID)
	return h.messageForm(c, http.StatusOK, g, "", "")
}

func (h *Handler) messageForm(c echo.Context, status int, g *store.Group, draft, problem string) error {
	if c.Request().Header.Get("HX-Request") == "true" {
		return h.fragmentStatus(c, status, views.MessageForm(g, draft, problem))
	}
	if status == http.StatusOK {
		return c.Redirect(http.StatusSeeOther, "/groups/"+itoa64(g.ID))
	}
	ctx := c.Request().Context()
	ps, err := h.Store.Participants(ctx, g.ID)
	if err != nil {
		return err
	}
	ms, err := h.Store.Messages(ctx, g.ID, 100)
	if err != nil {
		return err
	}
	v := views.GroupView{Group: g, Participants: ps, Messages: ms, CanEdit: true, Draft: draft, MessageError: problem}
	return h.page(c, status, g.Subject, "groups", views.GroupPage(v))
}
