package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"groupdeck/jobs"
	"groupdeck/store"
	"groupdeck/views"
)

// JobBroadcast is the job kind that sends one message to many groups.
const JobBroadcast = "broadcast"

// maxBroadcastList bounds the picker; "all matching" covers the rest.
const maxBroadcastList = 200

// maxBroadcast bounds one send-to-many job (a number's whole fleet).
const maxBroadcast = 10000

// broadcastParams is the message a send-to-many job queues in each group.
type broadcastParams struct {
	Kind      string        `json:"kind"`
	Body      string        `json:"body"`
	Payload   store.Payload `json:"payload"`
	MediaID   string        `json:"media_id,omitempty"`
	MediaMime string        `json:"media_mime,omitempty"`
	MediaName string        `json:"media_name,omitempty"`
}

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
	params, _ := json.Marshal(broadcastParams{Kind: m.Kind, Body: m.Body, Payload: m.Payload,
		MediaID: m.MediaID, MediaMime: m.MediaMime, MediaName: m.MediaName})
	u := currentUser(c)
	title := fmt.Sprintf("Send “%s” to %d groups", views.Snippet(*m), len(targets))
	id, err := h.Jobs.Start(ctx, store.Job{Kind: JobBroadcast, Title: title, Params: params, CreatedBy: u.ID}, targets)
	if err != nil {
		return err
	}
	h.audit(ctx, store.AuditEntry{UserID: u.ID, Action: store.AuditMessageBroadcast, Detail: fmt.Sprintf("job %d: %s message to %d groups", id, m.Kind, len(targets))})
	return c.Redirect(http.StatusSeeOther, "/jobs/"+itoa64(id))
}

// broadcastTargets turns the selection into job inputs: "<id> · <subject>",
// so the progress page names each group.
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
		out = append(out, itoa64(g.ID)+" · "+g.Subject)
	}
	return out, nil
}

// broadcastRunner queues the job's message in one group per item and
// follows it until WhatsApp accepted or refused it. The message records
// its job item, so a resumed job never queues it twice.
type broadcastRunner struct{ h *Handler }

// BroadcastRunner returns the runner for JobBroadcast jobs.
func (h *Handler) BroadcastRunner() jobs.Runner { return broadcastRunner{h} }

// Repeatable: running an item again finds the message it queued.
func (broadcastRunner) Repeatable() bool { return true }

func (r broadcastRunner) RunItem(ctx context.Context, job *store.Job, item *store.JobItem) (string, error) {
	h := r.h
	idText, _, _ := strings.Cut(item.Input, " · ")
	gid, err := strconv.ParseInt(idText, 10, 64)
	if err != nil {
		return "", fmt.Errorf("not a group: %q", item.Input)
	}
	key := job.ID*1_000_000 + int64(item.Seq) // unique per job item; a job has far fewer than a million items
	m, err := h.Store.MessageByJobItem(ctx, key)
	if errors.Is(err, store.ErrNotFound) {
		g, err := h.Store.GroupByID(ctx, gid)
		if errors.Is(err, store.ErrNotFound) {
			return "", jobs.Skip("The group no longer exists.")
		}
		if err != nil {
			return "", err
		}
		if refusal := sendRefusal(g); refusal != "" {
			return "", jobs.Skip(refusal)
		}
		var p broadcastParams
		if err := json.Unmarshal(job.Params, &p); err != nil {
			return "", fmt.Errorf("the job's message is unreadable: %w", err)
		}
		m = &store.Message{GroupID: g.ID, Kind: p.Kind, Body: p.Body, Payload: p.Payload, MediaID: p.MediaID,
			MediaMime: p.MediaMime, MediaName: p.MediaName, JobItemID: key, CreatedBy: job.CreatedBy}
		if err := h.Store.QueueMessage(ctx, m); err != nil {
			return "", err
		}
		h.WakeOutbox()
		h.publishGroups(g.ID)
	} else if err != nil {
		return "", err
	}
	switch m.State {
	case store.MsgSent:
		return "Sent (message " + itoa64(m.ID) + ")", nil
	case store.MsgFailed:
		return "", errors.New(m.Error)
	}
	wait := min(250*time.Millisecond<<min(item.Attempts, 7), 30*time.Second)
	if m.InDoubt {
		return "", jobs.Retry(wait, errors.New("Waiting for WhatsApp to confirm the message"))
	}
	return "", jobs.Retry(wait, errors.New("Sending"))
}
