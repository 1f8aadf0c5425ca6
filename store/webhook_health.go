package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Webhook health, for the Connection page: the last subscription
// handshake, the last signed delivery and the deliveries refused for a
// bad signature.

const (
	settingHandshake = "webhook.handshake"
	hourMs           = int64(time.Hour / time.Millisecond)
	// refusalKeep is how long hourly refusal counts are kept: a day to
	// report, plus a margin.
	refusalKeep = 48 * hourMs
)

// WebhookHealth is what the store knows about webhooks arriving. Times are
// Unix ms; 0 means never.
type WebhookHealth struct {
	// HandshakeAt is the last answered handshake, HandshakeRefusedAt the
	// last refused one (wrong verify token or mode). Both are kept: the
	// endpoint is public, so a refusal may come from someone other than Meta.
	HandshakeAt        int64
	HandshakeRefusedAt int64
	// LastDeliveryAt is when the newest signed delivery was stored.
	LastDeliveryAt int64
	// Refused24h counts deliveries refused for their signature in the
	// last 24 hours (counted by the hour, so up to 25 hours).
	Refused24h    int
	LastRefusedAt int64
}

type handshake struct {
	OK      int64 `json:"ok_at"`
	Refused int64 `json:"refused_at"`
}

// RecordHandshake notes a webhook subscription handshake and whether it
// was answered.
func (s *Store) RecordHandshake(ctx context.Context, ok bool) error {
	return s.write(ctx, func(t *Tx) error {
		var hs handshake
		err := t.queryRow(`SELECT value FROM settings WHERE key = ?`, settingHandshake).Scan(scanJSON{&hs})
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("store: read handshake: %w", err)
		}
		if ok {
			hs.OK = t.now
		} else {
			hs.Refused = t.now
		}
		b, _ := json.Marshal(hs)
		return t.SetSetting(settingHandshake, b)
	})
}

// scanJSON decodes a stored JSON value; a value that does not decode is
// treated as empty rather than failing the write that replaces it.
type scanJSON struct{ v any }

func (j scanJSON) Scan(src any) error {
	if b, ok := src.([]byte); ok {
		_ = json.Unmarshal(b, j.v)
	} else if s, ok := src.(string); ok {
		_ = json.Unmarshal([]byte(s), j.v)
	}
	return nil
}

// RecordRefusedSignatures counts n deliveries refused for their signature.
func (s *Store) RecordRefusedSignatures(ctx context.Context, n int) error {
	return s.write(ctx, func(t *Tx) error {
		hour := t.now - t.now%hourMs
		if _, err := t.exec(`INSERT INTO webhook_refusals (hour, refused, last_at) VALUES (?, ?, ?)
			ON CONFLICT (hour) DO UPDATE SET refused = refused + excluded.refused, last_at = max(last_at, excluded.last_at)`, hour, n, t.now); err != nil {
			return fmt.Errorf("store: count refused signature: %w", err)
		}
		if _, err := t.exec(`DELETE FROM webhook_refusals WHERE hour < ?`, t.now-refusalKeep); err != nil {
			return fmt.Errorf("store: prune refused signatures: %w", err)
		}
		return nil
	})
}

// WebhookHealth reads the handshake, the newest delivery and the refusals.
func (s *Store) WebhookHealth(ctx context.Context) (WebhookHealth, error) {
	var h WebhookHealth
	if b, err := s.Setting(ctx, settingHandshake); err == nil {
		var hs handshake
		if json.Unmarshal(b, &hs) == nil {
			h.HandshakeAt, h.HandshakeRefusedAt = hs.OK, hs.Refused
		}
	} else if !errors.Is(err, ErrNotFound) {
		return h, err
	}
	err := s.r.QueryRowContext(ctx, `SELECT received_at FROM webhook_deliveries ORDER BY id DESC LIMIT 1`).Scan(&h.LastDeliveryAt)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return h, fmt.Errorf("store: last delivery: %w", err)
	}
	now := s.now()
	since := now - 24*hourMs
	since -= since % hourMs
	if err := s.r.QueryRowContext(ctx, `SELECT coalesce(sum(refused), 0), coalesce(max(last_at), 0)
		FROM webhook_refusals WHERE hour >= ?`, since).Scan(&h.Refused24h, &h.LastRefusedAt); err != nil {
		return h, fmt.Errorf("store: refused signatures: %w", err)
	}
	return h, nil
}
