package wasim

import "net/http"

// handleInviteLink implements GET (read), POST (reset) and DELETE;
// docs/cloud-api.md#invite-link-verbs says both verb sets exist, so all three are served.
func (s *Server) handleInviteLink(r *http.Request, id string) (int, any, *apiError) {
	var body struct {
		MessagingProduct string `json:"messaging_product"`
	}
	if err := decodeBody(r, &body); err != nil {
		return 0, nil, err
	}
	if err := checkProduct(body.MessagingProduct, false); err != nil {
		return 0, nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupOp(id, false)
	if err != nil {
		return 0, nil, err
	}
	switch r.Method {
	case http.MethodGet:
		if g.link == "" {
			return 0, nil, newErr(CodeInvalidValue, "The group has no invite link; create one with POST /%s/invite_link.", g.id)
		}
	case http.MethodPost:
		s.killLink(g, "it was reset by the group admin")
		g.link = s.ids.linkID()
		s.links[g.link] = g
	case http.MethodDelete:
		s.killLink(g, "it was deleted by the group admin")
		return http.StatusOK, map[string]any{"messaging_product": "whatsapp", "success": true}, nil
	}
	return http.StatusOK, map[string]any{"messaging_product": "whatsapp", "invite_link": g.inviteLink()}, nil
}

func (s *Server) killLink(g *group, why string) {
	if g.link == "" {
		return
	}
	delete(s.links, g.link)
	s.deadLinks[g.link] = why
	g.link = ""
}
