package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// HookEndpoint is a URL an admin registered to receive outgoing webhooks.
type HookEndpoint struct {
	ID        int64
	URL       string
	Secret    string
	Events    []string
	Enabled   bool
	CreatedAt int64
	LastOKAt  int64
	LastErrAt int64
	Pending   int // deliveries waiting (filled by HookEndpoints)
}

// eventList stores event names between commas so instr() matches whole
// names only ("group.created" never matches "group.created_x").
func eventList(events []string) string { return "," + strings.Join(events, ",") + "," }

func parseEvents(s string) []string {
	var out []string
	for _, e := range strings.Split(s, ",") {
		if e != "" {
			out = append(out, e)
		}
	}
	return out
}

// CreateHookEndpoint registers an endpoint.
func (t *Tx) CreateHookEndpoint(e *HookEndpoint) error {
	res, err := t.exec(`INSERT INTO hook_endpoints (url, secret, events, enabled, created_at) VALUES (?, ?, ?, ?, ?)`,
		e.URL, e.Secret, eventList(e.Events), e.Enabled, t.now)
	if err != nil {
		return fmt.Errorf("store: create hook endpoint: %w", err)
	}
	e.ID, _ = res.LastInsertId()
	e.CreatedAt = t.now
	return nil
}

// UpdateHookEndpoint changes an endpoint's URL, events and whether it is
// enabled; an empty secret keeps the current one.
func (t *Tx) UpdateHookEndpoint(e *HookEndpoint) error {
	res, err := t.exec(`UPDATE hook_endpoints SET url = ?, events = ?, enabled = ?,
		secret = coalesce(nullif(?, ''), secret) WHERE id = ?`, e.URL, eventList(e.Events), e.Enabled, e.Secret, e.ID)
	if err != nil {
		return fmt.Errorf("store: update hook endpoint: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// DeleteHookEndpoint removes an endpoint with its deliveries and log.
func (t *Tx) DeleteHookEndpoint(id int64) error {
	res, err := t.exec(`DELETE FROM hook_endpoints WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("store: delete hook endpoint: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

const endpointCols = `e.id, e.url, e.secret, e.events, e.enabled, e.created_at, e.last_ok_at, e.last_err_at,
	(SELECT count(*) FROM hook_deliveries d WHERE d.endpoint_id = e.id AND d.state = 'pending')`

func scanEndpoint(sc interface{ Scan(...any) error }) (*HookEndpoint, error) {
	var e HookEndpoint
	var events string
	if err := sc.Scan(&e.ID, &e.URL, &e.Secret, &events, &e.Enabled, &e.CreatedAt, &e.LastOKAt, &e.LastErrAt, &e.Pending); err != nil {
		return nil, err
	}
	e.Events = parseEvents(events)
	return &e, nil
}

// HookEndpoints lists every endpoint, oldest first.
func (s *Store) HookEndpoints(ctx context.Context) ([]*HookEndpoint, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+endpointCols+` FROM hook_endpoints e ORDER BY e.id`)
	if err != nil {
		return nil, fmt.Errorf("store: hook endpoints: %w", err)
	}
	defer rows.Close()
	var out []*HookEndpoint
	for rows.Next() {
		e, err := scanEndpoint(rows)
		if err != nil {
			return nil, fmt.Errorf("store: hook endpoints: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// HookEndpoint returns one endpoint.
func (s *Store) HookEndpoint(ctx context.Context, id int64) (*HookEndpoint, error) {
	e, err := scanEndpoint(s.r.QueryRowContext(ctx, `SELECT `+endpointCols+` FROM hook_endpoints e WHERE e.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: hook endpoint: %w", err)
	}
	return e, nil
}

// HookEvent is one event to post, as EmitHook records it.
type HookEvent struct {
	Kind    string
	GroupID int64  // orders deliveries: one at a time per endpoint and group
	Once    string // non-empty: emit only the first event with this key
	Data    []byte // JSON
	At      int64  // when it happened (Unix ms); 0 for now
}

// EmitHook records an event and a pending delivery for every enabled
// endpoint subscribed to its kind, in the caller's transaction: the event
// exists exactly when the change it describes does.
func (t *Tx) EmitHook(e HookEvent) error {
	at := e.At
	if at == 0 {
		at = t.now
	}
	var once any
	if e.Once != "" {
		once = e.Once
	}
	res, err := t.exec(`INSERT INTO hook_events (kind, group_id, once_key, data, created_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (once_key) DO NOTHING`, e.Kind, e.GroupID, once, string(e.Data), at)
	if err != nil {
		return fmt.Errorf("store: emit hook: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil // already emitted
	}
	id, _ := res.LastInsertId()
	_, err = t.exec(`INSERT INTO hook_deliveries (endpoint_id, event_id, group_id, next_at, created_at)
		SELECT id, ?, ?, ?3, ?3 FROM hook_endpoints WHERE enabled AND instr(events, ?4) > 0`,
		id, e.GroupID, t.now, ","+e.Kind+",")
	if err != nil {
		return fmt.Errorf("store: emit hook: %w", err)
	}
	return nil
}

// EmitHookTo records an event for one endpoint only ("send test event").
func (t *Tx) EmitHookTo(endpointID int64, e HookEvent) error {
	res, err := t.exec(`INSERT INTO hook_events (kind, group_id, data, created_at) VALUES (?, ?, ?, ?)`,
		e.Kind, e.GroupID, string(e.Data), t.now)
	if err != nil {
		return fmt.Errorf("store: emit hook: %w", err)
	}
	id, _ := res.LastInsertId()
	_, err = t.exec(`INSERT INTO hook_deliveries (endpoint_id, event_id, group_id, next_at, created_at)
		VALUES (?, ?, ?, ?4, ?4)`, endpointID, id, e.GroupID, t.now)
	if err != nil {
		return fmt.Errorf("store: emit hook: %w", err)
	}
	return nil
}

// HookSubscriptions returns the event kinds some enabled endpoint wants,
// so emitters skip the rest without touching the database.
func (s *Store) HookSubscriptions(ctx context.Context) (map[string]bool, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT events FROM hook_endpoints WHERE enabled`)
	if err != nil {
		return nil, fmt.Errorf("store: hook subscriptions: %w", err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var ev string
		if err := rows.Scan(&ev); err != nil {
			return nil, err
		}
		for _, k := range parseEvents(ev) {
			out[k] = true
		}
	}
	return out, rows.Err()
}
