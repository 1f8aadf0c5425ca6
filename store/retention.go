package store

import (
	"context"
	"fmt"
	"time"
)

// Retention of webhook bookkeeping (issue 19). Raw deliveries, their
// de-duplication keys and changes waiting for an unknown group would
// otherwise be kept forever; ingest slowed as they piled up. Prune deletes
// them in small batches, each its own short write transaction through the
// store's one writer, pausing between batches so webhook commits queued
// behind it go first. A batch is bounded by rows and by time (Budget):
// it deletes a few dozen rows per statement and commits once its budget
// is spent, so a batch that meets a cold cache or a busy machine still
// hands the writer back quickly.

// Retention says how long each kind of row is kept. A zero duration keeps
// that kind forever.
type Retention struct {
	Applied time.Duration // deliveries applied or duplicate
	Failed  time.Duration // failed deliveries not replayed successfully
	Dedup   time.Duration // de-duplication keys (cover Meta's retries)
	Waiting time.Duration // changes waiting for a group that never appeared
	// Messages is how long messages (received and sent) and their
	// receipts are kept (retention_messages.go); 0, the default, keeps
	// them forever.
	Messages time.Duration
	// StrayScan is how many receipt wamids one run checks for receipts
	// left without a message (retention_receipts.go); 50,000 when 0.
	StrayScan int
	Batch     int           // most rows one transaction deletes; 500 when 0
	Budget    time.Duration // a transaction stops deleting after this long; 5 ms when 0
	Pause     time.Duration // between batches, and at least the batch's hold; 5 ms when 0
}

// pruneChunk is how many rows one statement of a batch deletes: the
// batch checks its time budget between statements.
const pruneChunk = 50

// pruneBudget and prunePause are a batch's time budget and the least
// pause after it, unless Retention says otherwise. The pause is at least
// as long as the batch held the writer, so pruning takes at most half of
// the writer's time: a webhook arriving during a pruning run waits behind
// one short batch, not behind a run of them.
const (
	pruneBudget = 5 * time.Millisecond
	prunePause  = 5 * time.Millisecond
)

// PruneResult tells what a Prune run deleted and how long its longest
// write transaction held the writer.
type PruneResult struct {
	Applied, Failed, Keys, Expired int64
	// Messages deleted, their receipts, and the feed lines of messages
	// received before migration 0026 (activity rows).
	Messages, Receipts, MessageLines int64
	// StrayReceipts are the receipts deleted with no message (counted in
	// Receipts too): retention_receipts.go.
	StrayReceipts int64
	FreedPages    int64
	Batches       int
	LongestHold   time.Duration
	SlowHolds     int // transactions that held the writer over 50 ms
}

// NeverAppeared starts the error of a delivery whose waiting change
// expired: shown in the event log.
const NeverAppeared = "group never appeared"

// Prune applies the retention r as of now.
func (s *Store) Prune(ctx context.Context, r Retention) (PruneResult, error) {
	if r.Batch <= 0 {
		r.Batch = 500
	}
	if r.Pause <= 0 {
		r.Pause = prunePause
	}
	if r.Budget <= 0 {
		r.Budget = pruneBudget
	}
	now := s.now()
	var res PruneResult
	// Deliveries are kept at least as long as their keys, which name them.
	atLeast := func(d time.Duration) time.Duration {
		if r.Dedup == 0 || d == 0 {
			return 0
		}
		return max(d, r.Dedup)
	}
	deliveries := func(outcome string) func(t *Tx, bound int64, limit int) (int64, error) {
		return func(t *Tx, bound int64, limit int) (int64, error) {
			return t.execN(`DELETE FROM webhook_deliveries WHERE id IN
				(SELECT id FROM webhook_deliveries d WHERE outcome = ? AND id < ?
					AND NOT EXISTS (SELECT 1 FROM deferred_events e WHERE e.delivery_id = d.id)
					AND NOT EXISTS (SELECT 1 FROM webhook_events k WHERE k.delivery_id = d.id)
				ORDER BY id LIMIT ?)`, outcome, bound, limit)
		}
	}
	steps := []struct {
		keep  time.Duration
		n     *int64
		byID  bool // bound is a delivery id, not a time
		chunk func(t *Tx, bound int64, limit int) (int64, error)
	}{
		{r.Waiting, &res.Expired, false, func(t *Tx, before int64, limit int) (int64, error) { return t.expireWaiting(before, limit) }},
		{r.Dedup, &res.Keys, true, func(t *Tx, bound int64, limit int) (int64, error) {
			return t.execN(`DELETE FROM webhook_events WHERE dedup_key IN
				(SELECT dedup_key FROM webhook_events WHERE delivery_id < ? LIMIT ?)`, bound, limit)
		}},
		{atLeast(r.Applied), &res.Applied, true, deliveries(OutcomeApplied)},
		{atLeast(r.Applied), &res.Applied, true, deliveries(OutcomeDuplicate)},
		{atLeast(r.Failed), &res.Failed, true, deliveries(OutcomeFailed)},
		{r.Messages, &res.Messages, false, s.pruneMessages(&res)},
		{r.Messages, &res.MessageLines, false, pruneMessageLines},
		{r.Messages, new(int64), false, s.pruneStrayReceipts(&res, r.StrayScan)}, // counts itself
	}
	for _, st := range steps {
		if st.keep <= 0 {
			continue
		}
		bound := now - st.keep.Milliseconds()
		if st.byID {
			var err error
			if bound, err = s.firstDeliveryFrom(ctx, bound); err != nil {
				return res, err
			}
		}
		n, err := s.pruneBatches(ctx, pruneBatch{rows: r.Batch, budget: r.Budget, pause: r.Pause,
			held: func(hold time.Duration) { res.hold(hold); res.Batches++ },
			between: func() {
				if res.Batches%20 == 0 {
					s.checkpointCaughtUp(ctx)
					s.vacuumStep(ctx, &res, r.Pause, r.Budget) // return space as it frees, not only at the end
				}
			}}, func(t *Tx, limit int) (int64, error) { return st.chunk(t, bound, limit) })
		*st.n += n
		if err != nil {
			return res, fmt.Errorf("store: prune: %w", err)
		}
	}
	for ctx.Err() == nil && s.vacuumStep(ctx, &res, r.Pause, r.Budget) {
	}
	return res, ctx.Err()
}

func (r *PruneResult) hold(d time.Duration) {
	r.LongestHold = max(r.LongestHold, d)
	if d > 50*time.Millisecond {
		r.SlowHolds++
	}
}

// vacuumPages is how many free pages one incremental vacuum statement
// returns (256 KB); a vacuum transaction runs such statements until the
// time budget is spent or vacuumMaxPages (2 MB) are returned.
const (
	vacuumPages    = 64
	vacuumMaxPages = 512
)

// vacuumReserve is the share of the database's pages kept free for the
// next inserts to reuse. A steady deployment frees at every pass about
// what the next interval adds: returning all of it made every pass move
// pages to shrink the file (writer time, and the soak's slowest
// acknowledgements) only for the next interval to grow it again. Space
// beyond the reserve, as after a first pass over a large backlog, still
// comes back.
const vacuumReserve = 10 // per cent

// vacuumStep returns one chunk of free pages beyond the reserve to the
// file system and reports whether there was any to return.
func (s *Store) vacuumStep(ctx context.Context, res *PruneResult, p, budget time.Duration) bool {
	var pages, free int64
	if err := s.r.QueryRowContext(ctx, `SELECT (SELECT page_count FROM pragma_page_count), (SELECT freelist_count FROM pragma_freelist_count)`).Scan(&pages, &free); err != nil {
		return false
	}
	excess := free - pages*vacuumReserve/100
	if excess <= 0 {
		return false
	}
	var freed int64
	hold, err := s.pruneWrite(ctx, func(t *Tx) error {
		freed = 0
		t0 := time.Now()
		for {
			n, err := t.vacuum(int(min(vacuumPages, excess-freed)))
			if err != nil {
				return err
			}
			freed += n
			if n < vacuumPages || freed >= min(vacuumMaxPages, excess) || time.Since(t0) >= budget {
				return nil
			}
		}
	})
	if err != nil || freed == 0 {
		return false
	}
	res.hold(hold)
	res.FreedPages += freed
	pause(ctx, max(p, hold))
	return true
}

func (t *Tx) execN(q string, args ...any) (int64, error) {
	r, err := t.exec(q, args...)
	if err != nil {
		return 0, err
	}
	return r.RowsAffected()
}

func pause(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

// expireWaiting deletes one batch of changes waiting since before, and
// marks their deliveries: "group never appeared", failed when nothing
// else of them applied, so they show in the event log and can be
// replayed if the group turns up after all.
func (t *Tx) expireWaiting(before int64, batch int) (int64, error) {
	rows, err := t.query(`DELETE FROM deferred_events WHERE id IN
		(SELECT id FROM deferred_events WHERE created_at < ? ORDER BY created_at LIMIT ?)
		RETURNING delivery_id, wait_key`, before, batch)
	if err != nil {
		return 0, err
	}
	var n int64
	waits := map[int64]string{}
	for rows.Next() {
		var id int64
		var key string
		if err := rows.Scan(&id, &key); err != nil {
			rows.Close()
			return 0, err
		}
		n++
		if waits[id] == "" {
			waits[id] = key
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for id, key := range waits {
		msg := fmt.Sprintf("%s: waited for %s until the retention ran out", NeverAppeared, key)
		if _, err := t.exec(`UPDATE webhook_deliveries SET
			outcome = CASE WHEN outcome = 'deferred' AND NOT EXISTS
				(SELECT 1 FROM deferred_events WHERE delivery_id = ?1) THEN 'failed' ELSE outcome END,
			error = CASE WHEN error = '' THEN ?2 ELSE error || '; ' || ?2 END
			WHERE id = ?1`, id, msg); err != nil {
			return 0, err
		}
	}
	return n, nil
}

// firstDeliveryFrom returns the id of the first delivery received at or
// after at (Unix ms), by binary search over ids, which grow with time:
// received_at has no index, and a scan would read every old row. It is
// 0 when there are no deliveries.
func (s *Store) firstDeliveryFrom(ctx context.Context, at int64) (int64, error) {
	var lo, hi int64
	// min and max in one SELECT defeat SQLite's min/max optimisation and
	// read a whole index (94 MB at a million deliveries, at every start and
	// pruning run); each in its own subquery is one probe of the rowid tree.
	if err := s.r.QueryRowContext(ctx, `SELECT coalesce((SELECT min(id) FROM webhook_deliveries), 0),
		coalesce((SELECT max(id) FROM webhook_deliveries), 0)`).Scan(&lo, &hi); err != nil || hi == 0 {
		return 0, err
	}
	receivedFrom := func(id int64) (int64, error) {
		var r int64
		err := s.r.QueryRowContext(ctx, `SELECT received_at FROM webhook_deliveries WHERE id >= ? ORDER BY id LIMIT 1`, id).Scan(&r)
		return r, err
	}
	last, err := receivedFrom(hi)
	if err != nil {
		return 0, err
	}
	if last < at {
		return hi + 1, nil
	}
	for lo < hi {
		mid := lo + (hi-lo)/2
		r, err := receivedFrom(mid)
		if err != nil {
			return 0, err
		}
		if r >= at {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo, nil
}

// vacuum returns up to pages free pages to the file system, with the
// database in incremental auto-vacuum (see ensureIncrementalVacuum), and
// reports how many it returned.
func (t *Tx) vacuum(pages int) (int64, error) {
	var before, after int64
	if err := t.queryRow(`PRAGMA freelist_count`).Scan(&before); err != nil {
		return 0, err
	}
	if _, err := t.tx.ExecContext(t.ctx, fmt.Sprintf(`PRAGMA incremental_vacuum(%d)`, pages)); err != nil {
		return 0, fmt.Errorf("store: incremental vacuum: %w", err)
	}
	if err := t.queryRow(`PRAGMA freelist_count`).Scan(&after); err != nil {
		return 0, err
	}
	return before - after, nil
}

// ensureIncrementalVacuum puts the database in incremental auto-vacuum,
// so pages that retention frees can be returned to the file system
// (vacuumSome) instead of only reused. Switching needs a VACUUM, which
// rewrites the file once: at the first start with this version, for a
// database created before it (a long start for a large one, logged by
// the caller's start-up time), and instantly for a new one.
func (s *Store) ensureIncrementalVacuum(ctx context.Context) error {
	var mode int
	if err := s.w.QueryRowContext(ctx, `PRAGMA auto_vacuum`).Scan(&mode); err != nil {
		return fmt.Errorf("store: auto_vacuum: %w", err)
	}
	if mode == 2 {
		return nil
	}
	if _, err := s.w.ExecContext(ctx, `PRAGMA auto_vacuum = INCREMENTAL`); err != nil {
		return fmt.Errorf("store: auto_vacuum: %w", err)
	}
	// Even a new file needs the VACUUM: in WAL mode its header is already
	// written, and the setting alone does not stick. On an empty file it
	// costs nothing.
	if _, err := s.w.ExecContext(ctx, `VACUUM`); err != nil {
		return fmt.Errorf("store: vacuum to switch on incremental auto-vacuum: %w", err)
	}
	return nil
}
