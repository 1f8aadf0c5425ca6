package store

import (
	"context"
	"database/sql"
	"time"
)

// Checkpoints off the commit path (issue 19). With SQLite's automatic
// checkpoint, the commit that takes the WAL past 1,000 pages copies them
// into the database file and fsyncs it before the group commit can answer
// its webhooks. On a large database each batch dirties pages all over the
// per-group indexes, so that happened every few commits and ingest slowed
// as the database grew. A background connection now checkpoints PASSIVE
// (never waiting for, nor blocking, the writer or readers) a few times a
// second; the writer's own automatic checkpoint stays only as a bound on
// the WAL should the background one fall behind.

// checkpointEvery is how often the background checkpoint runs.
const checkpointEvery = 200 * time.Millisecond

// writerAutoCheckpoint is the writer's fallback, in pages (64 MB).
const writerAutoCheckpoint = 16384

func (s *Store) checkpointLoop(ck *sql.DB) {
	defer close(s.ckDone)
	tick := time.NewTicker(checkpointEvery)
	defer tick.Stop()
	for {
		select {
		case <-s.closing:
			return
		case <-tick.C:
		}
		// An error (the database busy or closing) is retried next tick;
		// the writer's fallback bounds the WAL meanwhile.
		ck.ExecContext(context.Background(), `PRAGMA wal_checkpoint(PASSIVE)`)
	}
}

// checkpointCaughtUp runs a PASSIVE checkpoint (a few times if writes keep
// coming) until the WAL is copied completely, so the next write can start
// the WAL from its beginning. Retention calls it between its batches: its
// own commits leave the checkpointing to the background (prune_write.go),
// and a background checkpoint that always finishes a little behind the
// next batch never completes, so the WAL would only grow while pruning
// runs. It never holds the writer; webhooks commit while it copies.
func (s *Store) checkpointCaughtUp(ctx context.Context) {
	for range 3 {
		var busy, log, done int
		if err := s.ck.QueryRowContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &log, &done); err != nil || log == done {
			return
		}
	}
}
