package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
)

// BenchmarkGroupMessages measures the messaging queries of one group page
// (timeline of 100 with receipt counts, pins, pending pin commands, the
// service window) on a group with 8 participants and 5,000 messages, each
// outgoing one with 8 receipts.
func BenchmarkGroupMessages(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(b.TempDir(), "b.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	g := &Group{Subject: "Bench"}
	if err := s.CreateGroup(ctx, g); err != nil {
		b.Fatal(err)
	}
	if _, err := s.WithTx(ctx, func(t *Tx) error {
		if err := t.GroupCreated(GroupCreatedEvent{GroupID: g.ID, WaGroupID: "GB", InviteLink: "https://chat.whatsapp.com/b", At: 1}); err != nil {
			return err
		}
		for p := range 8 {
			if err := t.ParticipantJoined(g.ID, Member{WaID: fmt.Sprint(15550000000 + p)}, "invite_link", 1); err != nil {
				return err
			}
		}
		for i := range 5000 {
			wamid := fmt.Sprintf("wamid.%d", i)
			if i%2 == 1 {
				if err := t.InboundMessage(g.ID, wamid, "text", "hello", Member{WaID: "15550000001"}, int64(i)); err != nil {
					return err
				}
				continue
			}
			if _, err := t.tx.ExecContext(ctx, `INSERT INTO messages (group_id, direction, wamid, kind, body, state, created_at)
				VALUES (?, 'out', ?, 'text', 'hi', 'sent', ?)`, g.ID, wamid, i); err != nil {
				return err
			}
			for p := range 8 {
				if err := t.Receipt(ReceiptEvent{WAMID: wamid, Participant: fmt.Sprint(15550000000 + p), Status: "read", At: int64(i)}); err != nil {
					return err
				}
			}
		}
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if ms, err := s.Messages(ctx, g.ID, 100); err != nil || len(ms) != 100 {
			b.Fatal(len(ms), err)
		}
		if _, err := s.Pinned(ctx, g.ID); err != nil {
			b.Fatal(err)
		}
		if _, err := s.PinCommands(ctx, g.ID); err != nil {
			b.Fatal(err)
		}
		if _, err := s.LastInbound(ctx, g.ID); err != nil {
			b.Fatal(err)
		}
	}
}
