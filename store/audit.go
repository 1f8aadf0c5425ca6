package store

import (
	"context"
	"fmt"
)

// AuditEntry is one staff action and its outcome.
type AuditEntry struct {
	ID      int64
	At      int64
	UserID  int64
	Action  string
	GroupID int64
	Detail  string
	Outcome string
}

// Audit records a staff action. Outcome is "ok" unless set.
func (s *Store) Audit(ctx context.Context, e AuditEntry) error {
	if e.Outcome == "" {
		e.Outcome = "ok"
	}
	_, err := s.exec(ctx, `INSERT INTO audit_log (at, user_id, action, group_id, detail, outcome)
		VALUES (?, nullif(?, 0), ?, nullif(?, 0), ?, ?)`, s.now(), e.UserID, e.Action, e.GroupID, e.Detail, e.Outcome)
	if err != nil {
		return fmt.Errorf("store: audit: %w", err)
	}
	return nil
}

// AuditLog returns the newest entries first.
func (s *Store) AuditLog(ctx context.Context, limit int) ([]AuditEntry, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, at, coalesce(user_id, 0), action, coalesce(group_id, 0), detail, outcome
		FROM audit_log ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: audit log: %w", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		if err := rows.Scan(&e.ID, &e.At, &e.UserID, &e.Action, &e.GroupID, &e.Detail, &e.Outcome); err != nil {
			return nil, fmt.Errorf("store: audit log: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
