package store

import (
	"context"
	"encoding/json"
	"fmt"
)

// Messaging changes applied from webhooks, beside the ones in apply.go.

// MatchSend is told about every group status. A status for a message id
// no outgoing message has yet is kept, and paired with a message whose
// send answer was lost (see outbox.go); statuses of known ids are ignored.
func (t *Tx) MatchSend(wamid, waGroupID string, at int64) error {
	if wamid == "" || waGroupID == "" {
		return nil
	}
	var n int
	if err := t.queryRow(`SELECT count(*) FROM messages WHERE wamid = ?`, wamid).Scan(&n); err != nil {
		return fmt.Errorf("store: match send: %w", err)
	}
	if n > 0 {
		return nil
	}
	if _, err := t.exec(`INSERT INTO unmatched_sends (wamid, wa_group_id, at) VALUES (?, ?, ?)
		ON CONFLICT DO NOTHING`, wamid, waGroupID, at); err != nil {
		return fmt.Errorf("store: match send: %w", err)
	}
	groups, err := t.matchDoubtful()
	if err != nil {
		return fmt.Errorf("store: match send: %w", err)
	}
	for _, g := range groups {
		t.touch(g)
	}
	return nil
}

// MediaEvent is the media attached to an inbound message.
type MediaEvent struct {
	WAMID    string // of the message
	MediaID  string
	Mime     string
	Filename string
}

// InboundMedia remembers the media of an inbound message, so staff can
// download it through the app while WhatsApp keeps it (7 days).
func (t *Tx) InboundMedia(e MediaEvent) error {
	if e.MediaID == "" {
		return nil
	}
	_, err := t.exec(`UPDATE messages SET media_id = ?, media_mime = ?, media_name = ?
		WHERE wamid = ? AND direction = 'in'`, e.MediaID, e.Mime, e.Filename, e.WAMID)
	if err != nil {
		return fmt.Errorf("store: inbound media: %w", err)
	}
	return nil
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
	defer rows.Close()
	var out []Message
	for rows.Next() {
		m, err := scanMessage(rows, false)
		if err != nil {
			return nil, fmt.Errorf("store: pinned: %w", err)
		}
		out = append(out, *m)
	}
	return out, rows.Err()
}

// Receipt is what happened to one outgoing message for one participant.
type Receipt struct {
	Member      string // wa_id or BSUID
	Name        string
	WaID        string
	Current     bool // still a member of the group
	DeliveredAt int64
	ReadAt      int64
	Failed      string
}

// Receipts lists, for one outgoing message, every participant it
// concerns: everyone with a status for it, and the group's current
// members (who may not have it yet).
func (s *Store) Receipts(ctx context.Context, groupID int64, wamid string) ([]Receipt, error) {
	if wamid == "" {
		return nil, nil
	}
	rows, err := s.r.QueryContext(ctx, `SELECT * FROM (
		SELECT r.participant AS member, coalesce(p.name, '') AS name, coalesce(p.wa_id, '') AS wa_id,
			coalesce(p.state = 'member', 0) AS current, r.delivered_at AS delivered_at, r.read_at AS read_at, r.failed AS failed
		FROM receipts r LEFT JOIN participants p ON p.group_id = ?1 AND (p.member_key = r.participant
			OR (p.wa_id <> '' AND p.wa_id = r.participant) OR (p.user_id <> '' AND p.user_id = r.participant))
		WHERE r.wamid = ?2 AND r.participant <> ''
		UNION ALL
		SELECT p.member_key, p.name, p.wa_id, 1, 0, 0, ''
		FROM participants p WHERE p.group_id = ?1 AND p.state = 'member' AND NOT EXISTS (
			SELECT 1 FROM receipts r WHERE r.wamid = ?2
				AND r.participant IN (p.member_key, nullif(p.wa_id, ''), nullif(p.user_id, '')))
		) ORDER BY read_at = 0, delivered_at = 0, name, member`, groupID, wamid)
	if err != nil {
		return nil, fmt.Errorf("store: receipts: %w", err)
	}
	defer rows.Close()
	var out []Receipt
	seen := map[string]bool{}
	for rows.Next() {
		var r Receipt
		if err := rows.Scan(&r.Member, &r.Name, &r.WaID, &r.Current, &r.DeliveredAt, &r.ReadAt, &r.Failed); err != nil {
			return nil, fmt.Errorf("store: receipts: %w", err)
		}
		if seen[r.Member] {
			continue
		}
		seen[r.Member] = true
		out = append(out, r)
	}
	return out, rows.Err()
}
