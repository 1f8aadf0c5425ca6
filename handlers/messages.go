package handlers

import (
	"context"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"groupdeck/messaging"
	"groupdeck/store"
	"groupdeck/views"
	"groupdeck/web"
)

// timelineSize is how many of a group's latest messages the page shows.
const timelineSize = 100

// messagingView gathers the group page's messages section.
func (h *Handler) messagingView(ctx context.Context, g *store.Group, canEdit bool) (views.MessagingView, error) {
	v, err := h.timelineView(ctx, g, canEdit)
	if err != nil {
		return v, err
	}
	if err := h.loadPick(ctx, &v.Composer, g.ParticipantCount); err != nil {
		return v, err
	}
	v.Window, err = h.windowView(ctx, g)
	return v, err
}

// timelineView is what views.Timeline shows: the messages, pins and
// sender labels, without the composer's template pick and the window,
// which the live timeline fragment (re-fetched on every message and
// receipt event of an open page) does not render.
func (h *Handler) timelineView(ctx context.Context, g *store.Group, canEdit bool) (views.MessagingView, error) {
	v := views.MessagingView{Group: g, CanEdit: canEdit, Composer: composerFor(g)}
	var err error
	if v.Messages, err = h.Store.Messages(ctx, g.ID, timelineSize); err != nil {
		return v, err
	}
	if v.Pinned, err = h.Store.Pinned(ctx, g.ID); err != nil {
		return v, err
	}
	if v.PinCmds, err = h.Store.PinCommands(ctx, g.ID); err != nil {
		return v, err
	}
	// The senders' labels in one query, not one per message.
	senders := make([]string, 0, len(v.Messages))
	for _, m := range v.Messages {
		senders = append(senders, m.SenderKey)
	}
	v.Labels, err = h.Store.PersonLabels(ctx, senders)
	return v, err
}

func (h *Handler) windowView(ctx context.Context, g *store.Group) (views.WindowView, error) {
	last, err := h.Store.LastInbound(ctx, g.ID)
	return views.WindowView{Group: g, LastInbound: last, Now: h.Store.Now().UnixMilli(), Refusal: messaging.Refusal(g), NobodyYet: messaging.NobodyJoined(g)}, err
}

func composerFor(g *store.Group) views.ComposerForm {
	path := "/groups/" + itoa64(g.ID) + "/messages"
	return views.ComposerForm{Action: path, Errors: map[string]string{}, Refusal: messaging.Refusal(g)}
}

func (h *Handler) messageList(c echo.Context) error {
	g, err := h.loadGroup(c)
	if err != nil {
		return err
	}
	v, err := h.timelineView(c.Request().Context(), g, currentUser(c).CanEdit())
	if err != nil {
		return err
	}
	return h.fragment(c, views.Timeline(v))
}

func (h *Handler) windowStatus(c echo.Context) error {
	g, err := h.loadGroup(c)
	if err != nil {
		return err
	}
	w, err := h.windowView(c.Request().Context(), g)
	if err != nil {
		return err
	}
	return h.fragment(c, views.WindowFragment(w, currentUser(c).CanEdit()))
}

// messageCreate validates the composer, stores the message and wakes the
// outbox; the answer is the cleared composer (or the page, without JS).
func (h *Handler) messageCreate(c echo.Context) error {
	ctx := c.Request().Context()
	g, err := h.loadGroup(c)
	if err != nil {
		return err
	}
	f := readComposer(c)
	f.Action = composerFor(g).Action
	if err := h.loadPick(ctx, &f, g.ParticipantCount); err != nil {
		return err
	}
	if refusal := messaging.Refusal(g); refusal != "" {
		f.Errors["form"] = refusal
		return h.composerAnswer(c, http.StatusUnprocessableEntity, g, f)
	}
	m := h.draftMessage(c, &f)
	if m == nil {
		return h.composerAnswer(c, http.StatusUnprocessableEntity, g, f)
	}
	if err := h.ops.QueueMessage(ctx, currentUser(c).ID, g, m); err != nil {
		return err
	}
	done := composerFor(g)
	if err := h.loadPick(ctx, &done, g.ParticipantCount); err != nil {
		return err
	}
	done.Notice = "Queued. It is sent in the background; follow it in the timeline above."
	return h.composerAnswer(c, http.StatusOK, g, done)
}

func (h *Handler) composerAnswer(c echo.Context, status int, g *store.Group, f views.ComposerForm) error {
	f.Refusal = messaging.Refusal(g)
	if web.IsHTMX(c) {
		return h.fragmentStatus(c, status, views.Composer(f))
	}
	if status == http.StatusOK {
		return c.Redirect(http.StatusSeeOther, "/groups/"+itoa64(g.ID))
	}
	return h.groupPageWith(c, status, g, f)
}

// groupPageWith renders the whole group page with this composer state,
// for browsers without JavaScript.
func (h *Handler) groupPageWith(c echo.Context, status int, g *store.Group, f views.ComposerForm) error {
	ctx := c.Request().Context()
	ps, err := h.Store.Participants(ctx, g.ID)
	if err != nil {
		return err
	}
	mv, err := h.messagingView(ctx, g, true)
	if err != nil {
		return err
	}
	mv.Composer = f
	v := views.GroupView{Group: g, Participants: ps, CanEdit: true, Messaging: mv}
	return h.page(c, status, g.Subject, "groups", views.GroupPage(v))
}

// loadMessage finds the :mid message of the :id group.
func (h *Handler) loadMessage(c echo.Context) (*store.Message, error) {
	gid, err := pathID(c)
	if err != nil {
		return nil, err
	}
	mid, err := strconv.ParseInt(c.Param("mid"), 10, 64)
	if err != nil || mid <= 0 {
		return nil, store.ErrNotFound
	}
	return h.Store.MessageByID(c.Request().Context(), gid, mid)
}

// timelineAnswer answers a change made from the timeline.
func (h *Handler) timelineAnswer(c echo.Context, g *store.Group) error {
	if !web.IsHTMX(c) {
		return c.Redirect(http.StatusSeeOther, "/groups/"+itoa64(g.ID))
	}
	v, err := h.timelineView(c.Request().Context(), g, true)
	if err != nil {
		return err
	}
	return h.fragment(c, views.Timeline(v))
}

func (h *Handler) messageRetry(c echo.Context) error {
	ctx := c.Request().Context()
	m, err := h.loadMessage(c)
	if err != nil {
		return err
	}
	g, err := h.Store.GroupByID(ctx, m.GroupID)
	if err != nil {
		return err
	}
	detail := "message " + itoa64(m.ID)
	if m.InDoubt {
		detail += " (was unconfirmed)"
	}
	if _, err := h.Store.WithTx(ctx, func(t *store.Tx) error {
		if err := t.RetryMessage(g.ID, m.ID); err != nil {
			return err
		}
		return t.Audit(store.AuditEntry{UserID: currentUser(c).ID, Action: store.AuditMessageRetry, GroupID: g.ID, Detail: detail})
	}); err != nil {
		return echo.NewHTTPError(http.StatusConflict, "Only a failed message can be retried; this one has moved on.")
	}
	h.WakeOutbox()
	h.Notify.PartsChanged(store.PartMessages, g.ID)
	return h.timelineAnswer(c, g)
}

// messagePin queues a pin (or unpin) command for a message: it goes
// through the outbox like any message, and the pin shows once WhatsApp
// accepted it.
func (h *Handler) messagePin(c echo.Context) error {
	return h.pinCommand(c, store.KindPin)
}

func (h *Handler) messageUnpin(c echo.Context) error {
	return h.pinCommand(c, store.KindUnpin)
}

func (h *Handler) pinCommand(c echo.Context, kind string) error {
	ctx := c.Request().Context()
	m, err := h.loadMessage(c)
	if err != nil {
		return err
	}
	g, err := h.Store.GroupByID(ctx, m.GroupID)
	if err != nil {
		return err
	}
	if g.Status != store.GroupActive || g.Suspended {
		return echo.NewHTTPError(http.StatusUnprocessableEntity, messaging.Refusal(g))
	}
	if m.WAMID == "" {
		return echo.NewHTTPError(http.StatusUnprocessableEntity, "Only a message WhatsApp accepted can be pinned.")
	}
	cmd := &store.Message{GroupID: g.ID, Kind: kind, CreatedBy: currentUser(c).ID, Payload: store.Payload{Target: m.WAMID}}
	if kind == store.KindPin {
		days, err := strconv.Atoi(c.FormValue("days"))
		if err != nil || days < 1 || days > 30 {
			return echo.NewHTTPError(http.StatusUnprocessableEntity, "A pin lasts 1 to 30 days.")
		}
		cmd.Payload.Days = days
	}
	action := store.AuditMessageUnpin
	if kind == store.KindPin {
		action = store.AuditMessagePin
	}
	if _, err := h.Store.WithTx(ctx, func(t *store.Tx) error {
		if err := t.QueueMessage(cmd); err != nil {
			return err
		}
		return t.Audit(store.AuditEntry{UserID: currentUser(c).ID, Action: action, GroupID: g.ID, Detail: "message " + itoa64(m.ID)})
	}); err != nil {
		return err
	}
	h.WakeOutbox()
	h.Notify.PartsChanged(store.PartMessages, g.ID)
	return h.timelineAnswer(c, g)
}

// messageReceipts shows who has one outgoing message delivered and read.
func (h *Handler) messageReceipts(c echo.Context) error {
	ctx := c.Request().Context()
	m, err := h.loadMessage(c)
	if err != nil {
		return err
	}
	g, err := h.Store.GroupByID(ctx, m.GroupID)
	if err != nil {
		return err
	}
	rs, err := h.Store.Receipts(ctx, g.ID, m.WAMID)
	if err != nil {
		return err
	}
	panel := views.ReceiptsPanel(views.ReceiptsView{Group: g, Message: m, Receipts: rs})
	if web.IsHTMX(c) {
		return h.fragment(c, panel)
	}
	return h.page(c, http.StatusOK, "Receipts · "+g.Subject, "groups", views.ReceiptsPage(g, panel))
}
