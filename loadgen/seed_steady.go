package loadgen

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"
)

// Steady describes the history a soak starts from: a deployment older
// than every retention, where each kind of row the soak's mix adds
// (MixedBody) has an old one coming due at the same moment. Every
// second of the load from Start for Load has, for each kind, rows
// stored exactly one retention earlier, at the rate the mix adds them:
// raw deliveries (all of Rate, at Deliveries) with keys where the mix
// makes new ones (retries and the repeated statuses are duplicates,
// messages for unknown groups deferred),
// waiting changes (5 %, at Waiting), received messages (30 %, at
// Messages) and join or leave feed lines (10 %, at Lines). Pruning then
// deletes as much as the load adds, and the tables stay the size they
// have. Receipts are not seeded: the mix's receipts update a fixed set
// of rows (MixedBody).
type Steady struct {
	Rate, Groups                         int
	Start                                time.Time     // when the load starts
	Load                                 time.Duration // warm-up plus the measured part
	Deliveries, Waiting, Messages, Lines time.Duration
}

// SeedSteady stores s's history in the database at path, straight into
// the tables, in large transactions: set-up, not a measurement.
func SeedSteady(ctx context.Context, path string, s Steady) error {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(OFF)&_pragma=cache_size(-65536)")
	if err != nil {
		return fmt.Errorf("loadgen: seed steady: %w", err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	n := int64(float64(s.Rate) * s.Load.Seconds())
	start, step := s.Start.UnixMilli(), 1000/float64(s.Rate)
	const perTx = 50000
	for from := int64(0); from < n; from += perTx {
		if err := s.chunk(ctx, db, from, min(from+perTx, n), start, step); err != nil {
			return err
		}
	}
	_, err = db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	return err
}

// chunk seeds the rows that come due with deliveries from..to of the load.
func (s Steady) chunk(ctx context.Context, db *sql.DB, from, to, start int64, step float64) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("loadgen: seed steady: %w", err)
	}
	defer tx.Rollback()
	var perr error
	prep := func(q string) *sql.Stmt {
		st, err := tx.PrepareContext(ctx, q)
		if perr == nil {
			perr = err
		}
		return st
	}
	del := prep(`INSERT INTO webhook_deliveries (received_at, fields, body, outcome) VALUES (?, 'messages', ?, ?)`)
	key := prep(`INSERT INTO webhook_events (dedup_key, delivery_id, applied_at) VALUES (?, ?, ?)`)
	wait := prep(`INSERT INTO deferred_events (wait_key, delivery_id, field, payload, created_at, item, dedup_key)
		VALUES (?, ?, 'messages', x'', ?, 0, ?)`)
	msg := prep(`INSERT INTO messages (group_id, direction, wamid, kind, body, sender_key, sender_name, state, created_at, sent_at)
		VALUES (?, 'in', ?, 'text', ?, ?, ?, 'received', ?, ?)`)
	line := prep(`INSERT INTO activity (at, group_id, kind, who, detail) VALUES (?, ?, ?, ?, ?)`)
	if perr != nil {
		return fmt.Errorf("loadgen: seed steady: %w", perr)
	}
	ago := func(at int64, d time.Duration) int64 { return at - d.Milliseconds() }
	for i := from; i < to; i++ {
		at := start + int64(float64(i)*step) // when the load's delivery i arrives
		kind, outcome := i%20, "applied"
		switch {
		case kind >= 18 || kind < 9:
			// Retries, and the mix's statuses: those repeat 8,000 bodies
			// (MixedBody), so after the first minutes they add no key.
			outcome = "duplicate"
		case kind == 17:
			outcome = "deferred"
		}
		id := "seed." + strconv.FormatInt(i, 10)
		res, err := del.ExecContext(ctx, ago(at, s.Deliveries), MixedBody("seed", i, s.Groups), outcome)
		if err == nil {
			did, _ := res.LastInsertId()
			switch outcome {
			case "applied":
				_, err = key.ExecContext(ctx, "seed:"+id, did, ago(at, s.Deliveries))
			case "deferred":
				_, err = wait.ExecContext(ctx, "group:lg-unknown-"+strconv.FormatInt(i%1000, 10), did, ago(at, s.Waiting), "seed:"+id)
			}
		}
		if err == nil && kind >= 9 && kind < 15 {
			g, from := 1+i*7919%int64(s.Groups), SoakSender(i)
			_, err = msg.ExecContext(ctx, g, "wamid.steady."+strconv.FormatInt(i, 10), "seeded message "+id, from, "Person "+from, ago(at, s.Messages), ago(at, s.Messages))
		}
		if err == nil && (kind == 15 || kind == 16) {
			k, detail := "join", "joined"
			if kind == 16 {
				k, detail = "leave", "left"
			}
			_, err = line.ExecContext(ctx, ago(at, s.Lines), 1+i%100, k, "Person "+strconv.FormatInt(i%100, 10), detail)
		}
		if err != nil {
			return fmt.Errorf("loadgen: seed steady %d: %w", i, err)
		}
	}
	return tx.Commit()
}
