package handlers

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"groupdeck/web"
	"groupdeck/whatsapp"
)

// webhookFront serves POST /webhook ahead of echo's routing and
// middleware (it is registered with Pre). Deliveries are most of the
// server's requests under load, and the per-request log line and echo's
// context cost CPU on every one; what the stack does for the webhook is
// done here instead: a request id, the security headers, the 4 MiB body
// limit, panic recovery, and a log line for every failure.
func (h *Handler) webhookFront(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if r.Method != http.MethodPost || r.URL.Path != "/webhook" {
			return next(c)
		}
		h.serveWebhook(c.Response().Writer, r)
		return nil
	}
}

// serveWebhook checks the signature on the raw body, stores the delivery
// durably and applies it, and only then answers 200. A delivery that
// fails to apply is still stored (for replay) and acknowledged.
func (h *Handler) serveWebhook(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	status := http.StatusInternalServerError
	hd := w.Header()
	rid := webhookRequestID(r)
	hd.Set(echo.HeaderXRequestID, rid)
	defer func() {
		if p := recover(); p != nil {
			h.Log.Error("panic", "err", p, "path", r.URL.Path, "request_id", rid)
			reply(w, http.StatusInternalServerError, "internal error")
		}
		if status >= 500 || h.Log.Enabled(r.Context(), slog.LevelDebug) {
			logWebhook(h.Log, r, rid, status, start)
		}
	}()
	web.SetSecurityHeaders(hd)
	if strings.HasPrefix(h.BaseURL, "https://") {
		hd.Set("Strict-Transport-Security", "max-age=31536000")
	}
	status = h.receive(w, r, rid)
}

// webhookRequestID is the id a reverse proxy gave the request (echo's
// RequestID middleware keeps it the same way on every other route), or a
// new random one. It ties a proxy's or Meta's record of an answer to this
// server's log lines about the delivery. A random number in base 36
// costs nanoseconds; echo's middleware was left off this path for its
// cost, not because the id is unwanted.
func webhookRequestID(r *http.Request) string {
	if id := r.Header.Get(echo.HeaderXRequestID); id != "" && len(id) <= 64 {
		return id
	}
	return strconv.FormatUint(rand.Uint64(), 36)
}

func logWebhook(log *slog.Logger, r *http.Request, rid string, status int, start time.Time) {
	attrs := []any{"method", r.Method, "path", r.URL.Path, "status", status,
		"duration_ms", time.Since(start).Milliseconds(), "request_id", rid}
	if status >= 500 {
		log.Error("request", attrs...)
	} else {
		log.Debug("request", attrs...)
	}
}

// receive answers one delivery and returns the status it answered.
func (h *Handler) receive(w http.ResponseWriter, r *http.Request, rid string) int {
	buf, status := h.readWebhook(w, r, rid)
	if buf == nil {
		return status
	}
	defer putBody(buf)
	body := buf.Bytes()
	if err := whatsapp.VerifySignature(h.AppSecret, body, r.Header.Get("X-Hub-Signature-256")); err != nil {
		h.Log.Warn("webhook refused", "reason", err.Error(), "bytes", len(body), "request_id", rid)
		h.noteWebhook(r.Context(), h.noteRefusal)
		return reply(w, http.StatusUnauthorized, "bad signature")
	}
	res, err := h.Ingest.Apply(r.Context(), body)
	if err != nil {
		h.Log.Error("webhook not stored", "err", err, "request_id", rid)
		return reply(w, http.StatusServiceUnavailable, "not stored, retry")
	}
	if res.Error != "" {
		h.Log.Error("webhook stored but not applied", "delivery_id", res.ID, "err", res.Error, "request_id", rid)
	}
	h.Notify.Changed(res.Parts) // only the fragments showing what changed re-fetch
	h.afterWebhook(res.Groups)
	return reply(w, http.StatusOK, "ok")
}

// readWebhook reads a delivery's body into a pooled buffer while holding
// one of a few reader slots: until its signature is checked a body is
// anybody's, so only so many are read (and held in memory) at once. A
// request that finds every slot taken for webhookWait is answered 503,
// which Meta retries; a body over webhookMax 413. On any answer the
// buffer is nil.
func (h *Handler) readWebhook(w http.ResponseWriter, r *http.Request, rid string) (*bytes.Buffer, int) {
	if r.ContentLength > webhookMax {
		return nil, reply(w, http.StatusRequestEntityTooLarge, "That request is too large.")
	}
	if !h.limits.readers.acquire(r.Context(), webhookWait) {
		h.Log.Warn("webhook refused: too many deliveries being read at once", "readers", cap(h.limits.readers), "request_id", rid)
		w.Header().Set("Retry-After", "5")
		return nil, reply(w, http.StatusServiceUnavailable, "busy, retry")
	}
	defer h.limits.readers.release()
	// A sender trickling its body would keep the slot for the server's
	// whole read timeout; Meta sends at once.
	_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(webhookReadTimeout))
	buf := getBody()
	if r.ContentLength > 0 {
		buf.Grow(int(r.ContentLength) + 1) // +1: the read that sees EOF
	}
	if _, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, webhookMax)); err != nil {
		putBody(buf)
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return nil, reply(w, http.StatusRequestEntityTooLarge, "That request is too large.")
		}
		h.Log.Warn("webhook body not read", "err", err, "request_id", rid)
		return nil, reply(w, http.StatusBadRequest, "body not read")
	}
	return buf, 0
}

// reply writes a short plain-text answer with its length, so it goes out
// in one write, unchunked.
func reply(w http.ResponseWriter, status int, msg string) int {
	hd := w.Header()
	hd.Set("Content-Type", echo.MIMETextPlainCharsetUTF8)
	hd.Set("Content-Length", strconv.Itoa(len(msg)))
	w.WriteHeader(status)
	_, _ = io.WriteString(w, msg)
	return status
}

// Webhook bodies are pooled: typical deliveries are a few hundred bytes
// to a few kilobytes, read once per request. Buffers that grew past
// keepBody (a large batch) are left to the collector, so the pool never
// pins megabytes.
const keepBody = 64 << 10

var bodyPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func getBody() *bytes.Buffer { return bodyPool.Get().(*bytes.Buffer) }

func putBody(b *bytes.Buffer) {
	if b.Cap() > keepBody {
		return
	}
	b.Reset()
	bodyPool.Put(b)
}
