package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Tx is one write transaction. Every change the store makes goes through
// a Tx: Store methods open one with write (or WithTx), and the group
// commit (commit.go) hands one to each webhook delivery, all sharing the
// batch's transaction and its prepared statements. Methods applying a
// webhook change take the event's own time (Unix ms), so that events
// arriving out of order settle on the newest.
type Tx struct {
	tx       *sql.Tx
	ctx      context.Context
	now      int64
	delivery int64 // the webhook delivery being applied; 0 outside ingest
	fresh    int   // changes not seen before
	deferred int
	// touched lists distinct groups and what changed in each, in a slice
	// (a delivery touches one or a few: no map per delivery), indexed by
	// touchedAt past a few dozen (parts.go).
	touched   []GroupParts
	touchedAt map[int64]int
	failures  []string
	stmts     map[string]*sql.Stmt // prepared in tx, shared by a batch
	cache     *stmtCache           // the writer's statements, for the group commit
	// fast: the group commit's first attempt at a batch, which a failure
	// abandons (commit.go); Isolate then needs no savepoints.
	fast bool
	// The writer's cache of committed people and group ids
	// (writercache.go); pend is what the batch read, in its first attempt
	// only; batched is set in the group commit.
	wc      *writerCache
	pend    *cacheBatch
	batched bool
	msg     msgLookup // the last receipt's message lookup (receipts.go)
}

// write runs fn in one write transaction and commits it when fn
// succeeds. It is the store's one way to change data outside the group
// commit.
func (s *Store) write(ctx context.Context, fn func(*Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(&Tx{tx: tx, ctx: ctx, now: s.now(), wc: &s.wc}); err != nil {
		return err
	}
	return tx.Commit()
}

// WithTx runs fn in one write transaction, for callers that combine
// changes (a change and its audit row, a group appearing and the webhook
// changes that waited for it). It returns the groups fn changed.
func (s *Store) WithTx(ctx context.Context, fn func(*Tx) error) ([]int64, error) {
	var touched []int64
	err := s.write(ctx, func(t *Tx) error {
		if err := fn(t); err != nil {
			return err
		}
		touched = t.Touched()
		return nil
	})
	return touched, err
}

// exec runs one statement in its own write transaction.
func (s *Store) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	var res sql.Result
	err := s.write(ctx, func(t *Tx) error {
		var err error
		res, err = t.exec(q, args...)
		return err
	})
	return res, err
}

// WithDelivery runs fn with the changes it records counted as applied by
// delivery id: a deferred change resumes under the delivery that brought
// it, not the one that let it apply.
func (t *Tx) WithDelivery(id int64, fn func() error) error {
	prev := t.delivery
	t.delivery = id
	defer func() { t.delivery = prev }()
	return fn()
}

// exec and queryRow run a statement prepared once per transaction (in
// the group commit, once per connection: stmtcache.go): a group commit
// applies many deliveries with the same few statements, and compiling
// each again was a large share of the writer's CPU.
func (t *Tx) exec(q string, args ...any) (sql.Result, error) {
	st, err := t.stmt(q)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(t.ctx, args...)
}

func (t *Tx) queryRow(q string, args ...any) *sql.Row {
	st, err := t.stmt(q)
	if err != nil {
		return t.tx.QueryRowContext(t.ctx, q, args...) // reports the same error on Scan
	}
	return st.QueryRowContext(t.ctx, args...)
}

// query is for statements returning rows, which are run rarely enough
// not to be worth preparing.
func (t *Tx) query(q string, args ...any) (*sql.Rows, error) {
	return t.tx.QueryContext(t.ctx, q, args...)
}

func (t *Tx) stmt(q string) (*sql.Stmt, error) {
	if st := t.stmts[q]; st != nil {
		return st, nil
	}
	var st *sql.Stmt
	if p := t.cache.get(q); p != nil {
		st = t.tx.StmtContext(t.ctx, p) // the connection's statement, bound to tx
	} else {
		var err error
		if st, err = t.tx.PrepareContext(t.ctx, q); err != nil {
			return nil, err
		}
	}
	if t.stmts == nil {
		t.stmts = map[string]*sql.Stmt{}
	}
	t.stmts[q] = st
	return st, nil
}

func (t *Tx) lookup(q string, arg string) (int64, bool, error) {
	if arg == "" {
		return 0, false, nil
	}
	var id int64
	err := t.queryRow(q, arg).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("store: lookup group: %w", err)
	}
	return id, true, nil
}

// Isolate runs one change of a batch in a savepoint. If it fails, only
// that change is rolled back and its error kept: the rest of the batch
// still applies, and the delivery is marked failed for replay (which
// skips what was applied, by de-duplication key).
//
// In the group commit's first attempt at a batch (t.fast) a failing
// change fails its whole delivery instead: the attempt is rolled back and
// the batch applied again with savepoints, here and per delivery. A
// savepoint per change cost about a third of a batch's CPU.
func (t *Tx) Isolate(fn func() error) error {
	if t.fast {
		return fn()
	}
	if _, err := t.exec(`SAVEPOINT change`); err != nil {
		return fmt.Errorf("store: savepoint: %w", err)
	}
	fresh, deferred := t.fresh, t.deferred
	if err := fn(); err != nil {
		if _, rerr := t.exec(`ROLLBACK TO change`); rerr != nil {
			return fmt.Errorf("store: rollback change: %w", rerr)
		}
		t.fresh, t.deferred = fresh, deferred
		t.failures = append(t.failures, err.Error())
	}
	if _, err := t.exec(`RELEASE change`); err != nil {
		return fmt.Errorf("store: release savepoint: %w", err)
	}
	return nil
}
