package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// Delivery outcomes.
const (
	OutcomeApplied   = "applied"
	OutcomeDuplicate = "duplicate"
	OutcomeFailed    = "failed"
	OutcomeDeferred  = "deferred"
)

// Isolate runs one change of a batch in a savepoint. If it fails, only
// that change is rolled back and its error kept: the rest of the batch
// still applies, and the delivery is marked failed for replay (which
// skips what was applied, by de-duplication key).
func (t *Tx) Isolate(fn func() error) error {
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

// Touched lists the groups this delivery changed.
func (t *Tx) Touched() []int64 {
	out := make([]int64, 0, len(t.touched))
	for id := range t.touched {
		out = append(out, id)
	}
	return out
}

func (t *Tx) touch(groupID int64) {
	if t.touched == nil {
		t.touched = map[int64]bool{}
	}
	t.touched[groupID] = true
}

// DeliveryResult tells the caller what a stored delivery did.
type DeliveryResult struct {
	ID      int64
	Outcome string
	Error   string
	Groups  []int64
}

// applyOne stores one delivery's raw body and applies it, inside the
// batch transaction tx (see SaveDelivery in commit.go).
func (s *Store) applyOne(ctx context.Context, tx *sql.Tx, r *deliveryReq, now int64, stmts map[string]*sql.Stmt) (DeliveryResult, error) {
	t := &Tx{tx: tx, ctx: ctx, now: now, stmts: stmts}
	res, err := t.exec(`INSERT INTO webhook_deliveries (received_at, fields, body, outcome)
		VALUES (?, ?, ?, 'applied')`, now, r.fields, r.body)
	if err != nil {
		return DeliveryResult{}, err
	}
	t.delivery, _ = res.LastInsertId()
	if err := callApply(r.apply, t); err != nil {
		return DeliveryResult{}, &applyError{err}
	}
	out := DeliveryResult{ID: t.delivery, Outcome: t.outcome(), Error: t.failureText(), Groups: t.Touched()}
	if out.Outcome != OutcomeApplied {
		err = t.setOutcome(t.delivery, out.Outcome, out.Error)
	}
	return out, err
}

// setOutcome records what applying a stored delivery did.
func (t *Tx) setOutcome(id int64, outcome, errText string) error {
	_, err := t.exec(`UPDATE webhook_deliveries SET outcome = ?, error = ? WHERE id = ?`, outcome, errText, id)
	return err
}

// callApply turns a panic while applying into an apply error: the
// delivery is kept as failed for replay after a fix, and the deliveries
// sharing its commit are unaffected.
func callApply(apply func(*Tx) error, t *Tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return apply(t)
}

type applyError struct{ err error }

func (e *applyError) Error() string { return e.err.Error() }

func (t *Tx) failureText() string { return strings.Join(t.failures, "; ") }

func (t *Tx) outcome() string {
	switch {
	case len(t.failures) > 0:
		return OutcomeFailed
	case t.fresh == 0 && t.deferred == 0:
		return OutcomeDuplicate
	case t.fresh == 0:
		return OutcomeDeferred
	}
	return OutcomeApplied
}

// Seen records a change's de-duplication key and reports whether it had
// been applied before.
func (t *Tx) Seen(key string) (bool, error) {
	r, err := t.exec(`INSERT INTO webhook_events (dedup_key, delivery_id, applied_at)
		VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, key, t.delivery, t.now)
	if err != nil {
		return false, fmt.Errorf("store: dedup: %w", err)
	}
	n, _ := r.RowsAffected()
	if n == 1 {
		t.fresh++
	}
	return n == 0, nil
}

// Forget undoes Seen for a change that was deferred instead of applied,
// so its later application is not taken for a duplicate.
func (t *Tx) Forget(key string) error {
	_, err := t.exec(`DELETE FROM webhook_events WHERE dedup_key = ?`, key)
	if err == nil {
		t.fresh--
	}
	return err
}

// Defer keeps a change that names a group the app does not know yet;
// waitKey says what it waits for ("group:<wa id>" or "request:<id>"). A
// retried delivery of a change already waiting is not kept twice: the
// same change always encodes to the same payload.
func (t *Tx) Defer(waitKey, field string, payload []byte) error {
	var dup int
	err := t.queryRow(`SELECT count(*) FROM deferred_events WHERE wait_key = ? AND payload = ?`,
		waitKey, payload).Scan(&dup)
	if err != nil {
		return fmt.Errorf("store: defer: %w", err)
	}
	if dup > 0 {
		return nil
	}
	_, err = t.exec(`INSERT INTO deferred_events (wait_key, delivery_id, field, payload, created_at)
		VALUES (?, ?, ?, ?, ?)`, waitKey, t.delivery, field, payload, t.now)
	if err != nil {
		return fmt.Errorf("store: defer: %w", err)
	}
	t.deferred++
	return nil
}

// DeferredEvent is a change waiting for its group.
type DeferredEvent struct {
	ID         int64
	DeliveryID int64
	Field      string
	Payload    []byte
}

// TakeDeferred removes and returns the changes waiting on any of keys.
func (t *Tx) TakeDeferred(keys ...string) ([]DeferredEvent, error) {
	var out []DeferredEvent
	for _, k := range keys {
		if k == "" {
			continue
		}
		rows, err := t.query(`DELETE FROM deferred_events WHERE wait_key = ?
			RETURNING id, delivery_id, field, payload`, k)
		if err != nil {
			return nil, fmt.Errorf("store: take deferred: %w", err)
		}
		for rows.Next() {
			var e DeferredEvent
			if err := rows.Scan(&e.ID, &e.DeliveryID, &e.Field, &e.Payload); err != nil {
				rows.Close()
				return nil, err
			}
			out = append(out, e)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
