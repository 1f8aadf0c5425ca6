package store

import (
	"database/sql"
	"errors"
	"fmt"
)

// ResolveDeferredDelivery marks a delivery applied once none of its
// changes wait any longer.
func (t *Tx) ResolveDeferredDelivery(deliveryID int64) error {
	_, err := t.exec(`UPDATE webhook_deliveries SET outcome = 'applied'
		WHERE id = ?1 AND outcome = 'deferred' AND NOT EXISTS (SELECT 1 FROM deferred_events WHERE delivery_id = ?1)`, deliveryID)
	if err != nil {
		return fmt.Errorf("store: resolve deferred delivery: %w", err)
	}
	return nil
}

// Defer keeps a change that names a group the app does not know yet;
// waitKey says what it waits for ("group:<wa id>" or "request:<id>").
// The change is kept by reference: item is its position in the body of
// the delivery being applied, which is stored anyway, so the payload is
// not copied. dedupKey is the change's de-duplication key: a retried
// delivery of a change already waiting is not kept twice, found through
// a unique index instead of comparing with every change waiting for the
// same group.
func (t *Tx) Defer(waitKey, field, dedupKey string, item int) error {
	r, err := t.exec(`INSERT INTO deferred_events (wait_key, delivery_id, field, payload, created_at, item, dedup_key)
		VALUES (?, ?, ?, x'', ?, ?, ?) ON CONFLICT (dedup_key) WHERE dedup_key <> '' DO NOTHING`,
		waitKey, t.delivery, field, t.now, item, dedupKey)
	if err != nil {
		return fmt.Errorf("store: defer: %w", err)
	}
	if n, _ := r.RowsAffected(); n == 1 {
		t.deferred++
	}
	return nil
}

// DeferredEvent is a change waiting for its group: item of the body of
// delivery DeliveryID, or (rows kept before retention) its own Payload.
type DeferredEvent struct {
	ID         int64
	DeliveryID int64
	Field      string
	Item       int
	DedupKey   string
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
			RETURNING id, delivery_id, field, item, dedup_key, payload`, k)
		if err != nil {
			return nil, fmt.Errorf("store: take deferred: %w", err)
		}
		for rows.Next() {
			var e DeferredEvent
			if err := rows.Scan(&e.ID, &e.DeliveryID, &e.Field, &e.Item, &e.DedupKey, &e.Payload); err != nil {
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

// DeliveryBody returns a stored delivery's raw body, for a waiting change
// kept by reference.
func (t *Tx) DeliveryBody(id int64) ([]byte, error) {
	var body []byte
	err := t.queryRow(`SELECT body FROM webhook_deliveries WHERE id = ?`, id).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: delivery body %d: %w", id, err)
	}
	return body, nil
}
