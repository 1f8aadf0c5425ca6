package wasim

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// User is a simulated WhatsApp user.
type User struct {
	WaID string `json:"wa_id"`
	Name string `json:"name"`
	// UserID is the BSUID: the user's country code (from the number's
	// calling code), a dot and digits, e.g. "BR.1502576394655843".
	UserID       string `json:"user_id,omitempty"`
	ParentUserID string `json:"parent_user_id,omitempty"` // "BR.ENT.…", minted with Config.ParentBSUID
	Username     string `json:"username,omitempty"`       // optional; only some users adopt one
	// PhoneHidden marks a user whose phone number cannot be shared with the
	// business (BSUID rollout, docs/cloud-api.md#identifiers). With Config.BSUID
	// on, webhooks and API answers then omit wa_id, from and
	// recipient_participant_id and identify the user by user_id alone.
	PhoneHidden bool `json:"phone_hidden,omitempty"`
}

// InboxItem is a message a simulated user received: a group send, or a 1:1
// message such as the invite-link template (Text then holds the link).
type InboxItem struct {
	ID      string    `json:"id"`
	GroupID string    `json:"group_id,omitempty"`
	From    string    `json:"from"`
	Type    string    `json:"type"`
	Text    string    `json:"text"`
	At      time.Time `json:"at"`
}

type simUser struct {
	User
	inbox []InboxItem
}

type joinRequest struct {
	id      string
	waID    string
	created time.Time
}

// TapResult is the outcome of a user tapping an invite link.
type TapResult string

const (
	TapJoined        TapResult = "joined"
	TapRequested     TapResult = "requested"
	TapAlreadyMember TapResult = "already_member"
)

// AddUser registers a simulated user; calling it again with the same WaID
// returns the existing user unchanged so setup code can be repeated.
func (s *Server) AddUser(u User) User {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addUser(u)
}

func (s *Server) addUser(u User) User {
	u.WaID = normalizePhone(u.WaID)
	if u.WaID == "" {
		// A username user with no phone the business may see: the
		// simulated world still needs a number to key them by.
		u.WaID, u.PhoneHidden = "1999"+s.ids.digits(8), true
	}
	if old := s.users[u.WaID]; old != nil {
		return old.User
	}
	country := countryOf(u.WaID)
	if u.UserID == "" {
		u.UserID = s.ids.bsuid(country)
	}
	if u.ParentUserID == "" && s.cfg.ParentBSUID {
		u.ParentUserID = s.ids.parentBSUID(country)
	}
	if u.Name == "" && u.Username == "" {
		u.Name = "User " + u.WaID // a username user may leave the profile name empty
	}
	s.users[u.WaID] = &simUser{User: u}
	return u
}

// Users lists the simulated users ordered by wa_id.
func (s *Server) Users() []User {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]User, 0, len(s.users))
	for _, u := range s.users {
		out = append(out, u.User)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].WaID < out[j].WaID })
	return out
}

func normalizePhone(s string) string { return strings.TrimPrefix(strings.TrimSpace(s), "+") }

// Tap simulates the user tapping an invite link. Refusals come back as
// errors worded like what WhatsApp shows the user.
func (s *Server) Tap(waID, link string) (TapResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	waID = normalizePhone(waID)
	if s.users[waID] == nil {
		return "", fmt.Errorf("unknown user %s: add the user first", waID)
	}
	linkID, ok := strings.CutPrefix(strings.TrimSpace(link), "https://chat.whatsapp.com/")
	if !ok || linkID == "" {
		return "", fmt.Errorf("%q is not a WhatsApp invite link", link)
	}
	g := s.links[linkID]
	if g == nil {
		if why, dead := s.deadLinks[linkID]; dead {
			return "", fmt.Errorf("this invite link is no longer valid: %s", why)
		}
		return "", errors.New("this invite link does not exist")
	}
	switch {
	case g.suspended:
		return "", errors.New("this group is suspended and cannot be joined")
	case g.isMember(waID):
		return TapAlreadyMember, nil
	case g.removed[waID]:
		return "", errors.New("you can't join this group because you were removed by the business")
	case len(g.members) >= maxParticipants:
		return "", errors.New("this group is full")
	}
	if g.mode == "approval_required" {
		for _, jr := range g.requests {
			if jr.waID == waID {
				return TapRequested, nil
			}
		}
		jr := &joinRequest{id: s.ids.joinRequestID(waID, g.jid), waID: waID, created: s.now()}
		g.requests = append(g.requests, jr)
		ev := s.userRef(waID, "wa_id")
		ev["group_id"], ev["type"], ev["reason"], ev["join_request_id"] = g.id, "group_join_request_created", "admin_approval", jr.id
		s.emitGroupEvent("group_participants_update", ev)
		return TapRequested, nil
	}
	g.members = append(g.members, waID)
	s.emitGroupEvent("group_participants_update", map[string]any{
		"group_id":           g.id,
		"type":               "group_participants_add",
		"reason":             "invite_link",
		"added_participants": []any{s.userRef(waID, "wa_id")},
	})
	return TapJoined, nil
}

// CancelRequest withdraws the user's pending join request
// (group_join_request_revoked; the reason mirrors the created event).
func (s *Server) CancelRequest(waID, groupID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	waID = normalizePhone(waID)
	g := s.groups[groupID]
	if g == nil || g.deleted {
		return errors.New("unknown group")
	}
	i := slices.IndexFunc(g.requests, func(jr *joinRequest) bool { return jr.waID == waID })
	if i < 0 {
		return fmt.Errorf("user %s has no pending join request in this group", waID)
	}
	jr := g.requests[i]
	g.requests = slices.Delete(g.requests, i, i+1)
	ev := s.userRef(waID, "wa_id")
	ev["group_id"], ev["type"], ev["reason"], ev["join_request_id"] = g.id, "group_join_request_revoked", "admin_approval", jr.id
	s.emitGroupEvent("group_participants_update", ev)
	return nil
}

// Leave makes the user exit the group on their own. Unlike a removal by the
// business, this does not block rejoining.
func (s *Server) Leave(waID, groupID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	waID = normalizePhone(waID)
	g := s.groups[groupID]
	if g == nil || g.deleted {
		return errors.New("unknown group")
	}
	if !g.isMember(waID) {
		return fmt.Errorf("user %s is not in this group", waID)
	}
	g.members = slices.DeleteFunc(g.members, func(m string) bool { return m == waID })
	s.emitGroupEvent("group_participants_update", map[string]any{
		"group_id":             g.id,
		"type":                 "group_participants_remove",
		"initiated_by":         "participant",
		"removed_participants": []any{s.userRef(waID, "wa_id")},
	})
	return nil
}

// Inbox returns what the user received, oldest first.
func (s *Server) Inbox(waID string) []InboxItem {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.users[normalizePhone(waID)]
	if u == nil {
		return nil
	}
	return slices.Clone(u.inbox)
}

func (s *Server) deliverToInbox(waID string, it InboxItem) {
	if u := s.users[waID]; u != nil {
		u.inbox = append(u.inbox, it)
	}
}
