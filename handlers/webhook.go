package handlers

import (
	"context"
	"crypto/subtle"
	"io"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"groupdeck/whatsapp"
)

// webhookVerify answers Meta's subscription handshake.
func (h *Handler) webhookVerify(c echo.Context) error {
	q := c.QueryParams()
	ok := q.Get("hub.mode") == "subscribe" &&
		subtle.ConstantTimeCompare([]byte(q.Get("hub.verify_token")), []byte(h.VerifyToken)) == 1
	if ok || h.handshakeRefusals.add(time.Now()) > 0 { // refusals: at most one write a second
		h.noteWebhook(c, func(ctx context.Context) error { return h.Store.RecordHandshake(ctx, ok) })
	}
	if !ok {
		return c.String(http.StatusForbidden, "verify token does not match")
	}
	return c.String(http.StatusOK, q.Get("hub.challenge"))
}

// webhookReceive checks the signature on the raw body, stores the
// delivery durably and applies it, and only then answers 200. A delivery
// that fails to apply is still stored (for replay) and acknowledged.
func (h *Handler) webhookReceive(c echo.Context) error {
	body, err := h.readWebhook(c)
	if err != nil {
		return err
	}
	if body == nil {
		c.Response().Header().Set("Retry-After", "5")
		return c.String(http.StatusServiceUnavailable, "busy, retry")
	}
	if err := whatsapp.VerifySignature(h.AppSecret, body, c.Request().Header.Get("X-Hub-Signature-256")); err != nil {
		h.Log.Warn("webhook refused", "reason", err.Error(), "bytes", len(body))
		h.noteWebhook(c, h.noteRefusal)
		return c.String(http.StatusUnauthorized, "bad signature")
	}
	res, err := h.Ingest.Apply(c.Request().Context(), body)
	if err != nil {
		h.Log.Error("webhook not stored", "err", err)
		return c.String(http.StatusServiceUnavailable, "not stored, retry")
	}
	if res.Error != "" {
		h.Log.Error("webhook stored but not applied", "delivery_id", res.ID, "err", res.Error)
	}
	h.Notify.Changed(res.Parts) // only the fragments showing what changed re-fetch
	h.afterWebhook(res.Groups)
	return c.String(http.StatusOK, "ok")
}

// noteWebhook records a handshake or refusal for the Connection page; a
// failure to record is logged and does not change the answer to Meta.
func (h *Handler) noteWebhook(c echo.Context, record func(context.Context) error) {
	if err := record(c.Request().Context()); err != nil {
		h.Log.Error("webhook health not recorded", "err", err)
	}
}

// readWebhook reads a delivery's body while holding one of a few reader
// slots: until its signature is checked a body is anybody's, so only so
// many are read (and held in memory) at once. A request that finds every
// slot taken for webhookWait gets nil and is answered 503, which Meta
// retries.
func (h *Handler) readWebhook(c echo.Context) ([]byte, error) {
	if !h.limits.readers.acquire(c.Request().Context(), webhookWait) {
		h.Log.Warn("webhook refused: too many deliveries being read at once", "readers", cap(h.limits.readers))
		return nil, nil
	}
	defer h.limits.readers.release()
	// A sender trickling its body would keep the slot for the server's
	// whole read timeout; Meta sends at once.
	_ = http.NewResponseController(c.Response()).SetReadDeadline(time.Now().Add(webhookReadTimeout))
	body, err := io.ReadAll(c.Request().Body)
	if err != nil {
		return nil, err // the body limit turns oversize bodies into 413
	}
	if body == nil {
		body = []byte{}
	}
	return body, nil
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
