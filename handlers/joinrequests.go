package handlers

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"groupdeck/store"
	"groupdeck/views"
	"groupdeck/whatsapp"
)

const requestsShown = 200

func (h *Handler) requestsView(c echo.Context, groupID int64) (views.RequestsView, error) {
	rs, total, err := h.Store.PendingJoinRequests(c.Request().Context(), groupID, requestsShown)
	return views.RequestsView{GroupID: groupID, Requests: rs, Total: total, CanEdit: currentUser(c).CanEdit()}, err
}

func (h *Handler) inboxShow(c echo.Context) error {
	v, err := h.requestsView(c, 0)
	if err != nil {
		return err
	}
	return h.page(c, http.StatusOK, "Requests inbox", "requests", views.Inbox(v))
}

func (h *Handler) inboxRows(c echo.Context) error {
	v, err := h.requestsView(c, 0)
	if err != nil {
		return err
	}
	return h.fragment(c, views.RequestList(v))
}

func (h *Handler) groupRequests(c echo.Context) error {
	g, err := h.loadGroup(c)
	if err != nil {
		return err
	}
	v, err := h.requestsView(c, g.ID)
	if err != nil {
		return err
	}
	v.CanEdit = v.CanEdit && views.ChangeRefusal(g) == "" // WhatsApp would refuse the decisions
	return h.fragment(c, views.RequestList(v))
}

// groupRequestsSync reads the pending requests from WhatsApp, so requests
// whose webhook was missed still show up.
func (h *Handler) groupRequestsSync(c echo.Context) error {
	ctx := c.Request().Context()
	g, err := h.activeGroup(c)
	if err != nil {
		return err
	}
	var list []store.PendingFromAPI
	after := ""
	for page := 0; page < 20; page++ {
		rs, next, err := h.WA.JoinRequests(ctx, g.WaGroupID, whatsapp.ListGroupsOptions{Limit: 100, After: after})
		if err != nil {
			return echo.NewHTTPError(http.StatusFailedDependency, "Could not read the join requests from WhatsApp: "+humanErr(err))
		}
		for _, r := range rs {
			list = append(list, store.PendingFromAPI{JoinRequestID: r.ID, WaID: r.WaID, UserID: r.UserID, CreatedAt: r.CreatedAt * 1000})
		}
		if next == "" {
			break
		}
		after = next
	}
	if err := h.Store.SyncJoinRequests(ctx, g.ID, list); err != nil {
		return err
	}
	h.Notify.PartsChanged(store.PartRequests|store.PartActivity, g.ID)
	return h.groupRequests(c)
}

// requestsDecide approves or rejects one request, a selection, or all
// shown. Anything but a single request is confirmed first with its count.
// The API takes one group per call, so requests are batched by group.
func (h *Handler) requestsDecide(c echo.Context) error {
	ctx := c.Request().Context()
	form, err := c.FormParams()
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "The form could not be read.")
	}
	action, which, _ := strings.Cut(c.FormValue("do"), ":")
	if action != "approve" && action != "reject" {
		return echo.NewHTTPError(http.StatusBadRequest, "Choose approve or reject.")
	}
	groupID, _ := strconv.ParseInt(c.FormValue("group"), 10, 64)
	target := "#inbox-confirm"
	if groupID != 0 {
		target = "#requests-confirm"
	}
	var raw []string
	single := false
	switch which {
	case "selected":
		raw = form["id"]
	case "all":
		raw = form["shown"]
	default:
		raw, single = []string{which}, true
	}
	var ids []int64
	for _, s := range raw {
		if id, err := strconv.ParseInt(s, 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	reqs, err := h.Store.JoinRequestsByID(ctx, ids)
	if err != nil {
		return err
	}
	if groupID != 0 {
		kept := reqs[:0]
		for _, r := range reqs {
			if r.GroupID == groupID {
				kept = append(kept, r)
			}
		}
		reqs = kept
	}
	if len(reqs) == 0 {
		return h.fragmentStatus(c, http.StatusUnprocessableEntity, views.ActionResult("", nil,
			"Nothing to do: tick some requests first (or they were already handled)."))
	}
	if !single {
		// More than one request: review first, and act only on exactly
		// the reviewed ones.
		r, err := h.decideReview(c, action, target, groupID, reqs)
		if err != nil {
			return err
		}
		token := c.FormValue("review")
		if !h.reviewed(token, "requests-"+action, currentUser(c).ID, nil, decideItems(r.Act)) || len(r.Act) == 0 {
			if token != "" {
				// 200, not 409: htmx would treat the new review as an error.
				r.Changed = fmt.Sprintf("Nothing was done: of the %s requests you reviewed, %d can still be decided (the others were handled, withdrawn, or their group changed meanwhile). Check and confirm again.",
					c.FormValue("reviewed"), len(r.Act))
			}
			return h.fragment(c, views.DecideConfirm(r))
		}
		reqs = r.Act
	}
	done, failures := h.decide(c, action, reqs)
	notice := fmt.Sprintf("%s %d of %d.", map[string]string{"approve": "Approved", "reject": "Rejected"}[action], done, len(reqs))
	return h.fragment(c, views.ActionResult(notice, failures, ""))
}

// decideReview splits the requests into those that can be decided and
// those skipped because their group cannot take the decision now.
func (h *Handler) decideReview(c echo.Context, action, target string, groupID int64, reqs []store.JoinRequest) (views.DecideReview, error) {
	r := views.DecideReview{Action: action, Target: target, GroupID: groupID}
	groups := map[int64]bool{}
	status := map[int64]string{}
	for _, jr := range reqs {
		why, ok := status[jr.GroupID]
		if !ok {
			g, err := h.Store.GroupByID(c.Request().Context(), jr.GroupID)
			if err != nil {
				return r, err
			}
			switch {
			case g.Status == store.GroupDeleted || g.Status == store.GroupDeleting:
				why = "the group is deleted"
			case g.Status != store.GroupActive:
				why = "the group is not active"
			case g.Suspended:
				why = "WhatsApp suspended the group"
			case action == "approve" && g.ParticipantCount >= store.MaxParticipants:
				why = "the group is full (8 people)"
			}
			status[jr.GroupID] = why
		}
		if why != "" {
			r.Skipped = append(r.Skipped, views.SkippedRequest{Request: jr, Reason: why})
			continue
		}
		r.Act = append(r.Act, jr)
		groups[jr.GroupID] = true
	}
	r.Groups = len(groups)
	r.Token = h.reviewToken("requests-"+action, currentUser(c).ID, nil, decideItems(r.Act))
	return r, nil
}

func decideItems(reqs []store.JoinRequest) []string {
	out := make([]string, len(reqs))
	for i, r := range reqs {
		out[i] = strconv.FormatInt(r.ID, 10)
	}
	return out
}

func (h *Handler) decide(c echo.Context, action string, reqs []store.JoinRequest) (int, []views.ItemFailure) {
	done, fails := h.ops.Decide(c.Request().Context(), currentUser(c).ID, action, reqs)
	failures := make([]views.ItemFailure, len(fails))
	for i, f := range fails {
		who := "groupdeck"
		if r := f.Request; r != nil {
			who = views.Phone(r.WaID) + " (" + r.GroupSubject + ")"
		}
		failures[i] = views.ItemFailure{Who: who, Reason: f.Reason}
	}
	return done, failures
}
