package store

import (
	"context"
	"fmt"
)

// HookDelivery is one event on its way to one endpoint.
type HookDelivery struct {
	ID         int64
	EndpointID int64
	EventID    int64
	GroupID    int64
	Kind       string
	Data       []byte
	State      string // pending, delivered, failed
	Attempts   int
	NextAt     int64
	CreatedAt  int64
	EventAt    int64
	URL        string
	Secret     string
}

// DueHookDeliveries returns up to limit deliveries to attempt now: for each
// endpoint and group only the oldest pending one, and only when it is due,
// so a group's events reach an endpoint one at a time and in order.
func (s *Store) DueHookDeliveries(ctx context.Context, now int64, limit int) ([]*HookDelivery, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT d.id, d.endpoint_id, d.event_id, d.group_id, ev.kind, ev.data, d.state,
			d.attempts, d.next_at, d.created_at, ev.created_at, e.url, e.secret
		FROM (SELECT min(id) AS id FROM hook_deliveries WHERE state = 'pending' GROUP BY endpoint_id, group_id) h
		JOIN hook_deliveries d ON d.id = h.id
		JOIN hook_events ev ON ev.id = d.event_id
		JOIN hook_endpoints e ON e.id = d.endpoint_id
		WHERE d.next_at <= ? ORDER BY d.next_at, d.id LIMIT ?`, now, limit)
	if err != nil {
		return nil, fmt.Errorf("store: due hook deliveries: %w", err)
	}
	defer rows.Close()
	var out []*HookDelivery
	for rows.Next() {
		var d HookDelivery
		var data string
		if err := rows.Scan(&d.ID, &d.EndpointID, &d.EventID, &d.GroupID, &d.Kind, &data, &d.State,
			&d.Attempts, &d.NextAt, &d.CreatedAt, &d.EventAt, &d.URL, &d.Secret); err != nil {
			return nil, fmt.Errorf("store: due hook deliveries: %w", err)
		}
		d.Data = []byte(data)
		out = append(out, &d)
	}
	return out, rows.Err()
}

// NextHookDue returns when the earliest pending delivery is due (Unix ms),
// or 0 when none is pending.
func (s *Store) NextHookDue(ctx context.Context) (int64, error) {
	var at int64
	err := s.r.QueryRowContext(ctx, `SELECT coalesce(min(next_at), 0) FROM hook_deliveries WHERE state = 'pending'`).Scan(&at)
	return at, err
}

// HookAttempt is one try at posting a delivery, as the log shows it.
type HookAttempt struct {
	ID         int64
	EndpointID int64
	DeliveryID int64
	EventID    int64
	Kind       string
	At         int64
	Status     int
	LatencyMS  int64
	Error      string
	Response   string
	State      string // the delivery's state now (filled by HookAttempts)
}

// hookLogKeep bounds the attempt log per endpoint.
const hookLogKeep = 500

// RecordHookAttempt logs an attempt and moves the delivery on: delivered,
// failed for good, or pending again at nextAt.
func (s *Store) RecordHookAttempt(ctx context.Context, a HookAttempt, state string, nextAt int64) error {
	return s.write(ctx, func(t *Tx) error {
		if _, err := t.exec(`INSERT INTO hook_attempts (endpoint_id, delivery_id, event_id, kind, at, status, latency_ms, error, response)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, a.EndpointID, a.DeliveryID, a.EventID, a.Kind, a.At, a.Status,
			a.LatencyMS, a.Error, a.Response); err != nil {
			return fmt.Errorf("store: record hook attempt: %w", err)
		}
		if _, err := t.exec(`DELETE FROM hook_attempts WHERE endpoint_id = ?1 AND id <= (
			SELECT id FROM hook_attempts WHERE endpoint_id = ?1 ORDER BY id DESC LIMIT 1 OFFSET ?2)`,
			a.EndpointID, hookLogKeep); err != nil {
			return fmt.Errorf("store: trim hook log: %w", err)
		}
		done := int64(0)
		if state != "pending" {
			done = a.At
		}
		if _, err := t.exec(`UPDATE hook_deliveries SET state = ?, attempts = attempts + 1, next_at = ?, done_at = ?
			WHERE id = ?`, state, nextAt, done, a.DeliveryID); err != nil {
			return fmt.Errorf("store: record hook attempt: %w", err)
		}
		col := "last_ok_at"
		if state != "delivered" {
			col = "last_err_at"
		}
		_, err := t.exec(`UPDATE hook_endpoints SET `+col+` = ? WHERE id = ?`, a.At, a.EndpointID)
		return err
	})
}

// HookAttempts lists an endpoint's newest attempts first.
func (s *Store) HookAttempts(ctx context.Context, endpointID int64, limit int) ([]HookAttempt, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT a.id, a.endpoint_id, a.delivery_id, a.event_id, a.kind, a.at, a.status,
			a.latency_ms, a.error, a.response, coalesce(d.state, '')
		FROM hook_attempts a LEFT JOIN hook_deliveries d ON d.id = a.delivery_id
		WHERE a.endpoint_id = ? ORDER BY a.id DESC LIMIT ?`, endpointID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: hook attempts: %w", err)
	}
	defer rows.Close()
	var out []HookAttempt
	for rows.Next() {
		var a HookAttempt
		if err := rows.Scan(&a.ID, &a.EndpointID, &a.DeliveryID, &a.EventID, &a.Kind, &a.At, &a.Status,
			&a.LatencyMS, &a.Error, &a.Response, &a.State); err != nil {
			return nil, fmt.Errorf("store: hook attempts: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Redeliver queues an event again for an endpoint, after whatever that
// group still has pending there.
func (t *Tx) Redeliver(endpointID, eventID int64) error {
	res, err := t.exec(`INSERT INTO hook_deliveries (endpoint_id, event_id, group_id, next_at, created_at)
		SELECT ?, id, group_id, ?3, ?3 FROM hook_events WHERE id = ?2`, endpointID, eventID, t.now)
	if err != nil {
		return fmt.Errorf("store: redeliver: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// HookQueue reports the pending deliveries and the age of the oldest
// (Unix ms of its creation; 0 when none), for /readyz and /metrics.
func (s *Store) HookQueue(ctx context.Context) (pending int64, oldest int64, err error) {
	err = s.r.QueryRowContext(ctx, `SELECT count(*), coalesce(min(created_at), 0) FROM hook_deliveries
		WHERE state = 'pending'`).Scan(&pending, &oldest)
	return pending, oldest, err
}

// PruneHookEvents deletes delivered or failed deliveries finished before
// the given time, and events no delivery needs any more.
func (s *Store) PruneHookEvents(ctx context.Context, before int64) error {
	return s.write(ctx, func(t *Tx) error {
		if _, err := t.exec(`DELETE FROM hook_deliveries WHERE state <> 'pending' AND done_at < ?`, before); err != nil {
			return fmt.Errorf("store: prune hook deliveries: %w", err)
		}
		_, err := t.exec(`DELETE FROM hook_events WHERE created_at < ? AND NOT EXISTS (
			SELECT 1 FROM hook_deliveries d WHERE d.event_id = hook_events.id)`, before)
		return err
	})
}
