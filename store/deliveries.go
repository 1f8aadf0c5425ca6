package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// DeliveryCounts counts stored webhook deliveries by outcome.
func (s *Store) DeliveryCounts(ctx context.Context) (map[string]int, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT outcome, count(*) FROM webhook_deliveries GROUP BY outcome`)
	if err != nil {
		return nil, fmt.Errorf("store: delivery counts: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var o string
		var n int
		if err := rows.Scan(&o, &n); err != nil {
			return nil, err
		}
		out[o] = n
	}
	return out, rows.Err()
}

// Delivery is one stored webhook POST.
type Delivery struct {
	ID         int64
	ReceivedAt int64
	Fields     string
	Outcome    string
	Error      string
	Size       int
	Body       []byte // only from DeliveryByID
}

// DeliveryFilter selects a page of the event log.
type DeliveryFilter struct {
	Outcome string
	Field   string
	Limit   int
	Offset  int
}

// Deliveries returns a page of stored deliveries, newest first, and how
// many match in all.
func (s *Store) Deliveries(ctx context.Context, f DeliveryFilter) ([]Delivery, int, error) {
	var where []string
	var args []any
	if f.Outcome != "" {
		where = append(where, `outcome = ?`)
		args = append(args, f.Outcome)
	}
	if f.Field != "" {
		// fields is a sorted comma list; match whole names only.
		where = append(where, `(',' || fields || ',') LIKE ? ESCAPE '\'`)
		args = append(args, "%,"+escapeLike(f.Field)+",%")
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	var total int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM webhook_deliveries`+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count deliveries: %w", err)
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	rows, err := s.r.QueryContext(ctx, `SELECT id, received_at, fields, outcome, error, length(body)
		FROM webhook_deliveries`+cond+` ORDER BY id DESC LIMIT ? OFFSET ?`, append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: deliveries: %w", err)
	}
	defer rows.Close()
	var out []Delivery
	for rows.Next() {
		var d Delivery
		if err := rows.Scan(&d.ID, &d.ReceivedAt, &d.Fields, &d.Outcome, &d.Error, &d.Size); err != nil {
			return nil, 0, fmt.Errorf("store: deliveries: %w", err)
		}
		out = append(out, d)
	}
	return out, total, rows.Err()
}

// DeliveryByID returns one delivery with its raw body.
func (s *Store) DeliveryByID(ctx context.Context, id int64) (*Delivery, error) {
	var d Delivery
	err := s.r.QueryRowContext(ctx, `SELECT id, received_at, fields, outcome, error, length(body), body
		FROM webhook_deliveries WHERE id = ?`, id).Scan(&d.ID, &d.ReceivedAt, &d.Fields, &d.Outcome, &d.Error, &d.Size, &d.Body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: delivery %d: %w", id, err)
	}
	return &d, nil
}

// ReplayDelivery applies a stored delivery's body again with apply, under
// the same de-duplication keys, and records the new outcome on the same
// row: changes applied before count as duplicates, so a replay can only
// add what failed. If apply fails again the row keeps its new error.
func (s *Store) ReplayDelivery(ctx context.Context, id int64, apply func(t *Tx, body []byte) error) (DeliveryResult, error) {
	var res DeliveryResult
	err := s.write(ctx, func(t *Tx) error {
		var body []byte
		if err := t.queryRow(`SELECT body FROM webhook_deliveries WHERE id = ?`, id).Scan(&body); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return ErrNotFound
			}
			return err
		}
		t.delivery = id
		if err := apply(t, body); err != nil {
			return &applyError{err}
		}
		res = DeliveryResult{ID: id, Outcome: t.outcome(), Error: t.failureText(), Groups: t.Touched(), Parts: t.TouchedParts()}
		return t.setOutcome(id, res.Outcome, res.Error)
	})
	var ae *applyError
	switch {
	case errors.As(err, &ae):
		res = DeliveryResult{ID: id, Outcome: OutcomeFailed, Error: ae.err.Error()}
		if err := s.write(ctx, func(t *Tx) error { return t.setOutcome(id, OutcomeFailed, res.Error) }); err != nil {
			return res, fmt.Errorf("store: replay delivery %d: %w", id, err)
		}
		return res, nil
	case errors.Is(err, ErrNotFound):
		return res, err
	case err != nil:
		return res, fmt.Errorf("store: replay delivery %d: %w", id, err)
	}
	return res, nil
}

// Delivery outcomes.
const (
	OutcomeApplied   = "applied"
	OutcomeDuplicate = "duplicate"
	OutcomeFailed    = "failed"
	OutcomeDeferred  = "deferred"
)

// DeliveryResult tells the caller what a stored delivery did.
type DeliveryResult struct {
	ID      int64
	Outcome string
	Error   string
	Groups  []int64
	Parts   []GroupParts // what of each of Groups changed
}

// applyOne stores one delivery's raw body and applies it, inside the
// batch transaction tx (see SaveDelivery in commit.go).
func (s *Store) applyOne(ctx context.Context, bt *Tx, r *deliveryReq) (DeliveryResult, error) {
	t := &Tx{tx: bt.tx, ctx: ctx, now: bt.now, stmts: bt.stmts, cache: bt.cache, fast: bt.fast,
		wc: bt.wc, pend: bt.pend, batched: bt.batched}
	res, err := t.exec(`INSERT INTO webhook_deliveries (received_at, fields, body, outcome)
		VALUES (?, ?, ?, 'applied')`, t.now, r.fields, r.body)
	if err != nil {
		return DeliveryResult{}, err
	}
	t.delivery, _ = res.LastInsertId()
	if err := callApply(r.apply, t); err != nil {
		return DeliveryResult{}, &applyError{err}
	}
	out := DeliveryResult{ID: t.delivery, Outcome: t.outcome(), Error: t.failureText(), Groups: t.Touched(), Parts: t.TouchedParts()}
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

// FailedDeliveriesWith counts the failed deliveries whose error contains
// text, e.g. ingest.ErrOtherNumber for deliveries sent for another
// business phone number.
func (s *Store) FailedDeliveriesWith(ctx context.Context, text string) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM webhook_deliveries
		WHERE outcome = 'failed' AND instr(error, ?) > 0`, text).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: count failed deliveries: %w", err)
	}
	return n, nil
}
