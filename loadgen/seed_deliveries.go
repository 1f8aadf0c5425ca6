package loadgen

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"
)

// UnknownGroupBody is delivery n of a run for groups the app does not
// know (one of 1,000): every change waits for its group, the shape of
// the slowdown.
func UnknownGroupBody(run string, n int64) []byte {
	from := strconv.FormatInt(15556000000+n, 10)
	return Message("lg-unknown-"+strconv.FormatInt(n%1000, 10), MessageID(run, n), from, "Unknown "+strconv.FormatInt(n, 10),
		"load test message for a group the app does not know")
}

// SeedDeliveries stores n applied deliveries as if they had come in over
// the last spread, straight into the tables a delivery writes (the raw
// body, its de-duplication key, the message and its feed line), in large
// transactions: set-up for measuring ingest on a big database, not a
// measurement. spread should stay inside the retention (13 days against
// the default 14 for keys) so the server's first pruning run does not
// delete them while ingest is measured.
func SeedDeliveries(ctx context.Context, path string, n, groups int, spread time.Duration) error {
	return SeedDeliveriesUntil(ctx, path, n, groups, time.Now().Add(-time.Hour), spread)
}

// SeedDeliveriesUntil is SeedDeliveries with the newest delivery received
// at newest.
func SeedDeliveriesUntil(ctx context.Context, path string, n, groups int, newest time.Time, spread time.Duration) error {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(OFF)&_pragma=cache_size(-65536)")
	if err != nil {
		return fmt.Errorf("loadgen: seed deliveries: %w", err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	now := newest.UnixMilli()
	step := max(spread.Milliseconds()/int64(max(n, 1)), 1)
	const perTx = 50000
	for start := 0; start < n; start += perTx {
		if err := seedChunk(ctx, db, start, min(start+perTx, n), n, groups, now, step); err != nil {
			return err
		}
	}
	_, err = db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	return err
}

func seedChunk(ctx context.Context, db *sql.DB, from, to, n, groups int, now, step int64) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("loadgen: seed deliveries: %w", err)
	}
	defer tx.Rollback()
	prep := func(q string) *sql.Stmt {
		if err != nil {
			return nil
		}
		var st *sql.Stmt
		st, err = tx.PrepareContext(ctx, q)
		return st
	}
	del := prep(`INSERT INTO webhook_deliveries (received_at, fields, body, outcome) VALUES (?, 'messages', ?, 'applied')`)
	key := prep(`INSERT INTO webhook_events (dedup_key, delivery_id, applied_at) VALUES (?, ?, ?)`)
	msg := prep(`INSERT INTO messages (group_id, direction, wamid, kind, body, sender_key, sender_name, state, created_at, sent_at)
		VALUES (?, 'in', ?, 'text', ?, ?, ?, 'received', ?, ?)`)
	act := prep(`INSERT INTO activity (at, group_id, kind, who, detail) VALUES (?, ?, 'message', ?, ?)`)
	if err != nil {
		return fmt.Errorf("loadgen: seed deliveries: %w", err)
	}
	for i := from; i < to; i++ {
		at := now - int64(n-i)*step
		g := 1 + i*7919%groups
		wamid := MessageID("seed", int64(i))
		from := strconv.Itoa(15554000000 + i)
		text := "seeded message " + wamid
		res, err := del.ExecContext(ctx, at, IngestBody("seed", int64(i), groups))
		if err != nil {
			return fmt.Errorf("loadgen: seed delivery %d: %w", i, err)
		}
		id, _ := res.LastInsertId()
		if _, err := key.ExecContext(ctx, "m:"+wamid, id, at); err != nil {
			return fmt.Errorf("loadgen: seed key %d: %w", i, err)
		}
		if _, err := msg.ExecContext(ctx, g, wamid, text, from, "Seed "+strconv.Itoa(i), at, at); err != nil {
			return fmt.Errorf("loadgen: seed message %d: %w", i, err)
		}
		if _, err := act.ExecContext(ctx, at, g, "Seed "+strconv.Itoa(i), text); err != nil {
			return fmt.Errorf("loadgen: seed activity %d: %w", i, err)
		}
	}
	return tx.Commit()
}
