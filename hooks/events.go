// Package hooks posts groupdeck's events to the endpoints admins register
// (outgoing webhooks): signed, retried with back-off for a day, and in
// order per group. Events are recorded by the code that makes the change,
// in its transaction (store.Tx.EmitHook); this package reads that outbox.
package hooks

import (
	"context"
	"encoding/json"
	"errors"
	"sync/atomic"

	"groupdeck/store"
)

// The events an endpoint can subscribe to.
const (
	MemberJoined       = "member.joined"
	MemberLeft         = "member.left"
	JoinRequestCreated = "join_request.created"
	MessageReceived    = "message.received"
	MessageReadByAll   = "message.read_by_all"
	GroupCreated       = "group.created"
	GroupDeleted       = "group.deleted"
	GroupSuspended     = "group.suspended"
	CampaignJoined     = "campaign.joined"
	TestEvent          = "test" // sent by "Send test event" only
)

// Kinds lists the subscribable events with what they mean, in the order
// the admin page offers them.
var Kinds = []struct{ Name, Label string }{
	{MemberJoined, "Someone joined a group"},
	{MemberLeft, "Someone left or was removed from a group"},
	{JoinRequestCreated, "Someone asked to join a group"},
	{MessageReceived, "A message was received in a group"},
	{MessageReadByAll, "A message you sent was read by every member"},
	{GroupCreated, "A group was created"},
	{GroupDeleted, "A group was deleted"},
	{GroupSuspended, "WhatsApp suspended a group"},
	{CampaignJoined, "Someone joined through a campaign"},
}

// ValidKind reports whether name is a subscribable event.
func ValidKind(name string) bool {
	for _, k := range Kinds {
		if k.Name == name {
			return true
		}
	}
	return false
}

// Subs is the set of events some enabled endpoint wants, kept in memory
// so code on the ingest path skips unwanted events without a query. A nil
// *Subs wants nothing.
//
// It also caches the admin setting that allows private targets.
type Subs struct {
	v            atomic.Pointer[map[string]bool]
	allowPrivate atomic.Bool
}

// SettingAllowPrivate is the settings key of "allow private and loopback
// targets" ("1" when allowed).
const SettingAllowPrivate = "hooks_allow_private"

// Load refreshes the set and the setting from the store; call it after
// either changes.
func (s *Subs) Load(ctx context.Context, st *store.Store) error {
	m, err := st.HookSubscriptions(ctx)
	if err != nil {
		return err
	}
	v, err := st.Setting(ctx, SettingAllowPrivate)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	s.v.Store(&m)
	s.allowPrivate.Store(string(v) == "1")
	return nil
}

// AllowPrivate reports whether an admin allowed private, loopback and
// link-local targets.
func (s *Subs) AllowPrivate() bool { return s != nil && s.allowPrivate.Load() }

// Wants reports whether some endpoint subscribes to kind.
func (s *Subs) Wants(kind string) bool {
	if s == nil {
		return false
	}
	m := s.v.Load()
	return m != nil && (*m)[kind]
}

// Any reports whether some enabled endpoint subscribes to anything: when
// none does, ingest records no events and the sender need not be woken.
func (s *Subs) Any() bool {
	if s == nil {
		return false
	}
	m := s.v.Load()
	return m != nil && len(*m) > 0
}

// Emit records an event in t when some endpoint wants it. data is
// marshalled to the event's "data" object.
func (s *Subs) Emit(t *store.Tx, kind string, groupID int64, at int64, data any) error {
	if !s.Wants(kind) {
		return nil
	}
	return EmitOnce(t, kind, groupID, at, "", data)
}

// EmitOnce is Emit for an event that must be sent once per key.
func EmitOnce(t *store.Tx, kind string, groupID, at int64, once string, data any) error {
	b, err := json.Marshal(data)
	if err != nil {
		return err
	}
	return t.EmitHook(store.HookEvent{Kind: kind, GroupID: groupID, Once: once, Data: b, At: at})
}
