package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Message states.
const (
	MsgQueued   = "queued"
	MsgSending  = "sending"
	MsgSent     = "sent"
	MsgFailed   = "failed"
	MsgReceived = "received"
)

// Message is one message in a group's timeline, either way.
type Message struct {
	ID         int64
	GroupID    int64
	Direction  string
	WAMID      string
	Kind       string
	Body       string
	SenderKey  string
	SenderName string
	State      string
	Error      string
	Attempts   int
	CreatedBy  int64
	CreatedAt  int64
	SentAt     int64
	Delivered  int // participants who have it
	Read       int // participants who read it
}

// QueueMessage stores an outgoing message before anything is sent, so a
// crash cannot lose it; the outbox worker sends it.
func (s *Store) QueueMessage(ctx context.Context, m *Message) error {
	m.Direction, m.State, m.CreatedAt = "out", MsgQueued, s.now()
	res, err := s.w.ExecContext(ctx, `INSERT INTO messages (group_id, direction, kind, body, state, created_by, created_at)
		VALUES (?, 'out', ?, ?, 'queued', nullif(?, 0), ?)`, m.GroupID, m.Kind, m.Body, m.CreatedBy, m.CreatedAt)
	if err != nil {
		return fmt.Errorf("store: queue message: %w", err)
	}
	m.ID, _ = res.LastInsertId()
	return nil
}

// ClaimMessage takes the oldest queued message and marks it sending. It
// returns ErrNotFound when the queue is empty.
func (s *Store) ClaimMessage(ctx context.Context) (*Message, error) {
	var m Message
	err := s.w.QueryRowContext(ctx, `UPDATE messages SET state = 'sending', attempts = attempts + 1
		WHERE id = (SELECT id FROM messages WHERE state = 'queued' ORDER BY id LIMIT 1)
		RETURNING id, group_id, kind, body, attempts`).Scan(&m.ID, &m.GroupID, &m.Kind, &m.Body, &m.Attempts)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: claim message: %w", err)
	}
	return &m, nil
}

// MessageSent records the id WhatsApp accepted a message under.
func (s *Store) MessageSent(ctx context.Context, id int64, wamid string) error {
	_, err := s.w.ExecContext(ctx, `UPDATE messages SET state = 'sent', wamid = ?, error = '',
		sent_at = CASE WHEN sent_at = 0 THEN ? ELSE sent_at END WHERE id = ?`, wamid, s.now(), id)
	if err != nil {
		return fmt.Errorf("store: message sent: %w", err)
	}
	return nil
}

// MessageFailed records why a message could not be sent.
func (s *Store) MessageFailed(ctx context.Context, id int64, reason string) error {
	_, err := s.w.ExecContext(ctx, `UPDATE messages SET state = 'failed', error = ? WHERE id = ?`, reason, id)
	if err != nil {
		return fmt.Errorf("store: message failed: %w", err)
	}
	return nil
}

// RequeueMessage puts a message back in the queue after a transient error.
func (s *Store) RequeueMessage(ctx context.Context, id int64, reason string) error {
	_, err := s.w.ExecContext(ctx, `UPDATE messages SET state = 'queued', error = ? WHERE id = ?`, reason, id)
	if err != nil {
		return fmt.Errorf("store: requeue message: %w", err)
	}
	return nil
}

// AbandonInFlight fails messages left "sending" by a crash: WhatsApp may or
// may not have accepted them, and sending again could deliver twice.
func (s *Store) AbandonInFlight(ctx context.Context) (int64, error) {
	res, err := s.w.ExecContext(ctx, `UPDATE messages SET state = 'failed',
		error = 'The server stopped while sending; check the group before retrying.' WHERE state = 'sending'`)
	if err != nil {
		return 0, fmt.Errorf("store: abandon in-flight: %w", err)
	}
	return res.RowsAffected()
}

// Messages returns a group's newest messages, oldest first, with receipt
// counts for outgoing ones.
func (s *Store) Messages(ctx context.Context, groupID int64, limit int) ([]Message, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT * FROM (
		SELECT m.id, m.group_id, m.direction, coalesce(m.wamid, ''), m.kind, m.body, m.sender_key, m.sender_name,
			m.state, m.error, m.attempts, coalesce(m.created_by, 0), m.created_at, m.sent_at,
			coalesce((SELECT count(*) FROM receipts r WHERE r.wamid = m.wamid AND r.participant <> '' AND r.delivered_at > 0), 0),
			coalesce((SELECT count(*) FROM receipts r WHERE r.wamid = m.wamid AND r.participant <> '' AND r.read_at > 0), 0)
		FROM messages m WHERE m.group_id = ? ORDER BY m.created_at DESC, m.id DESC LIMIT ?
	) ORDER BY 13, 1`, groupID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: messages: %w", err)
	}
	defer rows.Close()
	var out []Message
	for rows.Next() {
		var m Message
		if err := rows.Scan(&m.ID, &m.GroupID, &m.Direction, &m.WAMID, &m.Kind, &m.Body, &m.SenderKey, &m.SenderName,
			&m.State, &m.Error, &m.Attempts, &m.CreatedBy, &m.CreatedAt, &m.SentAt, &m.Delivered, &m.Read); err != nil {
			return nil, fmt.Errorf("store: messages: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}
