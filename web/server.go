package web

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// ContentSecurityPolicy allows only the app's own scripts and styles: no
// inline code, so an injected participant name cannot run.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
	"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

// NewEcho returns an echo instance with the middleware every route needs:
// panic recovery, a request id, one log line per request, security
// headers. Routes set their own body limits.
func NewEcho(log *slog.Logger) *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			log.Error("panic", "err", err, "path", c.Request().URL.Path, "stack", string(stack))
			return err
		},
	}))
	e.Use(middleware.RequestID())
	e.Use(middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		LogStatus: true, LogMethod: true, LogURIPath: true, LogLatency: true, LogRequestID: true, LogError: true,
		HandleError: true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			// Paths only: query strings can hold one-time tokens.
			attrs := []any{"method", v.Method, "path", v.URIPath, "status", v.Status,
				"duration_ms", v.Latency.Milliseconds(), "request_id", v.RequestID}
			if v.Status >= 500 && v.Error != nil {
				log.Error("request", append(attrs, "err", v.Error)...)
			} else {
				log.Debug("request", attrs...)
			}
			return nil
		},
	}))
	e.Use(SecurityHeaders)
	return e
}

// SecurityHeaders sets the headers every response carries.
func SecurityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		SetSecurityHeaders(c.Response().Header())
		return next(c)
	}
}

// SetSecurityHeaders sets the headers of SecurityHeaders on h, for a
// route served ahead of the middleware (the webhook).
func SetSecurityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", ContentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
}

// Render writes a templ component, rendering into a buffer first so that
// a render error still becomes a clean error response.
func Render(c echo.Context, status int, t templ.Component) error {
	var buf bytes.Buffer
	// A client hanging up must not cut a response in half.
	ctx := context.WithoutCancel(c.Request().Context())
	if err := t.Render(ctx, &buf); err != nil {
		return err
	}
	return c.HTMLBlob(status, buf.Bytes())
}

// IsHTMX reports whether an htmx request wants a fragment rather than a
// whole page (history restores want the whole page).
func IsHTMX(c echo.Context) bool {
	h := c.Request().Header
	return h.Get("HX-Request") == "true" && h.Get("HX-History-Restore-Request") != "true"
}

// HSTS tells browsers to reach the site over https only, for a year. It is
// used only when the base URL is https: sent over plain http it would
// lock browsers out of a site that has no certificate.
func HSTS(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Response().Header().Set("Strict-Transport-Security", "max-age=31536000")
		return next(c)
	}
}

// NoStore keeps a response out of every cache, the browser's back-button
// cache included: signed-in pages show names and numbers that must not be
// seen again after sign-out.
func NoStore(c echo.Context) {
	c.Response().Header().Set("Cache-Control", "no-store")
}
