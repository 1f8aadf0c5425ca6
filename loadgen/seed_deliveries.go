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
// the last spread, straight into the tables a delivery writes, in large
// transactions: set-up for measuring ingest on a big database, not a
// measurement. Like real traffic, eight in ten are delivered or read
// statuses of messages the business sent to the busy groups of
// BenchWorld(groups) (the raw body, its de-duplication key, the message
// row and its receipt), the rest inbound messages (the raw body, key and
// the message, which is also its activity feed line). spread should stay inside the retention
// (13 days against the default 14 for keys) so the server's first
// pruning run does not delete them while ingest is measured.
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
	w := BenchWorld(groups)
	for start := 0; start < n; start += perTx {
		if err := seedChunk(ctx, db, w, start, min(start+perTx, n), n, now, step); err != nil {
			return err
		}
	}
	_, err = db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	return err
}

// seeder holds a chunk's prepared statements.
type seeder struct {
	del, key, msg, out, delivered, read *sql.Stmt
}

func prepareSeeder(ctx context.Context, tx *sql.Tx) (*seeder, error) {
	var err error
	prep := func(q string) *sql.Stmt {
		if err != nil {
			return nil
		}
		var st *sql.Stmt
		st, err = tx.PrepareContext(ctx, q)
		return st
	}
	s := &seeder{
		del: prep(`INSERT INTO webhook_deliveries (received_at, fields, body, outcome) VALUES (?, 'messages', ?, 'applied')`),
		key: prep(`INSERT INTO webhook_events (dedup_key, delivery_id, applied_at) VALUES (?, ?, ?)`),
		msg: prep(`INSERT INTO messages (group_id, direction, wamid, kind, body, sender_key, sender_name, state, created_at, sent_at)
			VALUES (?, 'in', ?, 'text', ?, ?, ?, 'received', ?, ?)`),
		out: prep(`INSERT INTO messages (group_id, direction, wamid, kind, body, sender_key, sender_name, state, created_at, sent_at)
			VALUES (?, 'out', ?, 'text', 'Earlier news for the group', '', '', 'sent', ?, ?)`),
		delivered: prep(`INSERT INTO receipts (wamid, participant, delivered_at) VALUES (?, ?, ?)`),
		read:      prep(`UPDATE receipts SET read_at = ? WHERE wamid = ? AND participant = ?`),
	}
	if err != nil {
		return nil, fmt.Errorf("loadgen: seed deliveries: %w", err)
	}
	return s, nil
}

func seedChunk(ctx context.Context, db *sql.DB, w World, from, to, n int, now, step int64) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("loadgen: seed deliveries: %w", err)
	}
	defer tx.Rollback()
	s, err := prepareSeeder(ctx, tx)
	if err != nil {
		return err
	}
	for i := from; i < to; i++ {
		at := now - int64(n-i)*step
		if k := i % 10; k < 8 {
			err = s.status(ctx, w, int64(i/10*8+k), at)
		} else {
			err = s.message(ctx, w, i, at)
		}
		if err != nil {
			return fmt.Errorf("loadgen: seed delivery %d: %w", i, err)
		}
	}
	return tx.Commit()
}

// delivery stores the raw body and its key.
func (s *seeder) delivery(ctx context.Context, body []byte, key string, at int64) error {
	res, err := s.del.ExecContext(ctx, at, body)
	if err != nil {
		return err
	}
	id, _ := res.LastInsertId()
	_, err = s.key.ExecContext(ctx, key, id, at)
	return err
}

// status seeds status j of the history: for each earlier message the
// business sent, every member's delivered, then every member's read.
func (s *seeder) status(ctx context.Context, w World, j, at int64) error {
	per := int64(w.Members) * 2
	msg, r := j/per, j%per
	g := w.ActiveGroup(int(msg))
	wamid := "wamid.hist." + strconv.FormatInt(msg, 10)
	p := MemberWaID(g, int(r%int64(w.Members)))
	st := "delivered"
	if r >= int64(w.Members) {
		st = "read"
	}
	if r == 0 {
		if _, err := s.out.ExecContext(ctx, g, wamid, at, at); err != nil {
			return err
		}
	}
	if err := s.delivery(ctx, Delivery(StatusChange(WAGroupID(g), wamid, p, st, "", at/1000)), "s:"+wamid+":"+st+":"+p+":", at); err != nil {
		return err
	}
	var err error
	if st == "delivered" {
		_, err = s.delivered.ExecContext(ctx, wamid, p, at)
	} else {
		_, err = s.read.ExecContext(ctx, at, wamid, p)
	}
	return err
}

// message seeds inbound message i.
func (s *seeder) message(ctx context.Context, w World, i int, at int64) error {
	g := 1 + i*7919%w.Groups
	wamid := MessageID("seed", int64(i))
	from := strconv.Itoa(15554000000 + i)
	text := "seeded message " + wamid
	if err := s.delivery(ctx, Message(WAGroupID(g), wamid, from, "Seed "+strconv.Itoa(i), text), "m:"+wamid, at); err != nil {
		return err
	}
	_, err := s.msg.ExecContext(ctx, g, wamid, text, from, "Seed "+strconv.Itoa(i), at, at)
	return err
}
