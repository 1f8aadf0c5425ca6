package store

import (
	"context"
	"encoding/json"
	"fmt"
)

// PinCommands returns a group's pin and unpin commands that are still
// queued, being sent or failed, so the page can say what happened to them.
func (s *Store) PinCommands(ctx context.Context, groupID int64) ([]Message, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+messageCols+` FROM messages m
		WHERE m.group_id = ? AND m.kind IN ('pin', 'unpin') AND m.state <> 'sent'
		ORDER BY m.id DESC LIMIT 20`, groupID)
	if err != nil {
		return nil, fmt.Errorf("store: pin commands: %w", err)
	}
	out, err := scanMessages(rows, false)
	if err != nil {
		return nil, fmt.Errorf("store: pin commands: %w", err)
	}
	return out, nil
}

// MaxPins is how many messages WhatsApp keeps pinned in a group; pinning
// a fourth silently unpins the one pinned longest ago.
const MaxPins = 3

// applyPin updates the pinned message after a pin or unpin command was
// accepted. Other kinds are left alone.
func (t *Tx) applyPin(groupID int64, kind, payload string, at int64) error {
	if kind != KindPin && kind != KindUnpin {
		return nil
	}
	var p Payload
	if err := json.Unmarshal([]byte(payload), &p); err != nil {
		return fmt.Errorf("pin payload: %w", err)
	}
	if kind == KindUnpin {
		_, err := t.exec(`UPDATE messages SET pinned_at = 0, pinned_until = 0
			WHERE group_id = ? AND wamid = ?`, groupID, p.Target)
		return err
	}
	until := at + int64(p.Days)*24*60*60*1000
	if _, err := t.exec(`UPDATE messages SET pinned_at = ?, pinned_until = ?
		WHERE group_id = ? AND wamid = ?`, at, until, groupID, p.Target); err != nil {
		return err
	}
	_, err := t.exec(`UPDATE messages SET pinned_at = 0, pinned_until = 0
		WHERE group_id = ?1 AND pinned_until > ?2 AND id NOT IN (
			SELECT id FROM messages WHERE group_id = ?1 AND pinned_until > ?2
			ORDER BY pinned_at DESC, id DESC LIMIT ?3)`, groupID, at, MaxPins)
	return err
}

// Pinned returns the group's pinned messages, most recently pinned first.
func (s *Store) Pinned(ctx context.Context, groupID int64) ([]Message, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+messageCols+` FROM messages m
		WHERE m.group_id = ? AND m.pinned_until > 0 AND m.pinned_until > ? ORDER BY m.pinned_at DESC, m.id DESC`, groupID, s.now())
	if err != nil {
		return nil, fmt.Errorf("store: pinned: %w", err)
	}
	out, err := scanMessages(rows, false)
	if err != nil {
		return nil, fmt.Errorf("store: pinned: %w", err)
	}
	return out, nil
}
