package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Kinds of asynchronous group change.
const (
	ChangeSubject     = "subject"
	ChangeDescription = "description"
	ChangePhoto       = "photo"
	ChangeRemove      = "remove"
	ChangeDelete      = "delete"
)

// Change states.
const (
	ChangePending = "pending"
	ChangeDone    = "done"
	ChangeFailed  = "failed"
)

// GroupChange is a change staff asked WhatsApp for whose outcome arrives
// later by webhook. Target names the person for removals; Value is the
// new text for subject and description.
type GroupChange struct {
	ID        int64
	GroupID   int64
	Kind      string
	RequestID string
	Target    string
	Value     string
	State     string
	Error     string
	CreatedBy int64
	CreatedAt int64
	UpdatedAt int64
}

// RecordChange runs (*Tx).RecordChange in a transaction of its own.
func (s *Store) RecordChange(ctx context.Context, c *GroupChange) error {
	return s.write(ctx, func(t *Tx) error { return t.RecordChange(c) })
}

// RecordChange stores a change before it is sent, as pending.
func (t *Tx) RecordChange(c *GroupChange) error {
	now := t.now
	c.State, c.CreatedAt, c.UpdatedAt = ChangePending, now, now
	res, err := t.exec(`INSERT INTO group_changes
		(group_id, kind, request_id, target, value, state, error, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, 'pending', '', nullif(?, 0), ?, ?)`,
		c.GroupID, c.Kind, c.RequestID, c.Target, c.Value, c.CreatedBy, now, now)
	if err != nil {
		return fmt.Errorf("store: record change: %w", err)
	}
	c.ID, _ = res.LastInsertId()
	return nil
}

// ChangesSent records the request id WhatsApp gave the changes ids and
// the audit row of asking for them, in one transaction.
func (s *Store) ChangesSent(ctx context.Context, requestID string, ids []int64, audit AuditEntry) error {
	return s.write(ctx, func(t *Tx) error {
		if err := t.SetChangeRequest(requestID, ids...); err != nil {
			return err
		}
		return t.Audit(audit)
	})
}

// ChangesRefused fails the changes ids with WhatsApp's refusal and writes
// the audit row with that outcome, in one transaction.
func (s *Store) ChangesRefused(ctx context.Context, ids []int64, failure string, audit AuditEntry) error {
	return s.write(ctx, func(t *Tx) error {
		for _, id := range ids {
			if err := t.FinishChange(id, failure); err != nil {
				return err
			}
		}
		audit.Outcome = "failed: " + failure
		return t.Audit(audit)
	})
}

// SetChangeRequest records the request id WhatsApp gave the changes ids.
func (t *Tx) SetChangeRequest(requestID string, ids ...int64) error {
	for _, id := range ids {
		if _, err := t.exec(`UPDATE group_changes SET request_id = ?, updated_at = ? WHERE id = ?`,
			requestID, t.now, id); err != nil {
			return fmt.Errorf("store: set change request: %w", err)
		}
	}
	return nil
}

// FinishChange marks one change done, or failed with a reason.
func (t *Tx) FinishChange(id int64, failure string) error {
	state := ChangeDone
	if failure != "" {
		state = ChangeFailed
	}
	_, err := t.exec(`UPDATE group_changes SET state = ?, error = ?, updated_at = ? WHERE id = ?`,
		state, failure, t.now, id)
	if err != nil {
		return fmt.Errorf("store: finish change: %w", err)
	}
	return nil
}

// RecentChanges lists a group's latest changes, newest first.
func (s *Store) RecentChanges(ctx context.Context, groupID int64, limit int) ([]GroupChange, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, group_id, kind, request_id, target, value, state, error,
		coalesce(created_by, 0), created_at, updated_at
		FROM group_changes WHERE group_id = ? ORDER BY id DESC LIMIT ?`, groupID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: recent changes: %w", err)
	}
	defer rows.Close()
	var out []GroupChange
	for rows.Next() {
		var c GroupChange
		if err := rows.Scan(&c.ID, &c.GroupID, &c.Kind, &c.RequestID, &c.Target, &c.Value, &c.State, &c.Error,
			&c.CreatedBy, &c.CreatedAt, &c.UpdatedAt); err != nil {
			return nil, fmt.Errorf("store: recent changes: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ChangeEvent is WhatsApp's answer to a change of a group: done, or
// failed with a reason.
type ChangeEvent struct {
	GroupID   int64
	RequestID string // "" when the webhook has none
	Kind      string
	Target    string // the member a per-person change is about, or ""
	Failure   string
}

// ResolveChange settles the pending change of a kind made by a request
// (or, when the webhook has no request id, the oldest pending one of that
// kind and target in the group). It reports whether one was found.
func (t *Tx) ResolveChange(e ChangeEvent) (bool, error) {
	groupID, requestID, kind, target, failure := e.GroupID, e.RequestID, e.Kind, e.Target, e.Failure
	var id int64
	err := t.queryRow(`SELECT id FROM group_changes
		WHERE group_id = ?1 AND kind = ?2 AND state = 'pending'
		  AND (?3 = '' OR request_id = ?3 OR request_id = '')
		  AND (?4 = '' OR target = ?4)
		ORDER BY (request_id = ?3) DESC, id LIMIT 1`, groupID, kind, requestID, target).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: resolve change: %w", err)
	}
	state := ChangeDone
	if failure != "" {
		state = ChangeFailed
	}
	if _, err := t.exec(`UPDATE group_changes SET state = ?, error = ?, updated_at = ? WHERE id = ?`,
		state, failure, t.now, id); err != nil {
		return false, fmt.Errorf("store: resolve change: %w", err)
	}
	t.touchPart(groupID, PartSettings)
	return true, nil
}

// SettingsApplied stores a subject or description WhatsApp confirmed;
// nil leaves that setting unchanged.
func (t *Tx) SettingsApplied(groupID int64, subject, description *string, at int64) error {
	if subject != nil && *subject != "" {
		if _, err := t.exec(`UPDATE groups SET subject = ?, updated_at = ?,
			last_activity_at = max(last_activity_at, ?) WHERE id = ?`, *subject, t.now, at, groupID); err != nil {
			return fmt.Errorf("store: settings applied: %w", err)
		}
	}
	if description != nil {
		if _, err := t.exec(`UPDATE groups SET description = ?, updated_at = ? WHERE id = ?`,
			*description, t.now, groupID); err != nil {
			return fmt.Errorf("store: settings applied: %w", err)
		}
	}
	t.touchPart(groupID, PartSettings)
	return nil
}

// GroupDeleteApplied settles the pending deletion; a failed one puts the
// group back to active (GroupDeleted records a success).
func (t *Tx) GroupDeleteApplied(groupID int64, requestID, failure string) error {
	if failure == "" {
		return t.settleDelete(groupID, requestID, "")
	}
	if _, err := t.exec(`UPDATE groups SET status = 'active', updated_at = ?
		WHERE id = ? AND status = 'deleting'`, t.now, groupID); err != nil {
		return fmt.Errorf("store: group delete failed: %w", err)
	}
	return t.settleDelete(groupID, requestID, failure)
}

func (t *Tx) settleDelete(groupID int64, requestID, failure string) error {
	if _, err := t.ResolveChange(ChangeEvent{GroupID: groupID, RequestID: requestID, Kind: ChangeDelete, Failure: failure}); err != nil {
		return err
	}
	t.touch(groupID)
	return nil
}
