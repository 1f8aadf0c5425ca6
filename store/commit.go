package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
)

// Group commit. With synchronous=FULL every commit waits for an fsync of
// the WAL, and one transaction per delivery made that wait the ceiling
// on webhook ingest (profiled: the CPU sat idle in the fsync syscall).
// So concurrent SaveDelivery calls are coalesced: one goroutine takes
// whatever deliveries are waiting, applies each inside its own savepoint
// of one transaction, commits once, and only then answers every caller.
// Durability per delivery is unchanged — nobody hears "stored" before the
// fsync that covers it — and a single delivery still commits at once,
// since the loop never waits for a batch to fill.

// maxBatch bounds how many deliveries share one commit, so one commit's
// latency stays bounded too.
const maxBatch = 256

// ErrClosed is returned for work handed to a closed store.
var ErrClosed = errors.New("store: closed")

// deliveryReq is one SaveDelivery waiting for its commit.
type deliveryReq struct {
	ctx    context.Context
	body   []byte
	fields string
	apply  func(*Tx) error
	res    DeliveryResult
	err    error
	done   chan struct{}
}

// SaveDelivery stores a raw webhook body and applies it with apply in the
// same transaction. When apply fails (or panics) the delivery is still
// stored, marked failed with the error, for replay. Only an error from
// storing itself is returned: then nothing was kept and the sender must
// retry. It returns after the commit that holds the delivery.
//
// apply may run twice: when another delivery of the same batch fails,
// the batch is rolled back and applied again (commitBatch). It must
// change nothing but the store, through t.
func (s *Store) SaveDelivery(ctx context.Context, body []byte, fields string, apply func(*Tx) error) (DeliveryResult, error) {
	r := &deliveryReq{ctx: ctx, body: body, fields: fields, apply: apply, done: make(chan struct{})}
	select {
	case s.deliveries <- r:
	case <-ctx.Done():
		return DeliveryResult{}, fmt.Errorf("store: save delivery: %w", ctx.Err())
	case <-s.closing:
		return DeliveryResult{}, ErrClosed
	}
	// Taken into a batch: it will be committed or refused; wait for which.
	<-r.done
	return r.res, r.err
}

func (s *Store) commitLoop() {
	defer close(s.loopDone)
	lastLen := 0
	for {
		var first *deliveryReq
		select {
		case first = <-s.deliveries:
		case <-s.closing:
			return
		}
		batch := []*deliveryReq{first}
		if lastLen > 1 {
			// Under load (the last batch had company), let the request
			// goroutines runnable on this core hand in their deliveries
			// before the batch is closed: no timed wait, but batches grew
			// from about 27 to 40 deliveries at concurrency 64, and each
			// commit's fsync and shared pages serve more of them.
			runtime.Gosched()
		}
	fill:
		for len(batch) < maxBatch {
			select {
			case r := <-s.deliveries:
				batch = append(batch, r)
			default:
				break fill
			}
		}
		s.commitBatch(batch)
		lastLen = len(batch)
		for _, r := range batch {
			close(r.done)
		}
	}
}

// commitBatch applies a batch and commits it. It first applies every
// delivery straight in the shared transaction; if one fails (or panics),
// that attempt is rolled back whole and the batch is applied again with
// each delivery in its own savepoint, so the failing one alone is rolled
// back and stored as failed. Failures are rare (a malformed body, a bug),
// and a savepoint per delivery cost about 5 % of ingest CPU: its
// statement journal copies every page a delivery touches.
func (s *Store) commitBatch(batch []*deliveryReq) {
	// The shared transaction must not die with one caller's request.
	ctx := context.Background()
	if !s.commitTx(ctx, batch, false) {
		s.commitTx(ctx, batch, true)
	}
	// The connection is free again: prepare what this batch met first.
	s.stmtc.prepareMissing(ctx, s.w)
}

// commitTx applies batch in one transaction and commits it, setting each
// caller's result. Without isolate it gives up (false, nothing committed)
// at the first delivery that fails to apply; with isolate it runs each in
// a savepoint (saveOne) and always settles the batch.
func (s *Store) commitTx(ctx context.Context, batch []*deliveryReq, isolate bool) bool {
	failAll := func(err error) bool {
		for _, r := range batch {
			r.res, r.err = DeliveryResult{}, fmt.Errorf("store: save delivery: %w", err)
		}
		return true
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return failAll(err)
	}
	defer tx.Rollback()
	// One Tx for the batch's own statements; each delivery gets its own
	// (applyOne) sharing the prepared statements.
	bt := &Tx{tx: tx, ctx: ctx, now: s.now(), stmts: map[string]*sql.Stmt{}, cache: &s.stmtc, fast: !isolate,
		wc: &s.wc, batched: true}
	if !isolate {
		bt.pend = s.wc.batch()
	}
	for _, r := range batch {
		if !isolate {
			if r.res, r.err = s.applyOne(context.WithoutCancel(r.ctx), bt, r); r.err != nil {
				return false
			}
			continue
		}
		if err := s.saveOne(bt, r); err != nil {
			return failAll(err) // the savepoints themselves failed: trust nothing in this transaction
		}
	}
	if err := tx.Commit(); err != nil {
		return failAll(err)
	}
	s.wc.commit(bt.pend)
	return true
}

// saveOne runs one delivery inside "SAVEPOINT delivery", setting r.res and
// r.err. It returns an error only when the savepoint machinery fails.
func (s *Store) saveOne(bt *Tx, r *deliveryReq) error {
	if _, err := bt.exec(`SAVEPOINT delivery`); err != nil {
		return err
	}
	r.res, r.err = s.applyOne(context.WithoutCancel(r.ctx), bt, r)
	if r.err != nil {
		if _, err := bt.exec(`ROLLBACK TO delivery`); err != nil {
			return err
		}
		var ae *applyError
		if errors.As(r.err, &ae) {
			r.res, r.err = DeliveryResult{Outcome: OutcomeFailed, Error: ae.err.Error()}, nil
			res, err := bt.exec(`INSERT INTO webhook_deliveries (received_at, fields, body, outcome, error)
				VALUES (?, ?, ?, 'failed', ?)`, bt.now, r.fields, r.body, r.res.Error)
			if err != nil {
				r.res, r.err = DeliveryResult{}, fmt.Errorf("store: save failed delivery: %w", err)
			} else {
				r.res.ID, _ = res.LastInsertId()
			}
		} else {
			r.err = fmt.Errorf("store: save delivery: %w", r.err)
		}
	}
	_, err := bt.exec(`RELEASE delivery`)
	return err
}
