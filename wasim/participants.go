package wasim

import (
	"encoding/json"
	"net/http"
	"slices"
)

type participantRef struct {
	User   string `json:"user"`
	UserID string `json:"user_id"`
}

// handleRemoveParticipants validates synchronously and removes
// asynchronously: the outcome, including per-user failures, only arrives in
// the group_participants_remove webhook (docs/cloud-api.md#remove-participants).
func (s *Server) handleRemoveParticipants(r *http.Request, id string) (int, any, *apiError) {
	var body struct {
		MessagingProduct string            `json:"messaging_product"`
		Participants     []json.RawMessage `json:"participants"`
	}
	if err := decodeBody(r, &body); err != nil {
		return 0, nil, err
	}
	if err := checkProduct(body.MessagingProduct, false); err != nil {
		return 0, nil, err
	}
	switch n := len(body.Participants); {
	case n == 0:
		return 0, nil, errParam("participants must be a non-empty array")
	case n > maxParticipants:
		return 0, nil, newErr(CodeParticipantOverlimit, "At most %d participants can be removed per request.", maxParticipants)
	}
	refs := make([]participantRef, len(body.Participants))
	for i, raw := range body.Participants {
		if json.Unmarshal(raw, &refs[i]) != nil || (refs[i].User == "") == (refs[i].UserID == "") {
			return 0, nil, errParam("each participant needs exactly one of user or user_id")
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	// Resolve to wa_ids for duplicate detection: "+1650…" and "1650…" or a
	// BSUID of the same user all name one participant.
	seen := map[string]bool{}
	resolved := make([]string, len(refs))
	for i, p := range refs {
		key := normalizePhone(p.User)
		if p.UserID != "" {
			key = s.waIDForBSUID(p.UserID)
		}
		if seen[key] {
			return 0, nil, newErr(CodeDuplicateParticipant, "The participants array contains duplicates.")
		}
		seen[key] = true
		resolved[i] = key
	}
	g, err := s.groupOp(id, false)
	if err != nil {
		return 0, nil, err
	}
	reqID := s.ids.requestID()
	s.after(s.cfg.webhookDelay(), func() {
		ev := map[string]any{"group_id": g.id, "type": "group_participants_remove", "request_id": reqID, "initiated_by": "business"}
		if g.deleted {
			ev["errors"] = []any{errUnknownGroup().object()}
			s.emitGroupEvent("group_participants_update", ev)
			return
		}
		removed, failed := []any{}, []any{}
		for i, p := range refs {
			input := p.User
			if p.UserID != "" {
				input = p.UserID
			}
			wa := resolved[i]
			if !g.isMember(wa) {
				e := newErr(CodeNotParticipant, "%s is not a participant of the group.", input)
				failed = append(failed, map[string]any{"input": input, "errors": []any{e.object()}})
				continue
			}
			g.members = slices.DeleteFunc(g.members, func(m string) bool { return m == wa })
			g.removed[wa] = true
			removed = append(removed, map[string]any{"input": input})
		}
		// docs/cloud-api.md#group_participants_update: the total-failure sample has only failed_participants,
		// and 131201 ("partially succeeded") belongs to partial failure; when
		// nobody was removed the top-level error is the per-item one.
		if len(removed) > 0 {
			ev["removed_participants"] = removed
		}
		switch {
		case len(failed) > 0 && len(removed) > 0:
			ev["failed_participants"] = failed
			ev["errors"] = []any{errorObject{
				Code: CodePartialSuccess, Message: "Failed to remove some participants from the group",
				Title:     "Not All Participants Remove Succeeded",
				ErrorData: map[string]any{"details": "Some participants could not be removed; see failed_participants."},
			}}
		case len(failed) > 0:
			ev["failed_participants"] = failed
			ev["errors"] = []any{errorObject{
				Code: CodeNotParticipant, Message: "Failed to remove participants from the group",
				Title:     errTitles[CodeNotParticipant],
				ErrorData: map[string]any{"details": "None of the participants could be removed; see failed_participants."},
			}}
		}
		s.emitGroupEvent("group_participants_update", ev)
	})
	return http.StatusOK, map[string]any{"messaging_product": "whatsapp", "request_id": reqID}, nil
}

func (s *Server) waIDForBSUID(id string) string {
	for wa, u := range s.users {
		if u.UserID == id {
			return wa
		}
	}
	return id
}
