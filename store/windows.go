package store

import (
	"context"
	"fmt"
)

// GroupsWithOpenWindow returns the groups in which a participant wrote at
// or after since (Unix ms): their 24-hour customer-service window is open
// when since is now minus 24 hours. A send-to-many review uses it to
// estimate what a utility template would cost.
func (s *Store) GroupsWithOpenWindow(ctx context.Context, since int64) (map[int64]bool, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT DISTINCT group_id FROM messages
		WHERE direction = 'in' AND created_at >= ?`, since)
	if err != nil {
		return nil, fmt.Errorf("store: open windows: %w", err)
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: open windows: %w", err)
		}
		out[id] = true
	}
	return out, rows.Err()
}
