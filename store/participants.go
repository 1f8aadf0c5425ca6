package store

import (
	"context"
	"fmt"
)

// Participant is a person in (or formerly in) a group.
type Participant struct {
	GroupID   int64
	Key       string
	WaID      string
	UserID    string
	Username  string
	Name      string
	State     string
	JoinedVia string
	JoinedAt  int64
	LeftAt    int64
}

// Participants lists a group's current members, earliest first.
func (s *Store) Participants(ctx context.Context, groupID int64) ([]Participant, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT group_id, member_key, wa_id, user_id, username, name, state,
		joined_via, joined_at, left_at
		FROM participants WHERE group_id = ? AND state = 'member' ORDER BY joined_at, member_key`, groupID)
	if err != nil {
		return nil, fmt.Errorf("store: participants: %w", err)
	}
	defer rows.Close()
	var out []Participant
	for rows.Next() {
		var p Participant
		if err := rows.Scan(&p.GroupID, &p.Key, &p.WaID, &p.UserID, &p.Username, &p.Name, &p.State,
			&p.JoinedVia, &p.JoinedAt, &p.LeftAt); err != nil {
			return nil, fmt.Errorf("store: participants: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
