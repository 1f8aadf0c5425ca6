package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"groupdeck/groupops"
	"groupdeck/store"
	"groupdeck/views"
)

// maxSelectionChange bounds the groups one bulk reset or delete changes:
// each is a Cloud API call made while the person waits.
const maxSelectionChange = 500

// selectedGroups reads the groups list's selection: the ticked rows (id),
// or with all=1 every group matching the list's filters, which the form
// carries in its action URL like the list's own links.
func (h *Handler) selectedGroups(c echo.Context) ([]*store.Group, error) {
	ctx := c.Request().Context()
	if c.FormValue("all") == "1" {
		q, _ := groupQuery(c)
		var out []*store.Group
		for q.Offset, q.Limit = 0, 500; len(out) < MaxGroups; q.Offset += q.Limit {
			gs, total, err := h.Store.GroupList(ctx, q)
			if err != nil {
				return nil, err
			}
			out = append(out, gs...)
			if len(gs) == 0 || len(out) >= total {
				break
			}
		}
		return out, nil
	}
	var ids []int64
	for _, s := range c.Request().Form["id"] {
		if id, err := strconv.ParseInt(s, 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	found, err := h.Store.GroupsByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	var out []*store.Group
	seen := map[int64]bool{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		if g := found[id]; g != nil {
			out = append(out, g)
			if len(out) >= MaxGroups {
				break
			}
		}
	}
	return out, nil
}

// groupSelection runs a bulk action on the groups ticked in the list:
// message (the send-to-many composer, which reviews before sending),
// export as CSV, or reset links, delete and add to a pool, which answer
// with a review whose confirm carries a token over the exact groups.
func (h *Handler) groupSelection(c echo.Context) error {
	if err := c.Request().ParseForm(); err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "The form could not be read.")
	}
	gs, err := h.selectedGroups(c)
	if err != nil {
		return err
	}
	action := c.FormValue("action")
	r := views.SelectionReview{Action: action, Back: "/groups"}
	if c.Request().URL.RawQuery != "" {
		r.Back = "/groups?" + c.Request().URL.RawQuery
	}
	if len(gs) == 0 {
		r.Error = "Tick at least one group in the list, or “select all matching”."
		return h.page(c, http.StatusUnprocessableEntity, "Selected groups", "groups", views.SelectionPage(r))
	}
	switch action {
	case "message":
		v := url.Values{}
		for _, g := range gs {
			v.Add("group", itoa64(g.ID))
		}
		return c.Redirect(http.StatusSeeOther, "/messages/broadcast?"+v.Encode())
	case "export":
		return h.selectionCSV(c, gs)
	case "reset", "delete", "pool":
		return h.selectionChange(c, r, gs)
	}
	r.Error = "Choose what to do with the selected groups."
	return h.page(c, http.StatusUnprocessableEntity, "Selected groups", "groups", views.SelectionPage(r))
}

// selectionCSV exports the selected groups; numbers of people, not the
// people themselves (each group's participants.csv has those).
func (h *Handler) selectionCSV(c echo.Context, gs []*store.Group) error {
	u := currentUser(c)
	h.audit(c.Request().Context(), store.AuditEntry{UserID: u.ID, Action: store.AuditGroupsExport, Detail: fmt.Sprintf("%d groups", len(gs))})
	w := c.Response()
	w.Header().Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	w.Header().Set(echo.HeaderContentDisposition, `attachment; filename="groups.csv"`)
	w.WriteHeader(http.StatusOK)
	out := newCSV(w)
	if err := out.Row("id", "subject", "status", "participants", "pending_requests", "invite_link", "wa_group_id", "created_at"); err != nil {
		return err
	}
	for _, g := range gs {
		if err := out.Row(itoa64(g.ID), g.Subject, views.StatusKey(g), strconv.Itoa(g.ParticipantCount), strconv.Itoa(g.PendingRequests),
			g.InviteLink, g.WaGroupID, time.UnixMilli(g.CreatedAt).UTC().Format(time.RFC3339)); err != nil {
			return err
		}
	}
	return out.Flush()
}

// selectionChange reviews, then on a confirm with a matching token runs,
// a bulk reset, delete or pool addition.
func (h *Handler) selectionChange(c echo.Context, r views.SelectionReview, gs []*store.Group) error {
	ctx := c.Request().Context()
	u := currentUser(c)
	var ids []string
	for _, g := range gs {
		why := ""
		switch {
		case r.Action == "pool" && (g.Status == store.GroupDeleted || g.Status == store.GroupFailed):
			why = "deleted or never created"
		case r.Action != "pool":
			why = views.ChangeRefusal(g)
		}
		if why != "" {
			r.Skipped = append(r.Skipped, views.SelectionItem{Group: g, Outcome: why})
			continue
		}
		r.Groups = append(r.Groups, g)
		ids = append(ids, itoa64(g.ID))
	}
	if r.Action != "pool" && len(r.Groups) > maxSelectionChange {
		r.Error = fmt.Sprintf("At most %d groups at once: narrow the filter and repeat.", maxSelectionChange)
		return h.page(c, http.StatusUnprocessableEntity, "Selected groups", "groups", views.SelectionPage(r))
	}
	if r.Action == "pool" {
		pools, err := h.Store.Pools(ctx)
		if err != nil {
			return err
		}
		r.Pools = pools
	}
	params := []byte(r.Action)
	r.Token = h.reviewToken("groups-"+r.Action, u.ID, params, ids)
	token := c.FormValue("review")
	if token == "" || len(r.Groups) == 0 {
		return h.page(c, http.StatusOK, "Review selected groups", "groups", views.SelectionPage(r))
	}
	if !h.reviewed(token, "groups-"+r.Action, u.ID, params, ids) {
		r.Error = fmt.Sprintf("Nothing was changed: of the %s groups you reviewed, %d can be changed now. Check and confirm again.", c.FormValue("reviewed"), len(r.Groups))
		return h.page(c, http.StatusOK, "Review selected groups", "groups", views.SelectionPage(r))
	}
	r.Typed = c.FormValue("confirm")
	if r.Action == "delete" && strings.TrimSpace(r.Typed) != r.DeletePhrase() {
		r.Errors = map[string]string{"confirm": fmt.Sprintf("Type “%s” exactly to confirm.", r.DeletePhrase())}
		return h.page(c, http.StatusUnprocessableEntity, "Review selected groups", "groups", views.SelectionPage(r))
	}
	if r.Action == "pool" {
		return h.selectionPool(c, r)
	}
	for _, g := range r.Groups {
		var err error
		if r.Action == "delete" {
			err = h.ops.DeleteGroup(ctx, u.ID, g)
		} else {
			_, err = h.ops.ChangeInvite(ctx, u.ID, g, true)
		}
		item := views.SelectionItem{Group: g}
		var refused *groupops.Refused
		switch {
		case errors.As(err, &refused):
			item.Outcome, item.Failed = refused.Msg, true
		case err != nil:
			return err
		}
		r.Done = append(r.Done, item)
	}
	return h.page(c, http.StatusOK, "Selected groups", "groups", views.SelectionDone(r))
}

func (h *Handler) selectionPool(c echo.Context, r views.SelectionReview) error {
	ctx := c.Request().Context()
	poolID, _ := strconv.ParseInt(c.FormValue("pool"), 10, 64)
	p, err := h.Store.PoolByID(ctx, poolID)
	if errors.Is(err, store.ErrNotFound) {
		r.Errors = map[string]string{"pool": "Choose the pool to add the groups to."}
		return h.page(c, http.StatusUnprocessableEntity, "Review selected groups", "groups", views.SelectionPage(r))
	}
	if err != nil {
		return err
	}
	var ids []int64
	for _, g := range r.Groups {
		ids = append(ids, g.ID)
	}
	added, skipped, err := h.Store.AddToPool(ctx, p.ID, currentUser(c).ID, ids)
	if err != nil {
		return err
	}
	in := map[int64]bool{}
	for _, id := range skipped {
		in[id] = true
	}
	for _, g := range r.Groups {
		item := views.SelectionItem{Group: g, Outcome: "added to " + p.Name}
		if in[g.ID] {
			item.Outcome, item.Failed = "already in a pool; left there", true
		}
		r.Done = append(r.Done, item)
	}
	r.PoolName = p.Name
	_ = added
	return h.page(c, http.StatusOK, "Selected groups", "groups", views.SelectionDone(r))
}
