package store

import "context"

// VisitsPastCap returns, per campaign, the visits by people (bots and
// link previews left out) that were only counted, past the row cap of
// RecordVisit: they count in the funnel but, having no time of their
// own, cannot be matched to a join.
func (s *Store) VisitsPastCap(ctx context.Context) (map[int64]int, error) {
	return s.countsByID(ctx, "visits past cap", `SELECT campaign_id, sum(n) FROM campaign_visit_counts
		WHERE device <> 'bot' GROUP BY campaign_id`)
}
