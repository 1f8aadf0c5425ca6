package store

import (
	"context"
	"fmt"
	"strings"
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

// LiveSubjects returns, for each of subjects that a live group (creating,
// active or deleting) already has, ignoring case, one such group's id; a
// bulk create warns about them before creating look-alikes.
func (s *Store) LiveSubjects(ctx context.Context, subjects []string) (map[string]int64, error) {
	out := map[string]int64{}
	for len(subjects) > 0 {
		n := min(len(subjects), 500) // well under SQLite's bound on parameters
		args := make([]any, n)
		for i, sub := range subjects[:n] {
			args[i] = sub
		}
		subjects = subjects[n:]
		rows, err := s.r.QueryContext(ctx, `SELECT lower(subject), min(id) FROM groups
			WHERE status IN ('creating', 'active', 'deleting') AND lower(subject) IN (`+
			strings.TrimSuffix(strings.Repeat("lower(?),", n), ",")+`) GROUP BY lower(subject)`, args...)
		if err != nil {
			return nil, fmt.Errorf("store: live subjects: %w", err)
		}
		for rows.Next() {
			var sub string
			var id int64
			if err := rows.Scan(&sub, &id); err != nil {
				rows.Close()
				return nil, fmt.Errorf("store: live subjects: %w", err)
			}
			out[sub] = id
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("store: live subjects: %w", err)
		}
	}
	return out, nil
}
