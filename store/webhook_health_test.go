package store

import (
	"context"
	"testing"
)

func TestWebhookHealth(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	const t0 = int64(1_780_000_000_000) // on an hour boundary
	advance := clockAt(s, t0)
	h, err := s.WebhookHealth(ctx)
	if err != nil || h != (WebhookHealth{}) {
		t.Fatalf("empty store: %+v, %v", h, err)
	}
	if err := s.RecordHandshake(ctx, false); err != nil {
		t.Fatal(err)
	}
	advance(1000)
	if err := s.RecordHandshake(ctx, true); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordRefusedSignatures(ctx, 2); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordRefusedSignatures(ctx, 1); err != nil {
		t.Fatal(err)
	}
	advance(2 * hourMs)
	if err := s.RecordRefusedSignatures(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveDelivery(ctx, []byte(`{}`), "messages", func(*Tx) error { return nil }); err != nil {
		t.Fatal(err)
	}
	h, err = s.WebhookHealth(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := WebhookHealth{HandshakeAt: t0 + 1000, HandshakeRefusedAt: t0, LastDeliveryAt: t0 + 1000 + 2*hourMs,
		Refused24h: 4, LastRefusedAt: t0 + 1000 + 2*hourMs}
	if h != want {
		t.Fatalf("health = %+v\nwant     %+v", h, want)
	}
	// A day later the first three have left the window; two days later
	// their hour is deleted when a new refusal is written.
	advance(24*hourMs - hourMs)
	if h, _ = s.WebhookHealth(ctx); h.Refused24h != 1 {
		t.Errorf("a day later: %d refused, want 1", h.Refused24h)
	}
	advance(2 * 24 * hourMs)
	if err := s.RecordRefusedSignatures(ctx, 1); err != nil {
		t.Fatal(err)
	}
	var rows int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM webhook_refusals`).Scan(&rows); err != nil || rows != 1 {
		t.Errorf("old hours kept: %d rows, %v", rows, err)
	}
}
