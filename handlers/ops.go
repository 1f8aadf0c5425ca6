package handlers

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// Readiness thresholds: past these /readyz still answers 200 (the app
// serves pages) but flags the figure, for an operator's alert.
const (
	hookStaleAfter    = 15 * time.Minute
	webhookStaleAfter = 24 * time.Hour
)

type readiness struct {
	Status            string   `json:"status"` // ready, degraded, unavailable
	Database          string   `json:"database"`
	OutboxQueued      int64    `json:"outbox_queued"`
	HooksPending      int64    `json:"webhooks_out_pending"`
	HooksOldestSec    float64  `json:"webhooks_out_oldest_pending_seconds"`
	HooksFailed       int64    `json:"webhooks_out_failed"`
	LastWebhookAt     string   `json:"last_webhook_in_at,omitempty"`
	LastWebhookAgeSec float64  `json:"last_webhook_in_age_seconds,omitempty"`
	Problems          []string `json:"problems,omitempty"`
}

// ready is /readyz: unlike /healthz (one cheap ping) it reads the queues
// and how fresh incoming webhooks are. 503 only when the database does
// not answer; a stuck outbox or quiet webhook is "degraded" with the
// reason, so a load balancer keeps the app while an alert fires.
func (h *Handler) ready(c echo.Context) error {
	o, err := h.Store.Ops(c.Request().Context())
	if err != nil {
		h.Log.Error("readiness check failed", "err", err)
		return c.JSON(http.StatusServiceUnavailable, readiness{Status: "unavailable", Database: "unavailable"})
	}
	now := time.Now()
	r := readiness{Status: "ready", Database: "ok", OutboxQueued: o.OutboxQueued, HooksPending: o.HookPending, HooksFailed: o.HookFailed}
	if o.HookOldest > 0 {
		r.HooksOldestSec = now.Sub(time.UnixMilli(o.HookOldest)).Seconds()
		if r.HooksOldestSec > hookStaleAfter.Seconds() {
			r.Problems = append(r.Problems, "an outgoing webhook has waited more than 15 minutes (see Webhooks)")
		}
	}
	if o.LastWebhookAt > 0 {
		r.LastWebhookAt = time.UnixMilli(o.LastWebhookAt).UTC().Format(time.RFC3339)
		r.LastWebhookAgeSec = now.Sub(time.UnixMilli(o.LastWebhookAt)).Seconds()
		if r.LastWebhookAgeSec > webhookStaleAfter.Seconds() {
			r.Problems = append(r.Problems, "no webhook from WhatsApp for more than a day")
		}
	}
	if len(r.Problems) > 0 {
		r.Status = "degraded"
	}
	return c.JSON(http.StatusOK, r)
}
