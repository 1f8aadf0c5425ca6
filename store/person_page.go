package store

import (
	"context"
	"fmt"
)

// PersonGroup is one group a person is in or was in, as the
// participants table keeps it: their latest join and, if they went,
// when and how.
type PersonGroup struct {
	GroupID     int64
	Subject     string
	GroupStatus string
	State       string // member, left, removed
	JoinedVia   string
	JoinedAt    int64
	LeftAt      int64
}

// PersonGroups lists every group key was ever a participant of, groups
// they are in now first, then the most recent first.
func (s *Store) PersonGroups(ctx context.Context, key string) ([]PersonGroup, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT g.id, g.subject, g.status, p.state, p.joined_via, p.joined_at, p.left_at
		FROM participants p JOIN groups g ON g.id = p.group_id WHERE p.member_key = ?
		ORDER BY p.state <> 'member', max(p.joined_at, p.left_at) DESC, g.id`, key)
	if err != nil {
		return nil, fmt.Errorf("store: person groups: %w", err)
	}
	defer rows.Close()
	out := []PersonGroup{}
	for rows.Next() {
		var g PersonGroup
		if err := rows.Scan(&g.GroupID, &g.Subject, &g.GroupStatus, &g.State, &g.JoinedVia, &g.JoinedAt, &g.LeftAt); err != nil {
			return nil, fmt.Errorf("store: person groups: %w", err)
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// PersonRequest is one join request a person made.
type PersonRequest struct {
	GroupID   int64
	Subject   string
	State     string // pending, approved, rejected, revoked
	CreatedAt int64
	UpdatedAt int64
}

// PersonRequests lists up to limit of key's join requests, newest first.
func (s *Store) PersonRequests(ctx context.Context, key string, limit int) ([]PersonRequest, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT g.id, g.subject, r.state, r.created_at, r.updated_at
		FROM join_requests r JOIN groups g ON g.id = r.group_id WHERE r.member_key = ?
		ORDER BY r.created_at DESC, r.id DESC LIMIT ?`, key, limit)
	if err != nil {
		return nil, fmt.Errorf("store: person requests: %w", err)
	}
	defer rows.Close()
	out := []PersonRequest{}
	for rows.Next() {
		var r PersonRequest
		if err := rows.Scan(&r.GroupID, &r.Subject, &r.State, &r.CreatedAt, &r.UpdatedAt); err != nil {
			return nil, fmt.Errorf("store: person requests: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// PersonMessage is one message a person wrote, with its group.
type PersonMessage struct {
	ID        int64
	GroupID   int64
	Subject   string
	Kind      string
	Body      string
	CreatedAt int64
}

// PersonMessages returns up to limit messages key wrote, in every group,
// newest first, older than the message id before (0: the newest). The
// messages_sender index holds (sender_key, rowid), so this reads only the
// page asked for however much the person wrote.
func (s *Store) PersonMessages(ctx context.Context, key string, before int64, limit int) ([]PersonMessage, error) {
	if before <= 0 {
		before = 1<<63 - 1
	}
	rows, err := s.r.QueryContext(ctx, `SELECT m.id, m.group_id, coalesce(g.subject, ''), m.kind, m.body, m.created_at
		FROM messages m LEFT JOIN groups g ON g.id = m.group_id
		WHERE m.sender_key = ? AND m.sender_key <> '' AND m.direction = 'in' AND m.id < ?
		ORDER BY m.id DESC LIMIT ?`, key, before, limit)
	if err != nil {
		return nil, fmt.Errorf("store: person messages: %w", err)
	}
	defer rows.Close()
	out := []PersonMessage{}
	for rows.Next() {
		var m PersonMessage
		if err := rows.Scan(&m.ID, &m.GroupID, &m.Subject, &m.Kind, &m.Body, &m.CreatedAt); err != nil {
			return nil, fmt.Errorf("store: person messages: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}
