package handlers

import (
	"crypto/subtle"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"

	"groupdeck/whatsapp"
)

// webhookVerify answers Meta's subscription handshake.
func (h *Handler) webhookVerify(c echo.Context) error {
	q := c.QueryParams()
	if q.Get("hub.mode") != "subscribe" ||
		subtle.ConstantTimeCompare([]byte(q.Get("hub.verify_token")), []byte(h.VerifyToken)) != 1 {
		return c.String(http.StatusForbidden, "verify token does not match")
	}
	return c.String(http.StatusOK, q.Get("hub.challenge"))
}

// webhookReceive checks the signature on the raw body, stores the
// delivery durably and applies it, and only then answers 200. A delivery
// that fails to apply is still stored (for replay) and acknowledged.
func (h *Handler) webhookReceive(c echo.Context) error {
	body, err := io.ReadAll(c.Request().Body)
	if err != nil {
		return err // the body limit turns oversize bodies into 413
	}
	if err := whatsapp.VerifySignature(h.AppSecret, body, c.Request().Header.Get("X-Hub-Signature-256")); err != nil {
		h.Log.Warn("webhook refused", "reason", err.Error(), "bytes", len(body))
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
	h.Notify.GroupsChanged(res.Groups...)
	h.afterWebhook(res.Groups)
	return c.String(http.StatusOK, "ok")
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
