// Package whatsapp is groupdeck's client for the WhatsApp Cloud API Groups
// API, plus the webhook payload types, parser and signature check.
//
// The base URL is always injected so the same client talks to Meta's Graph
// API in production and to the local simulator in development and tests.
package whatsapp

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"groupdeck/clock"
)

// Client calls the Cloud API on behalf of one business phone number.
// It is safe for concurrent use once constructed.
type Client struct {
	baseURL   string
	phoneID   string
	token     string
	http      *http.Client
	log       *slog.Logger
	maxTries  int
	retryBase time.Duration

	// sleep and jitter are fields rather than package functions so tests can
	// observe back-off decisions without waiting in real time.
	sleep  func(ctx context.Context, d time.Duration) error
	jitter func(d time.Duration) time.Duration
}

// Option configures a Client at construction time.
type Option func(*Client)

// New returns a client for the phone number phoneNumberID. baseURL must
// include the Graph version, e.g. "https://graph.facebook.com/v23.0"; a
// trailing slash is tolerated so configuration typos don't produce "//" paths.
func New(baseURL, phoneNumberID, token string, opts ...Option) *Client {
	c := &Client{
		baseURL:   strings.TrimRight(strings.TrimSpace(baseURL), "/"),
		phoneID:   phoneNumberID,
		token:     token,
		http:      &http.Client{Timeout: 60 * time.Second},
		log:       slog.New(slog.DiscardHandler),
		maxTries:  3,
		retryBase: 200 * time.Millisecond,
		sleep:     clock.Sleep,
		jitter:    halfJitter,
	}
	for _, o := range opts {
		if o != nil {
			o(c)
		}
	}
	return c
}

// WithHTTPClient replaces the default HTTP client (60 s timeout). A nil
// client is ignored.
func WithHTTPClient(h *http.Client) Option {
	return func(c *Client) {
		if h != nil {
			c.http = h
		}
	}
}

// WithLogger sets the logger used for request tracing. A nil logger is
// ignored. The access token is never logged.
func WithLogger(l *slog.Logger) Option {
	return func(c *Client) {
		if l != nil {
			c.log = l
		}
	}
}

// WithRetry sets how many times an idempotent call is tried in total
// (values below 1 mean 1) and the base delay of the exponential back-off.
// Sends, creates and uploads are never retried because a retry after a lost
// response could message a group twice.
func WithRetry(tries int, base time.Duration) Option {
	return func(c *Client) {
		if tries < 1 {
			tries = 1
		}
		if base < 0 {
			base = 0
		}
		c.maxTries = tries
		c.retryBase = base
	}
}

// PhoneNumberID returns the business phone number ID the client acts for.
func (c *Client) PhoneNumberID() string { return c.phoneID }

// endpoint builds an absolute URL from path segments. Each segment is escaped
// on its own because group IDs are opaque strings chosen by Meta.
func (c *Client) endpoint(q url.Values, segments ...string) string {
	var b strings.Builder
	b.WriteString(c.baseURL)
	for _, s := range segments {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(s))
	}
	if len(q) > 0 {
		b.WriteByte('?')
		b.WriteString(q.Encode())
	}
	return b.String()
}

// redact removes the access token from text that may be shown to users or
// logged, in case a server echoes it back in an error message.
func (c *Client) redact(s string) string {
	if c.token == "" || len(c.token) < 4 {
		return s
	}
	return strings.ReplaceAll(s, c.token, "[redacted]")
}

// drain lets the transport reuse the connection after an early return.
func drain(r io.ReadCloser) {
	_, _ = io.Copy(io.Discard, io.LimitReader(r, 64<<10))
	_ = r.Close()
}
