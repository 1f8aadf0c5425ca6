package store

import (
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
