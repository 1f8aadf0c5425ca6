package wasim

import (
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// group is the state model of one group (docs/cloud-api.md#state-model).
type group struct {
	id, jid     string
	seq         int // creation order; paging cursors point at it so deletes don't shift pages
	subject     string
	description string
	mode        string // auto_approve | approval_required
	created     time.Time
	suspended   bool
	deleted     bool
	photo       *mediaObject
	link        string   // live invite link ID, "" after DELETE /invite_link
	members     []string // wa_ids in join order, business excluded
	removed     map[string]bool
	requests    []*joinRequest // pending only
	pinned      []string       // wamids, oldest first
	lastInbound time.Time      // opens the group customer-service window
	sends       []*sentMessage // business messages, for read-up-to semantics
}

const maxParticipants = 8

func (g *group) isMember(waID string) bool { return slices.Contains(g.members, waID) }

func (g *group) inviteLink() string {
	if g.link == "" {
		return ""
	}
	return "https://chat.whatsapp.com/" + g.link
}

func (g *group) inWindow(now time.Time) bool {
	return !g.lastInbound.IsZero() && now.Sub(g.lastInbound) < 24*time.Hour
}

type createRequest struct {
	MessagingProduct string  `json:"messaging_product"`
	Subject          *string `json:"subject"`
	Description      *string `json:"description"`
	JoinApprovalMode string  `json:"join_approval_mode"`
}

func validSubject(p *string, required bool) (string, *apiError) {
	if p == nil {
		if required {
			return "", errParam("subject is required")
		}
		return "", nil
	}
	v := strings.TrimSpace(*p)
	if v == "" {
		return "", errParam("subject must not be empty")
	}
	if utf8.RuneCountInString(v) > 128 {
		return "", errParam("subject must be at most 128 characters")
	}
	return v, nil
}

func validDescription(p *string) (string, *apiError) {
	if p == nil {
		return "", nil
	}
	if utf8.RuneCountInString(*p) > 2048 {
		return "", errParam("description must be at most 2048 characters")
	}
	return *p, nil
}

func (s *Server) handleCreateGroup(r *http.Request) (int, any, *apiError) {
	var req createRequest
	if err := decodeBody(r, &req); err != nil {
		return 0, nil, err
	}
	if err := checkProduct(req.MessagingProduct, true); err != nil {
		return 0, nil, err
	}
	subject, err := validSubject(req.Subject, true)
	if err != nil {
		return 0, nil, err
	}
	desc, err := validDescription(req.Description)
	if err != nil {
		return 0, nil, err
	}
	mode := req.JoinApprovalMode
	switch mode {
	case "":
		mode = "auto_approve"
	case "auto_approve", "approval_required":
	default:
		return 0, nil, errParam("join_approval_mode must be auto_approve or approval_required")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.countOp(); err != nil {
		return 0, nil, err
	}
	if s.cfg.CreationDisabled {
		return 0, nil, newErr(CodeGroupCreationDisabled, "Group creation is temporarily disabled: too many marketing messages were sent in customer service windows over the past 7 days.")
	}
	if s.activeGroups()+s.pendingCreates >= s.cfg.GroupCap {
		return 0, nil, newErr(CodeGroupCreateLimit, "This phone number reached its limit of %d groups.", s.cfg.GroupCap)
	}
	reqID := s.ids.requestID()
	s.pendingCreates++
	fail := s.cfg.FailCreates
	s.after(s.cfg.webhookDelay(), func() {
		s.pendingCreates--
		if fail {
			failedID, _ := s.ids.groupID(s.cfg.DisplayPhoneNumber)
			// docs/cloud-api.md#failed-create-and-group_id: Meta's failure sample carries a group_id
			// although no group exists; send one the API will not know.
			s.emitGroupEvent("group_lifecycle_update", map[string]any{
				"type": "group_create", "request_id": reqID, "subject": subject, "description": desc,
				"group_id": failedID,
				"errors":   []any{newErr(CodeGeneric, "The group could not be created.").object()},
			})
			return
		}
		g := s.newGroup(subject, desc, mode)
		s.emitGroupEvent("group_lifecycle_update", map[string]any{
			"group_id":           g.id,
			"type":               "group_create",
			"request_id":         reqID,
			"subject":            g.subject,
			"invite_link":        g.inviteLink(),
			"join_approval_mode": g.mode,
		})
	})
	return http.StatusOK, map[string]any{"messaging_product": "whatsapp", "request_id": reqID}, nil
}

func (s *Server) activeGroups() int {
	n := 0
	for _, g := range s.order {
		if !g.deleted {
			n++
		}
	}
	return n
}

// newGroup registers an active group; callers hold s.mu.
func (s *Server) newGroup(subject, desc, mode string) *group {
	id, jid := s.ids.groupID(s.cfg.DisplayPhoneNumber)
	g := &group{
		id: id, jid: jid, seq: len(s.order) + 1,
		subject: subject, description: desc, mode: mode,
		created: s.now(), removed: map[string]bool{},
		link: s.ids.linkID(),
	}
	s.groups[id] = g
	s.order = append(s.order, g)
	s.links[g.link] = g
	return g
}

var groupFields = []string{"subject", "description", "join_approval_mode", "suspended", "creation_timestamp", "participants", "total_participant_count"}

func (s *Server) handleGroupInfo(r *http.Request, id string) (int, any, *apiError) {
	var fields []string
	if f := r.URL.Query().Get("fields"); f != "" {
		for name := range strings.SplitSeq(f, ",") {
			name = strings.TrimSpace(name)
			if name == "" || name == "id" {
				continue
			}
			if !slices.Contains(groupFields, name) {
				return 0, nil, errParam("Tried accessing nonexisting field (%s) on node type (WhatsAppGroup)", name)
			}
			fields = append(fields, name)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	// Info stays readable while suspended: it is how the app sees "suspended".
	g, err := s.groupOp(id, true)
	if err != nil {
		return 0, nil, err
	}
	out := map[string]any{"messaging_product": "whatsapp", "id": g.id}
	for _, f := range fields {
		switch f {
		case "subject":
			out[f] = g.subject
		case "description":
			if g.description != "" {
				out[f] = g.description
			}
		case "join_approval_mode":
			out[f] = g.mode
		case "suspended":
			out[f] = g.suspended
		case "creation_timestamp":
			out[f] = g.created.Unix()
		case "participants":
			ps := []any{}
			for _, wa := range g.members {
				ps = append(ps, s.userRef(wa, "wa_id"))
			}
			out[f] = ps
		case "total_participant_count":
			out[f] = len(g.members)
		}
	}
	return http.StatusOK, out, nil
}

// userRef identifies a user the way participant lists and events do: wa_id,
// plus BSUID fields when that rollout is simulated.
func (s *Server) userRef(waID, key string) map[string]any {
	m := map[string]any{}
	if !s.phoneHidden(waID) {
		m[key] = waID
	}
	if s.cfg.BSUID {
		if u := s.users[waID]; u != nil {
			m["user_id"] = u.UserID
			if u.Username != "" {
				m["username"] = u.Username
			}
			if s.cfg.ParentBSUID && u.ParentUserID != "" {
				m["parent_user_id"] = u.ParentUserID
			}
		}
	}
	return m
}

// phoneHidden reports whether waID must not appear in what the business
// sees; callers hold s.mu.
func (s *Server) phoneHidden(waID string) bool {
	u := s.users[waID]
	return s.cfg.BSUID && u != nil && u.PhoneHidden
}

func (s *Server) handleListGroups(r *http.Request) (int, any, *apiError) {
	limit, after, before, err := s.pageParams(r)
	if err != nil {
		return 0, nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.countOp(); err != nil {
		return 0, nil, err
	}
	var active []*group
	for _, g := range s.order {
		if !g.deleted {
			active = append(active, g)
		}
	}
	sel, hasPrev, hasNext := page(active, func(g *group) int { return g.seq }, limit, after, before)
	list := []any{}
	first, last := 0, 0
	for i, g := range sel {
		if i == 0 {
			first = g.seq
		}
		last = g.seq
		list = append(list, map[string]any{"id": g.id, "subject": g.subject, "created_at": unixStr(g.created)})
	}
	return http.StatusOK, map[string]any{
		"data":   map[string]any{"groups": list},
		"paging": s.paging(r, limit, first, last, hasPrev, hasNext),
	}, nil
}

func (s *Server) handleDeleteGroup(id string) (int, any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupOp(id, false)
	if err != nil {
		return 0, nil, err
	}
	reqID := s.ids.requestID()
	s.after(s.cfg.webhookDelay(), func() {
		if g.deleted {
			s.emitGroupEvent("group_lifecycle_update", map[string]any{
				"group_id": g.id, "type": "group_delete", "request_id": reqID,
				"errors": []any{errUnknownGroup().object()},
			})
			return
		}
		s.deleteGroup(g)
		s.emitGroupEvent("group_lifecycle_update", map[string]any{
			"group_id": g.id, "type": "group_delete", "request_id": reqID,
		})
	})
	out := map[string]any{"success": true}
	if s.cfg.DeleteReturnsRequestID {
		out["messaging_product"] = "whatsapp"
		out["request_id"] = reqID
	}
	return http.StatusOK, out, nil
}

// deleteGroup removes everybody including the business; callers hold s.mu.
func (s *Server) deleteGroup(g *group) {
	g.deleted = true
	g.members = nil
	g.requests = nil
	if g.link != "" {
		delete(s.links, g.link)
		s.deadLinks[g.link] = "the group no longer exists"
		g.link = ""
	}
}
