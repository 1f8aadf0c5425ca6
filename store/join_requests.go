package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// Join request states.
const (
	JoinPending  = "pending"
	JoinApproved = "approved"
	JoinRejected = "rejected"
	JoinRevoked  = "revoked"
)

// JoinRequest is one person asking to join a group, with the group's
// subject for the cross-group inbox.
type JoinRequest struct {
	ID            int64
	GroupID       int64
	JoinRequestID string
	MemberKey     string
	WaID          string
	UserID        string
	Username      string // as last known
	Name          string // as last known
	State         string
	CreatedAt     int64
	GroupSubject  string
	WaGroupID     string
}

const joinRequestCols = `j.id, j.group_id, j.join_request_id, j.member_key, j.wa_id, j.user_id,
	coalesce((SELECT username FROM people WHERE key = j.member_key), ''),
	coalesce((SELECT name FROM people WHERE key = j.member_key), ''), j.state,
	j.created_at, g.subject, coalesce(g.wa_group_id, '')`

func scanJoinRequests(rows *sql.Rows) ([]JoinRequest, error) {
	defer rows.Close()
	var out []JoinRequest
	for rows.Next() {
		var j JoinRequest
		if err := rows.Scan(&j.ID, &j.GroupID, &j.JoinRequestID, &j.MemberKey, &j.WaID, &j.UserID, &j.Username, &j.Name, &j.State,
			&j.CreatedAt, &j.GroupSubject, &j.WaGroupID); err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, rows.Err()
}

// PendingJoinRequests lists pending requests, oldest first: of one group,
// or of every group when groupID is 0. total counts all that match.
func (s *Store) PendingJoinRequests(ctx context.Context, groupID int64, limit int) ([]JoinRequest, int, error) {
	if limit <= 0 {
		limit = 200
	}
	cond := `j.state = 'pending' AND g.status NOT IN ('deleting', 'deleted')`
	args := []any{}
	if groupID != 0 {
		cond += ` AND j.group_id = ?`
		args = append(args, groupID)
	}
	var total int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM join_requests j JOIN groups g ON g.id = j.group_id WHERE `+cond,
		args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count join requests: %w", err)
	}
	rows, err := s.r.QueryContext(ctx, `SELECT `+joinRequestCols+` FROM join_requests j JOIN groups g ON g.id = j.group_id
		WHERE `+cond+` ORDER BY j.created_at, j.id LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: join requests: %w", err)
	}
	out, err := scanJoinRequests(rows)
	if err != nil {
		return nil, 0, fmt.Errorf("store: join requests: %w", err)
	}
	return out, total, nil
}

// JoinRequestsByID returns the pending requests among ids (row ids).
func (s *Store) JoinRequestsByID(ctx context.Context, ids []int64) ([]JoinRequest, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	marks := strings.TrimSuffix(strings.Repeat("?,", len(ids)), ",")
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := s.r.QueryContext(ctx, `SELECT `+joinRequestCols+` FROM join_requests j JOIN groups g ON g.id = j.group_id
		WHERE j.state = 'pending' AND j.id IN (`+marks+`) ORDER BY j.group_id, j.created_at`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: join requests by id: %w", err)
	}
	out, err := scanJoinRequests(rows)
	if err != nil {
		return nil, fmt.Errorf("store: join requests by id: %w", err)
	}
	return out, nil
}

// DecideJoinRequests records the outcome (approved, rejected, or revoked
// for requests WhatsApp no longer knows) of requests of one group, and
// recounts the group's pending requests.
func (s *Store) DecideJoinRequests(ctx context.Context, groupID int64, joinRequestIDs []string, state string) error {
	if len(joinRequestIDs) == 0 {
		return nil
	}
	return s.write(ctx, func(t *Tx) error { return t.DecideJoinRequests(groupID, joinRequestIDs, state) })
}

// DecideJoinRequests records the outcome of requests of one group, and
// recounts the group's pending requests.
func (t *Tx) DecideJoinRequests(groupID int64, joinRequestIDs []string, state string) error {
	if len(joinRequestIDs) == 0 {
		return nil
	}
	for _, jr := range joinRequestIDs {
		if _, err := t.exec(`UPDATE join_requests SET state = ?, updated_at = ?
			WHERE group_id = ? AND join_request_id = ? AND state = 'pending'`, state, t.now, groupID, jr); err != nil {
			return fmt.Errorf("store: decide join request: %w", err)
		}
	}
	return t.countRequests(groupID)
}

// PendingFromAPI is one pending request as WhatsApp lists it.
type PendingFromAPI struct {
	JoinRequestID string
	WaID          string
	UserID        string
	CreatedAt     int64
}

// SyncJoinRequests makes a group's pending requests match WhatsApp's list:
// new ones are added, pending ones WhatsApp no longer lists are revoked.
func (s *Store) SyncJoinRequests(ctx context.Context, groupID int64, list []PendingFromAPI) error {
	return s.write(ctx, func(t *Tx) error {
		now := t.now
		keep := map[string]bool{}
		for _, p := range list {
			keep[p.JoinRequestID] = true
			key := p.WaID
			if key == "" {
				key = p.UserID
			}
			at := p.CreatedAt
			if at == 0 {
				at = now
			}
			if _, err := t.exec(`INSERT INTO join_requests
				(group_id, join_request_id, member_key, wa_id, user_id, state, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)
				ON CONFLICT (group_id, join_request_id) DO UPDATE SET state = 'pending', updated_at = excluded.updated_at
				WHERE join_requests.state <> 'pending'`, groupID, p.JoinRequestID, key, p.WaID, p.UserID, at, now); err != nil {
				return fmt.Errorf("store: sync join requests: %w", err)
			}
		}
		rows, err := t.query(`SELECT join_request_id FROM join_requests WHERE group_id = ? AND state = 'pending'`, groupID)
		if err != nil {
			return fmt.Errorf("store: sync join requests: %w", err)
		}
		var gone []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			if !keep[id] {
				gone = append(gone, id)
			}
		}
		rows.Close()
		for _, id := range gone {
			if _, err := t.exec(`UPDATE join_requests SET state = 'revoked', updated_at = ?
				WHERE group_id = ? AND join_request_id = ?`, now, groupID, id); err != nil {
				return fmt.Errorf("store: sync join requests: %w", err)
			}
		}
		return t.countRequests(groupID)
	})
}

// JoinRequest records a join request's creation or withdrawal. A
// withdrawal that overtakes its creation is kept, and the late creation
// does not reopen it.
func (t *Tx) JoinRequest(groupID int64, requestID string, m Member, state string, at int64) error {
	key, err := t.Person(m)
	if err != nil {
		return err
	}
	if requestID == "" {
		requestID = "member:" + key
	}
	_, err = t.exec(`INSERT INTO join_requests
		(group_id, join_request_id, member_key, wa_id, user_id, state, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (group_id, join_request_id) DO UPDATE SET
			state = CASE WHEN join_requests.state = 'pending' THEN excluded.state ELSE join_requests.state END,
			updated_at = excluded.updated_at`,
		groupID, requestID, key, m.WaID, m.UserID, state, at, at)
	if err != nil {
		return fmt.Errorf("store: join request: %w", err)
	}
	return t.countRequests(groupID)
}

// RequestsApproved closes the pending requests of people who joined, and
// reports whether this join answered one: a request of theirs in the
// group was pending and is now approved, or was approved by this same
// join before (a re-applied delivery, see Tx.Activity), so how they
// joined reads the same however often the webhook is applied.
func (t *Tx) RequestsApproved(groupID int64, m Member, at int64) (bool, error) {
	key, err := t.Person(m)
	if err != nil {
		return false, err
	}
	// "+created_at" keeps SQLite on the (group_id, state) index: left to
	// itself it chose (state, created_at) and read every pending request
	// of every group for each join — 96 % of CPU, seconds per batch of
	// joins, once make bench had left thousands of requests pending.
	n, err := t.execN(approveRequests, at, groupID, key, m.WaID, m.UserID)
	if err != nil {
		return false, fmt.Errorf("store: approve requests: %w", err)
	}
	if n == 0 {
		// Most joins answer no request (invite links): the count stands,
		// so it is not recounted (one statement less per join). One probe
		// of (group_id, state) tells a re-applied approval from them.
		var again int
		if err := t.queryRow(approvedByJoin, at, groupID, key, m.WaID, m.UserID).Scan(&again); err != nil {
			return false, fmt.Errorf("store: approve requests: %w", err)
		}
		return again > 0, nil
	}
	return true, t.countRequests(groupID)
}

const approveRequests = `UPDATE join_requests SET state = 'approved', updated_at = ?1
		WHERE group_id = ?2 AND state = 'pending' AND +created_at <= ?1
		AND (member_key = ?3 OR (?4 <> '' AND wa_id = ?4) OR (?5 <> '' AND user_id = ?5))`

// approvedByJoin finds a request approveRequests closed at this join's
// time: approveRequests stamps updated_at with it.
const approvedByJoin = `SELECT count(*) FROM join_requests
		WHERE group_id = ?2 AND state = 'approved' AND +updated_at = ?1 AND +created_at <= ?1
		AND (member_key = ?3 OR (?4 <> '' AND wa_id = ?4) OR (?5 <> '' AND user_id = ?5))`

func (t *Tx) countRequests(groupID int64) error {
	_, err := t.exec(`UPDATE groups SET pending_requests =
		(SELECT count(*) FROM join_requests WHERE group_id = ?1 AND state = 'pending'), updated_at = ?2 WHERE id = ?1`,
		groupID, t.now)
	if err != nil {
		return fmt.Errorf("store: count requests: %w", err)
	}
	t.touchPart(groupID, PartRequests)
	return nil
}
