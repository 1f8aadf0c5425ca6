package wasim

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
)

// VerifyWebhook performs Meta's subscription handshake against the webhook
// URL (docs/cloud-api.md#delivery-and-verification): GET with hub.mode,
// hub.challenge and hub.verify_token, expecting 200 and the challenge
// echoed as the raw body.
func (s *Server) VerifyWebhook(ctx context.Context, verifyToken string) error {
	s.mu.Lock()
	target, client := s.cfg.WebhookURL, s.cfg.HTTPClient
	challenge := s.ids.digits(10)
	s.mu.Unlock()
	if target == "" {
		return fmt.Errorf("no webhook URL configured")
	}
	u, err := url.Parse(target)
	if err != nil {
		return fmt.Errorf("webhook URL: %w", err)
	}
	q := u.Query()
	q.Set("hub.mode", "subscribe")
	q.Set("hub.challenge", challenge)
	q.Set("hub.verify_token", verifyToken)
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("verification request failed: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("endpoint answered %s; the verify token was probably rejected", resp.Status)
	}
	if string(body) != challenge {
		return fmt.Errorf("endpoint answered 200 but did not echo hub.challenge")
	}
	return nil
}
