package store

import (
	"context"
	"fmt"
)

// DeliveryCounts counts stored webhook deliveries by outcome.
func (s *Store) DeliveryCounts(ctx context.Context) (map[string]int, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT outcome, count(*) FROM webhook_deliveries GROUP BY outcome`)
	if err != nil {
		return nil, fmt.Errorf("store: delivery counts: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var o string
		var n int
		if err := rows.Scan(&o, &n); err != nil {
			return nil, err
		}
		out[o] = n
	}
	return out, rows.Err()
}
