package wasim

import (
	"errors"
	"slices"
	"time"
)

// GroupState is a snapshot of one group for tests and the /_sim API.
type GroupState struct {
	ID               string    `json:"id"`
	Subject          string    `json:"subject"`
	Description      string    `json:"description"`
	JoinApprovalMode string    `json:"join_approval_mode"`
	InviteLink       string    `json:"invite_link"`
	Suspended        bool      `json:"suspended"`
	Deleted          bool      `json:"deleted"`
	Participants     []User    `json:"participants"`
	Pending          []User    `json:"pending"`
	Removed          []string  `json:"removed"` // wa_ids the business removed; they can never rejoin
	Pinned           []string  `json:"pinned"`
	Created          time.Time `json:"created"`
}

func (s *Server) snapshot(g *group) GroupState {
	st := GroupState{
		ID: g.id, Subject: g.subject, Description: g.description, JoinApprovalMode: g.mode,
		InviteLink: g.inviteLink(), Suspended: g.suspended, Deleted: g.deleted, Created: g.created,
		Participants: []User{}, Pending: []User{}, Removed: []string{}, Pinned: slices.Clone(g.pinned),
	}
	for _, wa := range g.members {
		st.Participants = append(st.Participants, s.userOrStub(wa))
	}
	for _, jr := range g.requests {
		st.Pending = append(st.Pending, s.userOrStub(jr.waID))
	}
	for wa := range g.removed {
		st.Removed = append(st.Removed, wa)
	}
	slices.Sort(st.Removed)
	return st
}

func (s *Server) userOrStub(waID string) User {
	if u := s.users[waID]; u != nil {
		return u.User
	}
	return User{WaID: waID}
}

// Groups returns every group ever created, deleted ones included, in
// creation order.
func (s *Server) Groups() []GroupState {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]GroupState, 0, len(s.order))
	for _, g := range s.order {
		out = append(out, s.snapshot(g))
	}
	return out
}

// Group returns one group's snapshot.
func (s *Server) Group(groupID string) (GroupState, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.groups[groupID]
	if g == nil {
		return GroupState{}, false
	}
	return s.snapshot(g), true
}

// GroupsOf returns the active groups the user participates in.
func (s *Server) GroupsOf(waID string) []GroupState {
	s.mu.Lock()
	defer s.mu.Unlock()
	waID = normalizePhone(waID)
	var out []GroupState
	for _, g := range s.order {
		if !g.deleted && g.isMember(waID) {
			out = append(out, s.snapshot(g))
		}
	}
	return out
}

// SetSuspended toggles WhatsApp's suspension of a group and emits
// group_suspend or group_suspend_cleared.
func (s *Server) SetSuspended(groupID string, suspended bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.liveGroup(groupID)
	if err != nil {
		return err
	}
	if g.suspended == suspended {
		return nil
	}
	g.suspended = suspended
	typ := "group_suspend"
	if !suspended {
		typ = "group_suspend_cleared"
	}
	s.emitGroupEvent("group_status_update", map[string]any{"type": typ, "group_id": g.id})
	return nil
}

func (s *Server) liveGroup(groupID string) (*group, error) {
	g := s.groups[groupID]
	if g == nil || g.deleted {
		return nil, errors.New("unknown group")
	}
	return g, nil
}

// The Force* hooks change state behind the app's back, without webhooks, so
// reconciliation code can be tested against drift.

// ForceRemoveParticipant drops a member silently (not added to the removed set).
func (s *Server) ForceRemoveParticipant(groupID, waID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.liveGroup(groupID)
	if err != nil {
		return err
	}
	waID = normalizePhone(waID)
	if !g.isMember(waID) {
		return errors.New("not a participant")
	}
	g.members = slices.DeleteFunc(g.members, func(m string) bool { return m == waID })
	return nil
}

// ForceAddParticipant adds a user (registering it if needed), ignoring the
// invite link, approval and the removed set, but not the size cap.
func (s *Server) ForceAddParticipant(groupID string, u User) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.liveGroup(groupID)
	if err != nil {
		return err
	}
	u = s.addUser(u)
	if g.isMember(u.WaID) {
		return nil
	}
	if len(g.members) >= maxParticipants {
		return errors.New("group is full")
	}
	g.members = append(g.members, u.WaID)
	return nil
}

// ForceSubject renames the group silently.
func (s *Server) ForceSubject(groupID, subject string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.liveGroup(groupID)
	if err != nil {
		return err
	}
	g.subject = subject
	return nil
}

// ForceDelete deletes the group silently.
func (s *Server) ForceDelete(groupID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.liveGroup(groupID)
	if err != nil {
		return err
	}
	s.deleteGroup(g)
	return nil
}

// SentMessage is a message the business sent through the API, as recorded
// by the simulator. Exactly one of GroupID and To is set.
type SentMessage struct {
	ID       string    `json:"id"`
	GroupID  string    `json:"group_id,omitempty"`
	To       string    `json:"to,omitempty"`
	Type     string    `json:"type"`
	Text     string    `json:"text"`
	Category string    `json:"category,omitempty"` // pricing category chosen at send time
	At       time.Time `json:"at"`
}

// Sent lists every message the business sent, oldest first.
func (s *Server) Sent() []SentMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]SentMessage, 0, len(s.sentLog))
	for _, m := range s.sentLog {
		r := SentMessage{ID: m.id, To: m.to, Type: m.kind, Text: m.text, Category: m.category, At: m.at}
		if m.group != nil {
			r.GroupID = m.group.id
		}
		out = append(out, r)
	}
	return out
}
