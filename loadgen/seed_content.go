package loadgen

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"
)

// SeedContent stores messages received and feed lines of people joining
// and leaving, as if they had come in over spread ending at newest:
// set-up for a soak whose message and activity retention is just shorter
// than their age, so they come due during it at the rate the soak's own
// content arrives. Messages go to the groups of BenchWorld(groups) (each
// is its own feed line); join and leave lines to groups 1–100, as the
// soak's; waiting changes (each with its deferred delivery) for the
// soak's 1,000 unknown groups, for a 1-day GROUPDECK_KEEP_WAITING.
func SeedContent(ctx context.Context, path string, messages, lines, waiting, groups int, newest time.Time, spread time.Duration) error {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(OFF)&_pragma=cache_size(-65536)")
	if err != nil {
		return fmt.Errorf("loadgen: seed content: %w", err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	end := newest.UnixMilli()
	for _, part := range []struct {
		n    int
		q    string
		args func(i int, at int64) []any
	}{
		{messages, `INSERT INTO messages (group_id, direction, wamid, kind, body, sender_key, sender_name, state, created_at, sent_at)
			VALUES (?, 'in', ?, 'text', ?, ?, ?, 'received', ?, ?)`, func(i int, at int64) []any {
			g := 1 + i*7919%groups
			from := strconv.Itoa(15557000000 + i)
			return []any{g, "wamid.content." + strconv.Itoa(i), "seeded message " + strconv.Itoa(i), from, "Seed " + strconv.Itoa(i), at, at}
		}},
		{waiting, `INSERT INTO webhook_deliveries (received_at, fields, body, outcome) VALUES (?1, 'messages', ?2, 'deferred');
			INSERT INTO deferred_events (wait_key, delivery_id, field, payload, created_at, item, dedup_key)
				VALUES (?3, last_insert_rowid(), 'messages', x'', ?1, 0, ?4)`, func(i int, at int64) []any {
			g := "lg-unknown-seed-" + strconv.Itoa(i%1000)
			wamid := "wamid.waiting." + strconv.Itoa(i)
			return []any{at, Message(g, wamid, "15558000000", "Seed", "waiting"), "group:" + g, "m:" + wamid}
		}},
		{lines, `INSERT INTO activity (at, group_id, kind, who, detail) VALUES (?, ?, ?, ?, '')`, func(i int, at int64) []any {
			kind := []string{"join", "leave"}[i%2]
			return []any{at, 1 + i%100, kind, "+" + strconv.Itoa(15550200000+i%100)}
		}},
	} {
		if part.n <= 0 {
			continue
		}
		step := max(spread.Milliseconds()/int64(part.n), 1)
		if err := seedRows(ctx, db, part.q, part.n, func(i int) []any { return part.args(i, end-int64(part.n-i)*step) }); err != nil {
			return err
		}
	}
	_, err = db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	return err
}

// seedRows runs q n times with args(i), 50,000 to a transaction.
func seedRows(ctx context.Context, db *sql.DB, q string, n int, args func(i int) []any) error {
	for start := 0; start < n; start += 50000 {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("loadgen: seed content: %w", err)
		}
		st, err := tx.PrepareContext(ctx, q)
		if err != nil {
			tx.Rollback()
			return fmt.Errorf("loadgen: seed content: %w", err)
		}
		for i := start; i < min(start+50000, n); i++ {
			if _, err := st.ExecContext(ctx, args(i)...); err != nil {
				tx.Rollback()
				return fmt.Errorf("loadgen: seed content %d: %w", i, err)
			}
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("loadgen: seed content: %w", err)
		}
	}
	return nil
}
