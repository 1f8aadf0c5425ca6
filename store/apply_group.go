package store

import (
	"fmt"
)

// Activity kinds, shown on the home page feed.
const (
	ActJoin           = "join"
	ActLeave          = "leave"
	ActRemoved        = "removed"
	ActRequest        = "request"
	ActRequestRevoked = "request_revoked"
	ActMessage        = "message"
	ActFailure        = "failure"
	ActCreated        = "created"
	ActDeleted        = "deleted"
	ActSettings       = "settings"
	ActSuspended      = "suspended"
	ActUnsuspended    = "unsuspended"
	ActDrift          = "drift"
	ActImported       = "imported"
)

// Activity records something that happened to a group, in the same
// transaction as the change itself.
func (t *Tx) Activity(groupID int64, kind, who, detail string, at int64) error {
	if at == 0 {
		at = t.now
	}
	_, err := t.exec(`INSERT INTO activity (at, group_id, kind, who, detail) VALUES (?, nullif(?, 0), ?, ?, ?)`,
		at, groupID, kind, who, detail)
	if err != nil {
		return fmt.Errorf("store: activity: %w", err)
	}
	return nil
}

// GroupDeleted marks a group deleted unless a newer status event was applied.
func (t *Tx) GroupDeleted(id int64, at int64) error {
	_, err := t.exec(`UPDATE groups SET status = 'deleted', failure = '', updated_at = ?,
		status_event_at = ?, participant_count = 0 WHERE id = ? AND status_event_at <= ?`, t.now, at, id, at)
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

// JoinRequest records a join request's creation or withdrawal. A
// withdrawal that overtakes its creation is kept, and the late creation
// does not reopen it.
func (t *Tx) JoinRequest(groupID int64, requestID string, m Member, state string, at int64) error {
	if requestID == "" {
		requestID = "member:" + m.Key()
	}
	_, err := t.exec(`INSERT INTO join_requests
		(group_id, join_request_id, member_key, wa_id, user_id, state, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (group_id, join_request_id) DO UPDATE SET
			state = CASE WHEN join_requests.state = 'pending' THEN excluded.state ELSE join_requests.state END,
			updated_at = excluded.updated_at`,
		groupID, requestID, m.Key(), m.WaID, m.UserID, state, at, at)
	if err != nil {
		return fmt.Errorf("store: join request: %w", err)
	}
	return t.countRequests(groupID)
}

// RequestsApproved closes the pending requests of people who joined.
func (t *Tx) RequestsApproved(groupID int64, m Member, at int64) error {
	_, err := t.exec(`UPDATE join_requests SET state = 'approved', updated_at = ?1
		WHERE group_id = ?2 AND state = 'pending' AND created_at <= ?1
		AND (member_key = ?3 OR (?4 <> '' AND wa_id = ?4) OR (?5 <> '' AND user_id = ?5))`,
		at, groupID, m.Key(), m.WaID, m.UserID)
	if err != nil {
		return fmt.Errorf("store: approve requests: %w", err)
	}
	return t.countRequests(groupID)
}

func (t *Tx) countRequests(groupID int64) error {
	_, err := t.exec(`UPDATE groups SET pending_requests =
		(SELECT count(*) FROM join_requests WHERE group_id = ?1 AND state = 'pending'), updated_at = ?2 WHERE id = ?1`,
		groupID, t.now)
	if err != nil {
		return fmt.Errorf("store: count requests: %w", err)
	}
	t.touch(groupID)
	return nil
}

// ResolveDeferredDelivery marks a delivery applied once none of its
// changes wait any longer.
func (t *Tx) ResolveDeferredDelivery(deliveryID int64) error {
	_, err := t.exec(`UPDATE webhook_deliveries SET outcome = 'applied'
		WHERE id = ?1 AND outcome = 'deferred' AND NOT EXISTS (SELECT 1 FROM deferred_events WHERE delivery_id = ?1)`, deliveryID)
	if err != nil {
		return fmt.Errorf("store: resolve deferred delivery: %w", err)
	}
	return nil
}

// GroupByMessage finds the group of a message by its wamid.
func (t *Tx) GroupByMessage(wamid string) (id int64, ok bool, err error) {
	return t.lookup(`SELECT group_id FROM messages WHERE wamid = ?`, wamid)
}
