package store

import (
	"context"
	"fmt"
)

// Membership is one person's history in one group as the participants
// table keeps it: the latest join and, if they went, when.
type Membership struct {
	GroupID  int64
	Key      string
	WaID     string
	Username string
	Name     string
	State    string // member, left, removed
	JoinedAt int64
	LeftAt   int64
}

// Memberships returns the join and leave times of people in the given
// groups (all groups when none given).
func (s *Store) Memberships(ctx context.Context, groupIDs ...int64) ([]Membership, error) {
	q := `SELECT group_id, member_key, wa_id, username, name, state, joined_at, left_at FROM participants`
	var args []any
	if len(groupIDs) > 0 {
		q += ` WHERE group_id IN (` + placeholders(len(groupIDs)) + `)`
		for _, id := range groupIDs {
			args = append(args, id)
		}
	}
	rows, err := s.r.QueryContext(ctx, q+` ORDER BY joined_at, group_id, member_key`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: memberships: %w", err)
	}
	defer rows.Close()
	var out []Membership
	for rows.Next() {
		var m Membership
		if err := rows.Scan(&m.GroupID, &m.Key, &m.WaID, &m.Username, &m.Name, &m.State, &m.JoinedAt, &m.LeftAt); err != nil {
			return nil, fmt.Errorf("store: memberships: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// JoinRequestRecord is a join request's person and time.
type JoinRequestRecord struct {
	GroupID   int64
	Key       string
	WaID      string
	State     string
	CreatedAt int64
}

// JoinRequestRecords returns join requests of the given groups (all when
// none given), oldest first.
func (s *Store) JoinRequestRecords(ctx context.Context, groupIDs ...int64) ([]JoinRequestRecord, error) {
	q := `SELECT group_id, member_key, wa_id, state, created_at FROM join_requests`
	var args []any
	if len(groupIDs) > 0 {
		q += ` WHERE group_id IN (` + placeholders(len(groupIDs)) + `)`
		for _, id := range groupIDs {
			args = append(args, id)
		}
	}
	rows, err := s.r.QueryContext(ctx, q+` ORDER BY created_at, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: join requests: %w", err)
	}
	defer rows.Close()
	var out []JoinRequestRecord
	for rows.Next() {
		var r JoinRequestRecord
		if err := rows.Scan(&r.GroupID, &r.Key, &r.WaID, &r.State, &r.CreatedAt); err != nil {
			return nil, fmt.Errorf("store: join requests: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// CampaignGroupIDs lists every group some campaign leads to, directly or
// through a pool.
func (s *Store) CampaignGroupIDs(ctx context.Context) ([]int64, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT group_id FROM campaigns WHERE group_id IS NOT NULL
		UNION SELECT pg.group_id FROM pool_groups pg JOIN campaigns c ON c.pool_id = pg.pool_id
		UNION SELECT group_id FROM invite_sends WHERE group_id IS NOT NULL
		UNION SELECT group_id FROM campaign_visits WHERE group_id IS NOT NULL`)
	if err != nil {
		return nil, fmt.Errorf("store: campaign groups: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: campaign groups: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// JoinLeaveTimes returns join and leave times (Unix ms; the other one 0)
// since the given time, in one group or in all groups when groupID is 0.
// They come from the activity feed, so someone who leaves and rejoins
// counts each time.
func (s *Store) JoinLeaveTimes(ctx context.Context, since, groupID int64) ([][2]int64, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT CASE WHEN kind = 'join' THEN at ELSE 0 END,
			CASE WHEN kind = 'join' THEN 0 ELSE at END
		FROM activity WHERE kind IN ('join', 'leave', 'removed') AND at >= ?1 AND (?2 = 0 OR group_id = ?2)`, since, groupID)
	if err != nil {
		return nil, fmt.Errorf("store: join leave times: %w", err)
	}
	defer rows.Close()
	var out [][2]int64
	for rows.Next() {
		var t [2]int64
		if err := rows.Scan(&t[0], &t[1]); err != nil {
			return nil, fmt.Errorf("store: join leave times: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}
