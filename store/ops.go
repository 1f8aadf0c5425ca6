package store

import (
	"context"
	"fmt"
)

// OpsStats are the figures /metrics and /readyz report, read in one
// query so a scrape costs one round trip to the reader pool.
type OpsStats struct {
	OutboxQueued  int64 // messages queued or being sent
	HookPending   int64 // outgoing webhook deliveries waiting
	HookOldest    int64 // when the oldest waiting one was queued (Unix ms; 0: none)
	HookFailed    int64 // given up after a day of retries, still in the log window
	LastWebhookAt int64 // the last webhook received from WhatsApp (Unix ms; 0: never)
	JobsActive    int64
	JobsTotal     int64 // items of active jobs
	JobsProcessed int64 // of which done, failed or skipped
	DBBytes       int64 // page_count × page_size of the main file
}

// Ops reads the operations figures.
func (s *Store) Ops(ctx context.Context) (OpsStats, error) {
	var o OpsStats
	err := s.r.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM messages WHERE state IN ('queued', 'sending')),
		(SELECT count(*) FROM hook_deliveries WHERE state = 'pending'),
		(SELECT coalesce(min(created_at), 0) FROM hook_deliveries WHERE state = 'pending'),
		(SELECT count(*) FROM hook_deliveries WHERE state = 'failed'),
		coalesce((SELECT received_at FROM webhook_deliveries ORDER BY id DESC LIMIT 1), 0),
		(SELECT count(*) FROM jobs WHERE state IN ('queued', 'running', 'waiting')),
		(SELECT coalesce(sum(total), 0) FROM jobs WHERE state IN ('queued', 'running', 'waiting')),
		(SELECT coalesce(sum(done + failed + skipped), 0) FROM jobs WHERE state IN ('queued', 'running', 'waiting')),
		(SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size())`).Scan(
		&o.OutboxQueued, &o.HookPending, &o.HookOldest, &o.HookFailed, &o.LastWebhookAt,
		&o.JobsActive, &o.JobsTotal, &o.JobsProcessed, &o.DBBytes)
	if err != nil {
		return o, fmt.Errorf("store: ops: %w", err)
	}
	return o, nil
}
