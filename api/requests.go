package api

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"groupdeck/groupops"
)

// listJoinRequests lists pending requests of one group, or of every
// group on /join-requests.
func (a *API) listJoinRequests(c echo.Context) error {
	cur, limit, err := readPage(c)
	if err != nil {
		return err
	}
	var groupID int64
	if c.Param("id") != "" {
		g, err := a.group(c)
		if err != nil {
			return err
		}
		groupID = g.ID
	}
	rs, _, err := a.Store.PendingJoinRequests(c.Request().Context(), groupID, cur.Offset+limit+1)
	if err != nil {
		return err
	}
	out := make([]JoinRequest, len(rs))
	for i, r := range rs {
		out[i] = JoinRequest{ID: r.ID, GroupID: r.GroupID, Key: r.MemberKey, WaID: r.WaID, UserID: r.UserID, CreatedAt: ts(r.CreatedAt)}
	}
	return c.JSON(http.StatusOK, pageOf(out, cur, limit))
}

func (a *API) approveJoinRequests(c echo.Context) error { return a.decide(c, groupops.Approve) }

func (a *API) rejectJoinRequests(c echo.Context) error { return a.decide(c, groupops.Reject) }

// decide acts on exactly the named requests: an id that is not a pending
// request of the group refuses the whole call, so nothing is decided by
// mistake.
func (a *API) decide(c echo.Context, action string) error {
	g, err := a.activeGroup(c)
	if err != nil {
		return err
	}
	var in IDs
	if err := decode(c, &in); err != nil {
		return err
	}
	if len(in.IDs) == 0 {
		return invalid(map[string]string{"ids": "Name the join requests to " + action + "."})
	}
	reqs, err := a.Store.JoinRequestsByID(c.Request().Context(), in.IDs)
	if err != nil {
		return err
	}
	found := map[int64]bool{}
	for _, r := range reqs {
		if r.GroupID == g.ID {
			found[r.ID] = true
		}
	}
	for _, id := range in.IDs {
		if !found[id] {
			return invalid(map[string]string{"ids": fmt.Sprintf("%d is not a pending join request of this group (it may have been handled already).", id)})
		}
	}
	done, fails := a.Ops.Decide(c.Request().Context(), user(c).ID, action, reqs)
	out := Decision{Done: done, Failures: []DecisionFailure{}}
	for _, f := range fails {
		df := DecisionFailure{Reason: f.Reason}
		if f.Request != nil {
			df.ID = f.Request.ID
		}
		out.Failures = append(out.Failures, df)
	}
	return c.JSON(http.StatusOK, out)
}
