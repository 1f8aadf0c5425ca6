package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"groupdeck/jobs"
	"groupdeck/messaging"
	"groupdeck/store"
	"groupdeck/views"
)

// maxBroadcastList bounds the picker; "all matching" covers the rest.
const maxBroadcastList = 200

// maxBroadcast bounds one send-to-many job (a number's whole fleet).
const maxBroadcast = 10000

func (h *Handler) broadcastView(c echo.Context, f views.ComposerForm) (views.BroadcastView, error) {
	v := views.BroadcastView{Search: strings.TrimSpace(c.FormValue("q")), Status: c.FormValue("status"), Composer: f}
	if c.Request().Method == http.MethodGet && c.QueryParam("status") == "" && c.QueryParam("q") == "" {
		v.Status = store.GroupActive
	}
	var err error
	v.Groups, v.Total, err = h.Store.Groups(c.Request().Context(), store.GroupFilter{Search: v.Search, Status: v.Status, Limit: maxBroadcastList})
	v.Selected = map[int64]bool{}
	for _, s := range c.Request().Form["group"] {
		if id, err := strconv.ParseInt(s, 10, 64); err == nil {
			v.Selected[id] = true
		}
	}
	v.All = c.FormValue("all") == "1"
	return v, err
}

func (h *Handler) broadcastShow(c echo.Context) error {
	_ = c.Request().ParseForm()
	v, err := h.broadcastView(c, views.ComposerForm{Action: "/messages/broadcast", Errors: map[string]string{}})
	if err != nil {
		return err
	}
	return h.page(c, http.StatusOK, "Send to many groups", "broadcast", views.Broadcast(v))
}

// broadcastCreate starts a job that queues the message in every chosen
// group; its progress page shows a result per group.
func (h *Handler) broadcastCreate(c echo.Context) error {
	ctx := c.Request().Context()
	f := readComposer(c)
	f.Action = "/messages/broadcast"
	v, err := h.broadcastView(c, f)
	if err != nil {
		return err
	}
	targets, err := h.broadcastTargets(ctx, v)
	if err != nil {
		return err
	}
	if len(targets) == 0 {
		v.Composer.Errors["groups"] = "Choose at least one group, or all groups matching the filter."
		return h.page(c, http.StatusUnprocessableEntity, "Send to many groups", "broadcast", views.Broadcast(v))
	}
	m := h.draftMessage(c, &v.Composer)
	if m == nil {
		return h.page(c, http.StatusUnprocessableEntity, "Send to many groups", "broadcast", views.Broadcast(v))
	}
	params, _ := json.Marshal(messaging.BroadcastParams{Kind: m.Kind, Body: m.Body, Payload: m.Payload,
		MediaID: m.MediaID, MediaMime: m.MediaMime, MediaName: m.MediaName})
	u := currentUser(c)
	title := fmt.Sprintf("Send “%s” to %d groups", views.Snippet(*m), len(targets))
	id, err := h.Jobs.StartAudited(ctx, store.Job{Kind: string(jobs.KindBroadcast), Title: title, Params: params, CreatedBy: u.ID}, targets,
		func(id int64) store.AuditEntry {
			return store.AuditEntry{UserID: u.ID, Action: store.AuditMessageBroadcast, Detail: fmt.Sprintf("job %d: %s message to %d groups", id, m.Kind, len(targets))}
		})
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/jobs/"+itoa64(id))
}

// broadcastTargets turns the selection into job inputs.
func (h *Handler) broadcastTargets(ctx context.Context, v views.BroadcastView) ([]string, error) {
	var gs []*store.Group
	if v.All {
		all, _, err := h.Store.Groups(ctx, store.GroupFilter{Search: v.Search, Status: v.Status, Limit: maxBroadcast})
		if err != nil {
			return nil, err
		}
		gs = all
	} else {
		for id := range v.Selected {
			g, err := h.Store.GroupByID(ctx, id)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			if err != nil {
				return nil, err
			}
			gs = append(gs, g)
		}
	}
	var out []string
	for _, g := range gs {
		out = append(out, messaging.BroadcastTarget(g))
	}
	return out, nil
}
