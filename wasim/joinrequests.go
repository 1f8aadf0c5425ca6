package wasim

import (
	"net/http"
	"slices"
)

func (s *Server) handleListJoinRequests(r *http.Request, id string) (int, any, *apiError) {
	limit, after, before, err := s.pageParams(r)
	if err != nil {
		return 0, nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupOp(id, false)
	if err != nil {
		return 0, nil, err
	}
	// Requests are numbered by position so cursors survive approvals of
	// earlier requests only approximately; Meta documents no stronger rule.
	idx := make([]int, len(g.requests))
	for i := range idx {
		idx[i] = i + 1
	}
	sel, hasPrev, hasNext := page(idx, func(i int) int { return i }, limit, after, before)
	data := []any{}
	first, last := 0, 0
	for k, i := range sel {
		if k == 0 {
			first = i
		}
		last = i
		jr := g.requests[i-1]
		item := s.userRef(jr.waID, "wa_id")
		item["join_request_id"] = jr.id
		item["creation_timestamp"] = jr.created.Unix()
		data = append(data, item)
	}
	return http.StatusOK, map[string]any{"data": data, "paging": s.paging(r, limit, first, last, hasPrev, hasNext)}, nil
}

// handleDecideJoinRequests approves (POST) or rejects (DELETE). Approval adds
// the user at once (docs/cloud-api.md#approving-a-join-request) and emits group_participants_add;
// rejection is silent and the user may ask again.
func (s *Server) handleDecideJoinRequests(r *http.Request, id string) (int, any, *apiError) {
	var body struct {
		MessagingProduct string   `json:"messaging_product"`
		JoinRequests     []string `json:"join_requests"`
	}
	if err := decodeBody(r, &body); err != nil {
		return 0, nil, err
	}
	if err := checkProduct(body.MessagingProduct, false); err != nil {
		return 0, nil, err
	}
	if len(body.JoinRequests) == 0 {
		return 0, nil, errParam("join_requests must be a non-empty array of join request IDs")
	}
	approve := r.Method == http.MethodPost
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupOp(id, false)
	if err != nil {
		return 0, nil, err
	}
	done := []string{}
	var failed []any
	var added []any
	fail := func(jrID string, e *apiError) {
		failed = append(failed, map[string]any{"join_request_id": jrID, "errors": []any{e.object()}})
	}
	for _, jrID := range body.JoinRequests {
		i := slices.IndexFunc(g.requests, func(jr *joinRequest) bool { return jr.id == jrID })
		if i < 0 {
			fail(jrID, newErr(CodeJoinRequestUnknown, "Join request %s does not exist or was already handled.", jrID))
			continue
		}
		jr := g.requests[i]
		if approve {
			if len(g.members) >= maxParticipants {
				fail(jrID, newErr(CodeParticipantOverlimit, "The group already has the maximum of %d participants.", maxParticipants))
				continue
			}
			g.members = append(g.members, jr.waID)
			ref := s.userRef(jr.waID, "wa_id")
			ref["input"] = jr.waID
			if s.phoneHidden(jr.waID) {
				ref["input"] = s.users[jr.waID].UserID
			}
			added = append(added, ref)
		}
		g.requests = slices.Delete(g.requests, i, i+1)
		done = append(done, jrID)
	}
	key := "rejected_join_requests"
	if approve {
		key = "approved_join_requests"
	}
	out := map[string]any{"messaging_product": "whatsapp", key: done}
	status := http.StatusOK
	if len(failed) > 0 {
		out["failed_join_requests"] = failed
		top := newErr(CodePartialSuccess, "Not all join requests could be processed.")
		if len(done) == 0 {
			top = newErr(CodeGeneric, "None of the join requests could be processed.")
		} else {
			status = http.StatusPartialContent
		}
		out["errors"] = []any{top.object()}
	}
	if len(added) > 0 {
		s.emitGroupEvent("group_participants_update", map[string]any{
			"group_id": g.id, "type": "group_participants_add", "reason": "invite_link",
			"added_participants": added,
		})
	}
	return status, out, nil
}
