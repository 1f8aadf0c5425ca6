package loadgen

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// SeedSoakDeliveries stores n raw deliveries and their keys as a
// deployment keeps them after its 1-day message retention deleted the
// content they once wrote: MixedBody("seed", i), so they are the same
// sizes and shapes as the soak's own, received over spread ending at
// newest. A retry, and a status (the soak's repeat), is stored as a
// duplicate without a key; a message for
// a group that never appeared as failed ("group never appeared"), as
// the waiting retention left it.
func SeedSoakDeliveries(ctx context.Context, path string, n, groups int, newest time.Time, spread time.Duration) error {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(OFF)&_pragma=cache_size(-65536)")
	if err != nil {
		return fmt.Errorf("loadgen: seed soak deliveries: %w", err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	end := newest.UnixMilli()
	step := max(spread.Milliseconds()/int64(max(n, 1)), 1)
	err = seedRows(ctx, db, `INSERT INTO webhook_deliveries (received_at, fields, body, outcome, error) VALUES (?, 'messages', ?, ?, ?)`, n, func(i int) []any {
		at := end - int64(n-i)*step
		outcome, errText := "applied", ""
		switch k := i % 20; {
		case k < 9:
			// The soak's statuses cycle through 20,000 (message,
			// participant, status) triples: after its first minute every
			// one is a duplicate of a key already seen.
			outcome = "duplicate"
		case k == 17:
			outcome, errText = "failed", "group never appeared: waited for group:lg-unknown until the retention ran out"
		case k >= 18:
			outcome = "duplicate"
		}
		return []any{at, MixedBody("seed", int64(i), groups), outcome, errText}
	})
	if err != nil {
		return err
	}
	// Keys name their delivery: one per delivery that is not a duplicate
	// (the database holds no other deliveries yet).
	if _, err := db.ExecContext(ctx, `INSERT INTO webhook_events (dedup_key, delivery_id, applied_at)
		SELECT 'seed:' || id, id, received_at FROM webhook_deliveries WHERE outcome <> 'duplicate'`); err != nil {
		return fmt.Errorf("loadgen: seed soak keys: %w", err)
	}
	_, err = db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	return err
}
