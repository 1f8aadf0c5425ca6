package store

import (
	"context"
	"fmt"
)

// VisitsPastCap returns, per campaign, the visits by people (bots and
// link previews left out) that were only counted, past the row cap of
// RecordVisit: they count in the funnel but, having no time of their
// own, cannot be matched to a join.
func (s *Store) VisitsPastCap(ctx context.Context) (map[int64]int, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT campaign_id, sum(n) FROM campaign_visit_counts
		WHERE device <> 'bot' GROUP BY campaign_id`)
	if err != nil {
		return nil, fmt.Errorf("store: visits past cap: %w", err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, fmt.Errorf("store: visits past cap: %w", err)
		}
		out[id] = n
	}
	return out, rows.Err()
}
