package handlers

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"groupdeck/jobs"
	"groupdeck/messaging"
	"groupdeck/store"
	"groupdeck/views"
	"groupdeck/whatsapp"
)

// maxBroadcast bounds one send-to-many job (a number's whole fleet).
const maxBroadcast = 10000

func (h *Handler) broadcastView(c echo.Context, f views.ComposerForm) (views.BroadcastView, error) {
	ctx := c.Request().Context()
	v := views.BroadcastView{Search: strings.TrimSpace(c.FormValue("q")), Status: c.FormValue("status"), Composer: f}
	if c.Request().Method == http.MethodGet && c.QueryParam("status") == "" && c.QueryParam("q") == "" {
		v.Status = store.GroupActive
	}
	// Only the count: "all matching" is resolved when the send is reviewed.
	_, total, err := h.Store.Groups(ctx, store.GroupFilter{Search: v.Search, Status: v.Status, Limit: 1})
	if err != nil {
		return v, err
	}
	v.Total = total
	v.All = c.FormValue("all") == "1"
	v.Picker, err = h.groupMultiPicker(ctx, views.MultiPickerView{ID: "bpick", Name: "group", Label: "Find groups to add"},
		c.Request().Form["group"])
	if err != nil {
		return v, err
	}
	v.Selected = map[int64]bool{}
	for _, g := range v.Picker.Chosen {
		v.Selected[g.ID] = true
	}
	return v, h.loadPick(ctx, &v.Composer, 0)
}

func (h *Handler) broadcastShow(c echo.Context) error {
	_ = c.Request().ParseForm()
	v, err := h.broadcastView(c, views.ComposerForm{Action: "/messages/broadcast", Errors: map[string]string{}})
	if err != nil {
		return err
	}
	return h.page(c, http.StatusOK, "Send to many groups", "broadcast", views.Broadcast(v))
}

// broadcastCreate first answers with a review of what the send will do;
// the review's confirm starts a job that queues the message in exactly the
// reviewed groups, whose progress page shows a result per group.
func (h *Handler) broadcastCreate(c echo.Context) error {
	ctx := c.Request().Context()
	f := readComposer(c)
	f.Action = "/messages/broadcast"
	v, err := h.broadcastView(c, f)
	if err != nil {
		return err
	}
	gs, err := h.broadcastGroups(ctx, v)
	if err != nil {
		return err
	}
	if len(gs) == 0 {
		v.Composer.Errors["groups"] = "Choose at least one group, or all groups matching the filter."
		return h.page(c, http.StatusUnprocessableEntity, "Send to many groups", "broadcast", views.Broadcast(v))
	}
	token := c.FormValue("review")
	var m *store.Message
	if token != "" {
		m = h.reviewedMessage(c, &v.Composer)
	} else {
		m = h.draftMessage(c, &v.Composer)
	}
	if m == nil {
		return h.page(c, http.StatusUnprocessableEntity, "Send to many groups", "broadcast", views.Broadcast(v))
	}
	params, _ := json.Marshal(messaging.BroadcastParams{Kind: m.Kind, Body: m.Body, Payload: m.Payload,
		MediaID: m.MediaID, MediaMime: m.MediaMime, MediaName: m.MediaName})
	r, reached, err := h.broadcastReview(ctx, v, m, gs)
	if err != nil {
		return err
	}
	u := currentUser(c)
	ids := make([]string, len(reached))
	for i, g := range reached {
		ids[i] = itoa64(g.ID)
	}
	r.Token = h.reviewToken("broadcast", u.ID, params, ids)
	if !h.reviewed(token, "broadcast", u.ID, params, ids) || len(reached) == 0 {
		if token != "" {
			// A new review, answered 200: the browser shows it as a page,
			// not as a failed request.
			r.Changed = fmt.Sprintf("Nothing was sent: what this send reaches changed since your review (you reviewed %s groups; it now reaches %d). Check the new review and confirm again.",
				c.FormValue("reviewed_groups"), len(reached))
		}
		return h.page(c, http.StatusOK, "Review: send to many groups", "broadcast", views.BroadcastReviewPage(r))
	}
	targets := make([]string, len(reached))
	for i, g := range reached {
		targets[i] = messaging.BroadcastTarget(g)
	}
	title := fmt.Sprintf("Send “%s” to %d groups", views.Snippet(*m), len(targets))
	id, err := h.Jobs.StartAudited(ctx, store.Job{Kind: string(jobs.KindBroadcast), Title: title, Params: params, CreatedBy: u.ID}, targets,
		func(id int64) store.AuditEntry {
			return store.AuditEntry{UserID: u.ID, Action: store.AuditMessageBroadcast,
				Detail: fmt.Sprintf("job %d: %s message to %d groups (%d people) after review; %d skipped", id, m.Kind, len(targets), r.People, len(r.Skipped))}
		})
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/jobs/"+itoa64(id))
}

// reviewedMessage rebuilds the message a review showed. An uploaded file
// is not sent again: the review carried its media id, which the review
// token covers.
func (h *Handler) reviewedMessage(c echo.Context, f *views.ComposerForm) *store.Message {
	if f.Kind != "media" {
		return h.draftMessage(c, f)
	}
	kind, id := f.MediaType, c.FormValue("media_id")
	rule, ok := whatsapp.MediaRuleFor(kind)
	if !ok || id == "" {
		f.Errors["file"] = "Choose the file again."
		return nil
	}
	m := &store.Message{Kind: kind, MediaID: id, MediaMime: c.FormValue("media_mime"), MediaName: c.FormValue("media_name"),
		CreatedBy: currentUser(c).ID}
	if rule.Caption {
		m.Body = f.Caption
	}
	return m
}

// broadcastGroups loads the chosen groups: all that match the filter, or
// the ticked ones, in id order.
func (h *Handler) broadcastGroups(ctx context.Context, v views.BroadcastView) ([]*store.Group, error) {
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
	slices.SortFunc(gs, func(a, b *store.Group) int { return cmp.Compare(a.ID, b.ID) })
	return gs, nil
}

// broadcastReview splits the chosen groups into those the message reaches
// and those it skips (with the reason), and counts the people reached and
// what a template may cost.
func (h *Handler) broadcastReview(ctx context.Context, v views.BroadcastView, m *store.Message, gs []*store.Group) (views.BroadcastReview, []*store.Group, error) {
	r := views.BroadcastReview{View: v, Message: *m, MediaID: m.MediaID, MediaMime: m.MediaMime, MediaName: m.MediaName,
		Template: m.Kind == store.KindTemplate, Rates: h.Rates}
	open, err := h.Store.GroupsWithOpenWindow(ctx, time.Now().Add(-24*time.Hour).UnixMilli())
	if err != nil {
		return r, nil, err
	}
	var reached []*store.Group
	counts := map[string]int{}
	for _, g := range gs {
		if why := messaging.SkipReason(g); why != "" {
			if counts[why] == 0 {
				r.Reasons = append(r.Reasons, views.ReasonCount{Reason: why})
			}
			counts[why]++
			r.Skipped = append(r.Skipped, views.Skipped{Group: g, Reason: why})
			continue
		}
		reached = append(reached, g)
		r.People += g.ParticipantCount
		if open[g.ID] {
			r.OpenWindows++
		} else {
			r.PeopleClosed += g.ParticipantCount
		}
	}
	for i := range r.Reasons {
		r.Reasons[i].Count = counts[r.Reasons[i].Reason]
	}
	r.Groups, r.Reached = len(reached), reached
	return r, reached, nil
}
