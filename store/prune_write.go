package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"time"
)

// pruneWrite runs fn in a write transaction for retention and reports how
// long it held the writer: from having the writer's connection (not from
// waiting for it) to handing it back.
//
// Its commit does not wait for an fsync (synchronous=NORMAL for this one
// transaction). Measured under load, the fsync was nearly all of the
// longest pruning holds (a 10 ms delete, then 250 ms in fsync behind other
// programs' writes), and a webhook acknowledgement queued behind it waited
// as long. Deleting rows that are past their retention needs no
// durability of its own: a power cut can at worst bring them back, to be
// deleted at the next run. Every webhook commit still runs with
// synchronous=FULL, and its fsync of the WAL covers the frames this
// transaction wrote before it, so nothing acknowledged depends on this.
func (s *Store) pruneWrite(ctx context.Context, fn func(*Tx) error) (time.Duration, error) {
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return 0, err
	}
	t0 := time.Now()
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `PRAGMA synchronous = NORMAL`); err != nil {
		return 0, err
	}
	// Nor does it run the writer's fallback checkpoint (writerAutoCheckpoint)
	// in its commit: pruning fills the WAL fast, and the commit that crossed
	// the bound copied it into the database file and synced that file,
	// 50–250 ms of holding the writer. The background checkpoint
	// (checkpoint.go) copies pruning's pages as it does everything else's.
	if _, err := conn.ExecContext(ctx, `PRAGMA wal_autocheckpoint = 0`); err != nil {
		conn.Raw(func(any) error { return driver.ErrBadConn })
		return time.Since(t0), err
	}
	err = func() error {
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		if err := fn(&Tx{tx: tx, ctx: ctx, now: s.now(), wc: &s.wc}); err != nil {
			return err
		}
		return tx.Commit()
	}()
	// The writer never goes back to webhooks without synchronous=FULL and
	// its checkpoint bound: if those cannot be set, the connection is
	// discarded (the pool opens a new one with the pragmas of the DSN).
	_, rerr := conn.ExecContext(context.Background(), `PRAGMA synchronous = FULL`)
	if rerr == nil {
		_, rerr = conn.ExecContext(context.Background(), fmt.Sprintf(`PRAGMA wal_autocheckpoint = %d`, writerAutoCheckpoint))
	}
	if rerr != nil {
		conn.Raw(func(any) error { return driver.ErrBadConn })
		if ctx.Err() == nil { // else the cancelled transaction explains it
			err = errors.Join(err, rerr)
		}
	}
	return time.Since(t0), err
}

// pruneBatches deletes in pruneWrite transactions until chunk deletes
// fewer rows than it was asked for. chunk deletes up to limit rows; a
// transaction runs it at least once, then again while fewer than rows
// rows went (no cap when rows is 0) and its budget lasts. After each
// transaction held is told how long it held the writer; unless that was
// the last, the run pauses at least as long (so pruning takes at most
// half of the writer's time) and then calls between, if set. It returns
// the rows deleted; a cancelled ctx ends it early without an error of
// its own.
func (s *Store) pruneBatches(ctx context.Context, b pruneBatch, chunk func(t *Tx, limit int) (int64, error)) (int64, error) {
	var total int64
	for ctx.Err() == nil {
		var n int64
		var done bool
		hold, err := s.pruneWrite(ctx, func(t *Tx) error {
			n, done = 0, false
			t0 := time.Now()
			for {
				limit := pruneChunk
				if b.rows > 0 {
					limit = min(pruneChunk, b.rows-int(n))
				}
				k, err := chunk(t, limit)
				if err != nil {
					return err
				}
				n += k
				done = k < int64(limit)
				if done || (b.rows > 0 && n >= int64(b.rows)) || time.Since(t0) >= b.budget {
					return nil
				}
			}
		})
		if err != nil {
			return total, err
		}
		total += n
		if b.held != nil {
			b.held(hold)
		}
		if done {
			break
		}
		pause(ctx, max(b.pause, hold))
		if b.between != nil {
			b.between()
		}
	}
	return total, nil
}

// pruneBatch shapes a pruneBatches run.
type pruneBatch struct {
	rows          int           // most rows one transaction deletes; 0 for no cap
	budget, pause time.Duration // a transaction's time budget; the least pause after it
	held          func(hold time.Duration)
	between       func()
}
