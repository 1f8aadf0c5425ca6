package handlers

import (
	"context"
	"crypto/subtle"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// webhookVerify answers Meta's subscription handshake.
func (h *Handler) webhookVerify(c echo.Context) error {
	q := c.QueryParams()
	ok := q.Get("hub.mode") == "subscribe" &&
		subtle.ConstantTimeCompare([]byte(q.Get("hub.verify_token")), []byte(h.VerifyToken)) == 1
	if ok || h.handshakeRefusals.add(time.Now()) > 0 { // refusals: at most one write a second
		h.noteWebhook(c.Request().Context(), func(ctx context.Context) error { return h.Store.RecordHandshake(ctx, ok) })
	}
	if !ok {
		return c.String(http.StatusForbidden, "verify token does not match")
	}
	return c.String(http.StatusOK, q.Get("hub.challenge"))
}

// noteWebhook records a handshake or refusal for the Connection page; a
// failure to record is logged and does not change the answer to Meta.
func (h *Handler) noteWebhook(ctx context.Context, record func(context.Context) error) {
	if err := record(ctx); err != nil {
		h.Log.Error("webhook health not recorded", "err", err)
	}
}

func (h *Handler) health(c echo.Context) error {
	if err := h.Store.Ping(c.Request().Context()); err != nil {
		h.Log.Error("health check failed", "err", err)
		return c.String(http.StatusServiceUnavailable, "database unavailable")
	}
	if c.QueryParam("detail") != "" {
		return h.healthDetail(c)
	}
	return c.String(http.StatusOK, "ok")
}
