package store

import (
	"errors"
	"testing"
	"time"
)

// clockAt sets the store's clock to *ms and returns a function that moves
// it on, so tests decide what "now" is.
func clockAt(s *Store, ms int64) (advance func(d int64)) {
	s.Now = func() time.Time { return time.UnixMilli(ms) }
	return func(d int64) { ms += d }
}

// activeGroup creates a group and confirms it under WhatsApp id wa.
func activeGroup(t *testing.T, s *Store, wa string) int64 {
	t.Helper()
	g := &Group{Subject: "Group " + wa}
	if err := s.CreateGroup(t.Context(), g); err != nil {
		t.Fatal(err)
	}
	if _, err := s.WithTx(t.Context(), func(tx *Tx) error {
		return tx.GroupCreated(GroupCreatedEvent{GroupID: g.ID, WaGroupID: wa, At: 1})
	}); err != nil {
		t.Fatal(err)
	}
	return g.ID
}

func queueText(t *testing.T, s *Store, groupID int64) int64 {
	t.Helper()
	m := &Message{GroupID: groupID, Kind: KindText, Body: "hello"}
	if err := s.QueueMessage(t.Context(), m); err != nil {
		t.Fatal(err)
	}
	return m.ID
}

// claimID claims the next message: its id, or 0 when none is due.
func claimID(t *testing.T, s *Store) int64 {
	t.Helper()
	m, err := s.ClaimMessage(t.Context())
	if errors.Is(err, ErrNotFound) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	return m.ID
}

func message(t *testing.T, s *Store, groupID, id int64) *Message {
	t.Helper()
	m, err := s.MessageByID(t.Context(), groupID, id)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func withTx(t *testing.T, s *Store, fn func(*Tx) error) {
	t.Helper()
	if _, err := s.WithTx(t.Context(), fn); err != nil {
		t.Fatal(err)
	}
}
