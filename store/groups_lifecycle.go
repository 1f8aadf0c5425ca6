package store

import (
	"context"
	"fmt"
)

// GroupCreatedEvent is WhatsApp's confirmation that a group exists. An
// empty Subject or Mode keeps the one stored.
type GroupCreatedEvent struct {
	GroupID    int64
	WaGroupID  string
	InviteLink string
	Subject    string
	Mode       string // join approval mode
	At         int64
}

// GroupCreated marks a group created, with its WhatsApp id and invite link.
func (t *Tx) GroupCreated(e GroupCreatedEvent) error {
	t.forgetGroups() // cached ids by WhatsApp id must not outlive a change of it
	_, err := t.exec(`UPDATE groups SET wa_group_id = ?, invite_link = ?,
		subject = coalesce(nullif(?, ''), subject), join_approval_mode = coalesce(nullif(?, ''), join_approval_mode),
		status = CASE WHEN status = 'creating' OR status = 'failed' THEN 'active' ELSE status END,
		failure = '', updated_at = ?, last_activity_at = max(last_activity_at, ?), confirmed_at = ?
		WHERE id = ?`, e.WaGroupID, e.InviteLink, e.Subject, e.Mode, t.now, e.At, t.now, e.GroupID)
	if err != nil {
		return fmt.Errorf("store: group created: %w", err)
	}
	t.touch(e.GroupID)
	return nil
}

// GroupCreateFailed records why WhatsApp could not create a group.
func (t *Tx) GroupCreateFailed(id int64, reason string) error {
	_, err := t.exec(`UPDATE groups SET status = 'failed', failure = ?, updated_at = ?
		WHERE id = ? AND status = 'creating'`, reason, t.now, id)
	if err != nil {
		return fmt.Errorf("store: group create failed: %w", err)
	}
	t.touch(id)
	return nil
}

// SetRequestID records the request id of a group's create call.
func (t *Tx) SetRequestID(groupID int64, requestID string) error {
	_, err := t.exec(`UPDATE groups SET request_id = ?, updated_at = ? WHERE id = ?`, requestID, t.now, groupID)
	if err != nil {
		return fmt.Errorf("store: set request id: %w", err)
	}
	t.touch(groupID)
	return nil
}

// GroupDeleted marks a group deleted unless a newer status event was applied.
func (t *Tx) GroupDeleted(id int64, at int64) error {
	_, err := t.exec(`UPDATE groups SET status = 'deleted', failure = '', updated_at = ?,
		status_event_at = ?, participant_count = 0 WHERE id = ? AND status_event_at <= ?`, t.now, at, id, at)
	if err != nil {
		return fmt.Errorf("store: group deleted: %w", err)
	}
	// Everyone still in the group goes with it: their history says so.
	_, err = t.exec(`INSERT INTO participant_events (member_key, group_id, kind, via, at)
		SELECT member_key, group_id, 'removed', ?, ? FROM participants
		WHERE group_id = ? AND state = 'member' AND event_at <= ?`, ViaGroupDeleted, at, id, at)
	if err != nil {
		return fmt.Errorf("store: group deleted: %w", err)
	}
	_, err = t.exec(`UPDATE participants SET state = 'removed', left_at = ?, event_at = ?
		WHERE group_id = ? AND state = 'member' AND event_at <= ?`, at, at, id, at)
	if err != nil {
		return fmt.Errorf("store: group deleted: %w", err)
	}
	t.touch(id)
	return nil
}

// GroupSuspended sets or clears the suspension unless a newer status
// event was applied.
func (t *Tx) GroupSuspended(id int64, suspended bool, at int64) error {
	_, err := t.exec(`UPDATE groups SET suspended = ?, updated_at = ?, status_event_at = ?
		WHERE id = ? AND status_event_at <= ?`, suspended, t.now, at, id, at)
	if err != nil {
		return fmt.Errorf("store: group suspended: %w", err)
	}
	t.touch(id)
	return nil
}

// CreateGroup runs (*Tx).CreateGroup in a transaction of its own.
func (s *Store) CreateGroup(ctx context.Context, g *Group) error {
	return s.write(ctx, func(t *Tx) error { return t.CreateGroup(g) })
}

// CreateGroup records a group the app is about to ask WhatsApp to create.
func (t *Tx) CreateGroup(g *Group) error {
	now := t.now
	g.Status, g.CreatedAt, g.UpdatedAt, g.LastActivityAt = GroupCreating, now, now, now
	res, err := t.exec(`INSERT INTO groups
		(subject, description, join_approval_mode, status, created_by, created_at, updated_at, last_activity_at)
		VALUES (?, ?, ?, ?, nullif(?, 0), ?, ?, ?)`,
		g.Subject, g.Description, g.JoinApprovalMode, g.Status, g.CreatedBy, now, now, now)
	if err != nil {
		return fmt.Errorf("store: create group: %w", err)
	}
	g.ID, _ = res.LastInsertId()
	return nil
}

// FailGroup runs (*Tx).FailGroup in a transaction of its own.
func (s *Store) FailGroup(ctx context.Context, id int64, reason string) error {
	return s.write(ctx, func(t *Tx) error { return t.FailGroup(id, reason) })
}

// FailGroup marks a group whose creation failed, keeping the reason.
func (t *Tx) FailGroup(id int64, reason string) error {
	_, err := t.exec(`UPDATE groups SET status = 'failed', failure = ?, updated_at = ? WHERE id = ?`,
		reason, t.now, id)
	if err != nil {
		return fmt.Errorf("store: fail group: %w", err)
	}
	return nil
}

// SetInviteLink runs (*Tx).SetInviteLink in a transaction of its own.
func (s *Store) SetInviteLink(ctx context.Context, groupID int64, link string) error {
	return s.write(ctx, func(t *Tx) error { return t.SetInviteLink(groupID, link) })
}

// SetInviteLink stores a group's current invite link ("" after deletion).
func (t *Tx) SetInviteLink(groupID int64, link string) error {
	_, err := t.exec(`UPDATE groups SET invite_link = ?, updated_at = ? WHERE id = ?`, link, t.now, groupID)
	if err != nil {
		return fmt.Errorf("store: set invite link: %w", err)
	}
	return nil
}

// MarkGroupDeleting runs (*Tx).MarkGroupDeleting in a transaction of its own.
func (s *Store) MarkGroupDeleting(ctx context.Context, groupID int64) error {
	return s.write(ctx, func(t *Tx) error { return t.MarkGroupDeleting(groupID) })
}

// MarkGroupDeleting records that deletion was asked for; the group_delete
// webhook finishes it.
func (t *Tx) MarkGroupDeleting(groupID int64) error {
	_, err := t.exec(`UPDATE groups SET status = 'deleting', updated_at = ?
		WHERE id = ? AND status NOT IN ('deleted')`, t.now, groupID)
	if err != nil {
		return fmt.Errorf("store: mark group deleting: %w", err)
	}
	return nil
}

// DiscardUnsentGroup removes a group row whose create call WhatsApp
// refused, so a retried or failed bulk item leaves no phantom group.
func (s *Store) DiscardUnsentGroup(ctx context.Context, id int64) error {
	_, err := s.exec(ctx, `DELETE FROM groups WHERE id = ? AND status = 'creating' AND request_id IS NULL`, id)
	if err != nil {
		return fmt.Errorf("store: discard group: %w", err)
	}
	return nil
}

// StaleCreateReason is the failure reconciliation records on a group
// still "creating" long after WhatsApp's complete group list showed no
// group for it. A later sync that does find the group adopts it anyway.
const StaleCreateReason = "WhatsApp has no group for this create request; create it again"

// FailStaleCreate marks a group that is still "creating" as failed with
// StaleCreateReason and records why. ok is false when it no longer waits.
func (s *Store) FailStaleCreate(ctx context.Context, groupID int64) (bool, error) {
	ok := false
	err := s.write(ctx, func(t *Tx) (err error) {
		ok, err = t.FailStaleCreate(groupID)
		return err
	})
	return ok, err
}

// FailStaleCreate marks a group that is still "creating" as failed with
// StaleCreateReason and records why. ok is false when it no longer waits.
func (t *Tx) FailStaleCreate(groupID int64) (bool, error) {
	r, err := t.exec(`UPDATE groups SET status = 'failed', failure = ?, updated_at = ?
		WHERE id = ? AND status = 'creating' AND (wa_group_id IS NULL OR wa_group_id = '')`, StaleCreateReason, t.now, groupID)
	if err != nil {
		return false, fmt.Errorf("store: fail stale create %d: %w", groupID, err)
	}
	if n, _ := r.RowsAffected(); n == 0 {
		return false, nil
	}
	t.touch(groupID)
	if err := t.Activity(groupID, ActFailure, "", StaleCreateReason, 0); err != nil {
		return false, fmt.Errorf("store: fail stale create %d: %w", groupID, err)
	}
	return true, nil
}
