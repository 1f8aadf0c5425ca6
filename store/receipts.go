package store

import (
	"context"
	"fmt"
)

// ReceiptEvent is one status webhook for one message and participant.
// Group-level statuses ("sent", "failed" without a participant) use
// Participant "".
type ReceiptEvent struct {
	WAMID       string
	Participant string
	Status      string // sent, delivered, read, failed
	At          int64
	Failure     string
}

// Receipt records a status for one message and participant. A read
// implies delivery, so a read without delivered fills both.
func (t *Tx) Receipt(e ReceiptEvent) error {
	wamid, participant, status, at, failure := e.WAMID, e.Participant, e.Status, e.At, e.Failure
	var q string
	switch status {
	case "delivered":
		q = `INSERT INTO receipts (wamid, participant, delivered_at) VALUES (?, ?, ?)
			ON CONFLICT DO UPDATE SET delivered_at = CASE WHEN delivered_at = 0 OR excluded.delivered_at < delivered_at
				THEN excluded.delivered_at ELSE delivered_at END`
	case "read":
		q = `INSERT INTO receipts (wamid, participant, delivered_at, read_at) VALUES (?, ?, ?3, ?3)
			ON CONFLICT DO UPDATE SET read_at = CASE WHEN read_at = 0 THEN excluded.read_at ELSE read_at END,
				delivered_at = CASE WHEN delivered_at = 0 THEN excluded.delivered_at ELSE delivered_at END`
	case "failed":
		_, err := t.exec(`INSERT INTO receipts (wamid, participant, failed) VALUES (?, ?, ?)
			ON CONFLICT DO UPDATE SET failed = excluded.failed`, wamid, participant, failure)
		if err != nil {
			return fmt.Errorf("store: receipt: %w", err)
		}
		if participant == "" {
			_, err = t.exec(`UPDATE messages SET state = 'failed', error = ? WHERE wamid = ?`, failure, wamid)
		}
		return t.touchMessage(wamid, err)
	case "sent":
		_, err := t.exec(`UPDATE messages SET sent_at = CASE WHEN sent_at = 0 THEN ? ELSE sent_at END
			WHERE wamid = ?`, at, wamid)
		return t.touchMessage(wamid, err)
	default:
		return nil
	}
	_, err := t.exec(q, wamid, participant, at)
	return t.touchMessage(wamid, err)
}

// Receipt is what happened to one outgoing message for one participant.
type Receipt struct {
	Member      string // the person's key: BSUID, else phone number
	Name        string
	Username    string
	WaID        string
	UserID      string
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
		SELECT r.participant AS member, coalesce(nullif(p.name, ''), pp.name, '') AS name,
			coalesce(nullif(p.username, ''), pp.username, '') AS username,
			coalesce(nullif(p.wa_id, ''), pp.wa_id, '') AS wa_id, coalesce(nullif(p.user_id, ''), pp.user_id, '') AS user_id,
			coalesce(p.state = 'member', 0) AS current, r.delivered_at AS delivered_at, r.read_at AS read_at, r.failed AS failed
		FROM receipts r LEFT JOIN participants p ON p.group_id = ?1 AND (p.member_key = r.participant
			OR (p.wa_id <> '' AND p.wa_id = r.participant) OR (p.user_id <> '' AND p.user_id = r.participant))
		LEFT JOIN people pp ON pp.key = r.participant
		WHERE r.wamid = ?2 AND r.participant <> ''
		UNION ALL
		SELECT p.member_key, p.name, p.username, p.wa_id, p.user_id, 1, 0, 0, ''
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
		if err := rows.Scan(&r.Member, &r.Name, &r.Username, &r.WaID, &r.UserID, &r.Current, &r.DeliveredAt, &r.ReadAt, &r.Failed); err != nil {
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
