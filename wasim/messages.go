package wasim

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

// sendRequest is the subset of the Messages API body the simulator reads.
// Per-type objects stay raw so each type validates its own shape.
type sendRequest struct {
	MessagingProduct string                     `json:"messaging_product"`
	RecipientType    string                     `json:"recipient_type"`
	To               string                     `json:"to"`
	Recipient        string                     `json:"recipient"` // a BSUID, instead of to (1:1 only)
	Type             string                     `json:"type"`
	Status           string                     `json:"status"`
	MessageID        string                     `json:"message_id"`
	Raw              map[string]json.RawMessage `json:"-"`
}

type mediaPayload struct {
	ID       string  `json:"id"`
	Link     string  `json:"link"`
	Caption  *string `json:"caption"`
	Filename string  `json:"filename"`
}

type templatePayload struct {
	Name     string `json:"name"`
	Language struct {
		Code string `json:"code"`
	} `json:"language"`
	Components []struct {
		Type       string `json:"type"`
		Parameters []struct {
			Type    string `json:"type"`
			Text    string `json:"text"`
			GroupID string `json:"group_id"`
		} `json:"parameters"`
	} `json:"components"`
}

type pinPayload struct {
	Type           string `json:"type"`
	MessageID      string `json:"message_id"`
	ExpirationDays int    `json:"expiration_days"`
}

// sentMessage is a business message and its per-recipient delivery state.
type sentMessage struct {
	id       string
	group    *group // nil for 1:1 sends
	to       string // wa_id for 1:1 sends
	toUserID string // the BSUID a 1:1 send was addressed to with "recipient"
	kind     string
	text     string
	category string // pricing category, decided at send time
	callback string // biz_opaque_callback_data, echoed on every status
	priceTyp string // regular | free_group_customer_service
	convID   string // conversation.id for ≤v23.0-style statuses
	recips   map[string]*recipState
	order    []string // recipients in membership order, for stable output
	at       time.Time
}

type recipState struct{ delivered, read, priced bool }

// groupTypes are the message types Meta lists as supported in groups.
var groupTypes = map[string]bool{
	"text": true, "image": true, "video": true, "audio": true, "document": true,
	"sticker": true, "template": true, "pin": true,
}

func (s *Server) handleMessages(r *http.Request) (int, any, *apiError) {
	var raw map[string]json.RawMessage
	if err := decodeBody(r, &raw); err != nil {
		return 0, nil, err
	}
	var req sendRequest
	b, _ := json.Marshal(raw)
	if err := json.Unmarshal(b, &req); err != nil {
		return 0, nil, errParam("Invalid message body: %v", err)
	}
	req.Raw = raw
	if err := checkProduct(req.MessagingProduct, true); err != nil {
		return 0, nil, err
	}
	if req.Status != "" {
		return s.markRead(req)
	}
	if req.Recipient != "" {
		return s.sendToBSUID(req)
	}
	if req.To == "" {
		return 0, nil, errParam("to is required")
	}
	if err := s.admitSend(req.To); err != nil {
		return 0, nil, err
	}
	switch req.RecipientType {
	case "group":
		return s.sendToGroup(req)
	case "", "individual":
		if s.looksLikeGroup(req.To) {
			return 0, nil, errParam("recipient_type must be \"group\" when to is a group ID")
		}
		if !isPhone(req.To) {
			return 0, nil, errParam("to must be a phone number or WhatsApp ID")
		}
		return s.sendToUser(req)
	}
	return 0, nil, errParam("recipient_type must be individual or group")
}

func isPhone(s string) bool {
	s = normalizePhone(s)
	if len(s) < 5 || len(s) > 20 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func (s *Server) looksLikeGroup(to string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.groups[to] != nil || strings.HasPrefix(to, graphB64("capi_group:")[:12])
}

func (s *Server) markRead(req sendRequest) (int, any, *apiError) {
	if req.Status != "read" {
		return 0, nil, errParam("status must be \"read\"")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.inbound[req.MessageID] == nil && s.msgs[req.MessageID] == nil {
		return 0, nil, newErr(CodeInvalidValue, "message_id %q is not a valid message ID", req.MessageID)
	}
	// Accepted but invisible: docs/cloud-api.md#mark-as-read: no observable effect.
	return http.StatusOK, map[string]any{"success": true}, nil
}

// content validates the per-type object and returns a text rendering for
// inboxes; caption rules follow docs/cloud-api.md#media-rules.
func (s *Server) content(req sendRequest) (string, *apiError) {
	obj, ok := req.Raw[req.Type]
	if !ok {
		return "", errParam("%s object is required for type %s", req.Type, req.Type)
	}
	switch req.Type {
	case "text":
		var t struct {
			Body string `json:"body"`
		}
		if json.Unmarshal(obj, &t) != nil || strings.TrimSpace(t.Body) == "" {
			return "", errParam("text.body is required")
		}
		if utf8.RuneCountInString(t.Body) > 4096 {
			return "", errParam("text.body must be at most 4096 characters")
		}
		return t.Body, nil
	case "image", "video", "audio", "document", "sticker":
		var m mediaPayload
		if json.Unmarshal(obj, &m) != nil {
			return "", errParam("%s must be an object", req.Type)
		}
		if (m.ID == "") == (m.Link == "") {
			return "", errParam("%s needs exactly one of id or link", req.Type)
		}
		if m.Caption != nil {
			if req.Type == "audio" || req.Type == "sticker" {
				return "", errParam("%s messages do not take a caption", req.Type)
			}
			if utf8.RuneCountInString(*m.Caption) > 1024 {
				return "", errParam("caption must be at most 1024 characters")
			}
		}
		if m.Filename != "" && req.Type != "document" {
			return "", errParam("filename is only valid for documents")
		}
		if m.ID != "" {
			s.mu.Lock()
			_, known := s.media[m.ID]
			s.mu.Unlock()
			if !known {
				return "", newErr(CodeInvalidValue, "media id %q is not a valid uploaded media ID", m.ID)
			}
		} else if !strings.HasPrefix(m.Link, "http://") && !strings.HasPrefix(m.Link, "https://") {
			return "", errParam("link must be an http(s) URL")
		}
		if m.Caption != nil {
			return *m.Caption, nil
		}
		return "", nil
	case "template":
		s.mu.Lock()
		t, err := s.checkTemplate(obj)
		s.mu.Unlock()
		if err != nil {
			return "", err
		}
		return "template " + t.name, nil
	}
	return "", errParam("Unsupported message type %q", req.Type)
}

func parseTemplate(obj json.RawMessage) (templatePayload, *apiError) {
	var t templatePayload
	if json.Unmarshal(obj, &t) != nil || t.Name == "" || t.Language.Code == "" {
		return t, errParam("template.name and template.language.code are required")
	}
	return t, nil
}

// templateCategory is the category of the account's template of that name
// (lower case, as pricing spells it); checkTemplate has already refused
// unknown ones. Called with s.mu held.
func (s *Server) templateCategory(t templatePayload) string {
	if st := s.findTemplate(t.Name, t.Language.Code); st != nil {
		return strings.ToLower(st.category)
	}
	return "utility"
}

func (s *Server) sendToGroup(req sendRequest) (int, any, *apiError) {
	if !groupTypes[req.Type] {
		return 0, nil, errParam("Message type %q is not supported in groups", req.Type)
	}
	var pin pinPayload
	text := ""
	if req.Type == "pin" {
		if json.Unmarshal(req.Raw["pin"], &pin) != nil || pin.MessageID == "" {
			return 0, nil, errParam("pin.message_id is required")
		}
		switch {
		case pin.Type != "pin" && pin.Type != "unpin":
			return 0, nil, errParam("pin.type must be pin or unpin")
		case pin.Type == "pin" && (pin.ExpirationDays < 1 || pin.ExpirationDays > 30):
			return 0, nil, errParam("pin.expiration_days must be between 1 and 30")
		}
	} else {
		var err *apiError
		if text, err = s.content(req); err != nil {
			return 0, nil, err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cfg.Ineligible {
		return 0, nil, newErr(CodeNumberNotEligible, "This phone number is not eligible for the Groups API.")
	}
	g := s.groups[req.To]
	if g == nil || g.deleted {
		return 0, nil, errUnknownGroup()
	}
	if g.suspended {
		return 0, nil, errSuspended()
	}
	if len(g.members) == 0 {
		return 0, nil, newErr(CodeNoParticipants, "Cannot send messages to single member groups.")
	}
	now := s.now()
	m := &sentMessage{id: s.ids.messageID(), group: g, kind: req.Type, text: text, recips: map[string]*recipState{}, at: now}
	if req.Type == "pin" {
		if s.msgs[pin.MessageID] == nil && s.inbound[pin.MessageID] == nil {
			return 0, nil, newErr(CodeInvalidValue, "message_id %q is not a message of this group", pin.MessageID)
		}
		s.applyPin(g, pin)
	} else {
		m.category, m.priceTyp = s.groupPricing(req, g.inWindow(now))
		for _, wa := range g.members {
			m.recips[wa] = &recipState{}
			m.order = append(m.order, wa)
			s.deliverToInbox(wa, InboxItem{ID: m.id, GroupID: g.id, From: s.cfg.DisplayPhoneNumber, Type: req.Type, Text: text, At: now})
		}
		g.sends = append(g.sends, m)
	}
	s.record(m, req)
	return http.StatusOK, map[string]any{
		"messaging_product": "whatsapp",
		"contacts":          []any{map[string]any{"input": g.id, "wa_id": g.id}},
		"messages":          []any{map[string]any{"id": m.id, "group_id": g.id}},
	}, nil
}

// record registers an accepted send and starts its status lifecycle.
func (s *Server) record(m *sentMessage, req sendRequest) {
	if raw, ok := req.Raw["biz_opaque_callback_data"]; ok {
		_ = json.Unmarshal(raw, &m.callback)
	}
	m.convID = s.ids.token(32)
	s.msgs[m.id] = m
	s.sentLog = append(s.sentLog, m)
	s.scheduleStatuses(m)
}

// groupPricing implements docs/cloud-api.md#pricing: non-template → group_service; templates by
// templateCategory. Inside the group window service and utility are free;
// marketing is always billable.
func (s *Server) groupPricing(req sendRequest, inWindow bool) (category, typ string) {
	category = "group_service"
	if req.Type == "template" {
		t, _ := parseTemplate(req.Raw["template"])
		category = "group_" + s.templateCategory(t)
	}
	typ = "regular"
	if inWindow && category != "group_marketing" {
		typ = "free_group_customer_service"
	}
	return category, typ
}

// applyPin keeps at most three pins; a fourth silently unpins the oldest.
func (s *Server) applyPin(g *group, p pinPayload) {
	for i, id := range g.pinned {
		if id == p.MessageID {
			g.pinned = append(g.pinned[:i], g.pinned[i+1:]...)
			break
		}
	}
	if p.Type == "unpin" {
		return
	}
	g.pinned = append(g.pinned, p.MessageID)
	if len(g.pinned) > 3 {
		g.pinned = g.pinned[len(g.pinned)-3:]
	}
}

// sendToUser handles 1:1 sends; the one that matters for groups is the
// invite-link template whose group_id parameter becomes the live link.
func (s *Server) sendToUser(req sendRequest) (int, any, *apiError) {
	text, err := s.content(req)
	if err != nil {
		return 0, nil, err
	}
	wa := normalizePhone(req.To)
	s.mu.Lock()
	defer s.mu.Unlock()
	if req.Recipient != "" {
		wa = s.waIDForBSUID(req.Recipient)
		if s.users[wa] == nil {
			return 0, nil, newErr(CodeInvalidValue, "recipient %s is not a WhatsApp user of this business", req.Recipient)
		}
	}
	groupID := ""
	category := "service"
	if req.Type == "template" {
		t, _ := parseTemplate(req.Raw["template"])
		category = s.templateCategory(t)
		for _, c := range t.Components {
			for _, p := range c.Parameters {
				if p.Type != "group_id" {
					continue
				}
				g := s.groups[p.GroupID]
				if g == nil || g.deleted {
					return 0, nil, errUnknownGroup()
				}
				if g.link == "" {
					return 0, nil, newErr(CodeInvalidValue, "group %s has no invite link; create one first", g.id)
				}
				groupID, text = g.id, g.inviteLink()
			}
		}
	}
	// Recipients the operator never registered become simulated users, so
	// an invite sent to any number can be tapped from the /_sim API.
	s.addUser(User{WaID: wa})
	now := s.now()
	m := &sentMessage{id: s.ids.messageID(), to: wa, toUserID: req.Recipient, kind: req.Type, text: text, category: category,
		priceTyp: "regular", recips: map[string]*recipState{wa: {}}, order: []string{wa}, at: now}
	s.deliverToInbox(wa, InboxItem{ID: m.id, GroupID: groupID, From: s.cfg.DisplayPhoneNumber, Type: req.Type, Text: text, At: now})
	s.record(m, req)
	// wa_id is only echoed when the send named a phone number.
	contact := map[string]any{"input": req.To, "wa_id": wa}
	if req.Recipient != "" {
		contact = map[string]any{"input": req.Recipient, "user_id": req.Recipient}
	}
	return http.StatusOK, map[string]any{
		"messaging_product": "whatsapp",
		"contacts":          []any{contact},
		"messages":          []any{map[string]any{"id": m.id}},
	}, nil
}
