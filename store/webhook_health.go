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
	HandshakeAt int64
	HandshakeOK bool // false: the last handshake was refused (wrong verify token or mode)
	// LastDeliveryAt is when the newest signed delivery was stored.
	LastDeliveryAt int64
	// Refused24h counts deliveries refused for their signature in the
	// last 24 hours (counted by the hour, so up to 25 hours).
	Refused24h    int
	LastRefusedAt int64
}

type handshake struct {
	At int64 `json:"at"`
	OK bool  `json:"ok"`
}

// RecordHandshake notes a webhook subscription handshake and whether it
// was answered.
func (s *Store) RecordHandshake(ctx context.Context, ok bool) error {
	b, _ := json.Marshal(handshake{At: s.now(), OK: ok})
	return s.SetSetting(ctx, settingHandshake, b)
}

// RecordRefusedSignature counts one delivery refused for its signature.
func (s *Store) RecordRefusedSignature(ctx context.Context) error {
	return s.write(ctx, func(t *Tx) error {
		hour := t.now - t.now%hourMs
		if _, err := t.exec(`INSERT INTO webhook_refusals (hour, refused, last_at) VALUES (?, 1, ?)
			ON CONFLICT (hour) DO UPDATE SET refused = refused + 1, last_at = max(last_at, excluded.last_at)`, hour, t.now); err != nil {
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
			h.HandshakeAt, h.HandshakeOK = hs.At, hs.OK
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
