package whatsapp

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

const (
	// maxJSONResponse bounds what we buffer from an API call; Graph JSON
	// responses are tiny and anything bigger is a misconfigured base URL.
	maxJSONResponse = 4 << 20
	// maxMediaResponse matches the largest media WhatsApp accepts, with
	// some headroom.
	maxMediaResponse = MaxMediaBytes + 1<<20
	// maxRetryWait stops a Retry-After of minutes from pinning a dashboard
	// request; the caller gets the error with RetryAfter set instead.
	maxRetryWait = 30 * time.Second
)

// request describes one logical API call. The body is kept as bytes so an
// idempotent call can be replayed on retry.
type request struct {
	method      string
	url         string
	body        []byte
	contentType string
	idempotent  bool
	limit       int64
	// anonymous omits the Authorization header (downloads from hosts that
	// must not see the token).
	anonymous bool
	accept    string
}

type response struct {
	status int
	header http.Header
	body   []byte
}

// doJSON performs a call with an optional JSON body and decodes a 2xx JSON
// response into out (when non-nil). Non-2xx responses become *APIError.
func (c *Client) doJSON(ctx context.Context, method, u string, in any, idempotent bool, out any) (int, error) {
	r := request{method: method, url: u, idempotent: idempotent}
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return 0, fmt.Errorf("whatsapp: encode %s request: %w", method, err)
		}
		r.body = b
		r.contentType = "application/json"
	}
	resp, err := c.send(ctx, r)
	if err != nil {
		return 0, err
	}
	if err := decodeInto(resp.body, out); err != nil {
		return resp.status, fmt.Errorf("whatsapp: decode response of %s %s: %w", method, logPath(u), err)
	}
	return resp.status, nil
}

func decodeInto(body []byte, out any) error {
	if out == nil || len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	return json.Unmarshal(body, out)
}

// send runs the request, retrying idempotent calls on 429, 5xx and network
// errors with exponential back-off and jitter.
func (c *Client) send(ctx context.Context, r request) (*response, error) {
	if r.limit == 0 {
		r.limit = maxJSONResponse
	}
	path := logPath(r.url)
	for attempt := 1; ; attempt++ {
		resp, err := c.once(ctx, r, path, attempt)
		if err == nil && resp.status >= 200 && resp.status < 300 {
			return resp, nil
		}
		var apiErr *APIError
		if err == nil {
			apiErr = c.parseError(resp)
			err = apiErr
		}
		if !r.idempotent || attempt >= c.maxTries || !shouldRetry(ctx, resp, apiErr) {
			return nil, err
		}
		wait := c.backoff(attempt)
		if apiErr != nil && apiErr.RetryAfter > 0 {
			wait = apiErr.RetryAfter
		}
		if wait > maxRetryWait {
			return nil, err
		}
		c.log.Warn("whatsapp request will be retried",
			"method", r.method, "path", path, "attempt", attempt,
			"wait_ms", wait.Milliseconds(), "error", c.redact(err.Error()))
		if serr := c.sleep(ctx, wait); serr != nil {
			return nil, fmt.Errorf("whatsapp: %s %s: retry abandoned: %w: %w", r.method, path, serr, err)
		}
	}
}

func (c *Client) once(ctx context.Context, r request, path string, attempt int) (*response, error) {
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, r.url, body)
	if err != nil {
		return nil, fmt.Errorf("whatsapp: build %s %s: %w", r.method, path, err)
	}
	if !r.anonymous {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	accept := r.accept
	if accept == "" {
		accept = "application/json"
	}
	req.Header.Set("Accept", accept)
	req.Header.Set("User-Agent", "groupdeck-whatsapp/1")
	if r.contentType != "" {
		req.Header.Set("Content-Type", r.contentType)
	}
	start := time.Now()
	res, err := c.http.Do(req)
	if err != nil {
		c.log.Debug("whatsapp request failed", "method", r.method, "path", path,
			"attempt", attempt, "duration_ms", time.Since(start).Milliseconds(), "error", c.redact(err.Error()))
		return nil, fmt.Errorf("whatsapp: %s %s: %w", r.method, path, err)
	}
	defer drain(res.Body)
	b, err := io.ReadAll(io.LimitReader(res.Body, r.limit+1))
	if err != nil {
		return nil, fmt.Errorf("whatsapp: read %s %s response: %w", r.method, path, err)
	}
	if int64(len(b)) > r.limit {
		return nil, fmt.Errorf("whatsapp: %s %s: response larger than %d bytes", r.method, path, r.limit)
	}
	c.log.Debug("whatsapp request", "method", r.method, "path", path, "status", res.StatusCode,
		"attempt", attempt, "duration_ms", time.Since(start).Milliseconds())
	return &response{status: res.StatusCode, header: res.Header, body: b}, nil
}

func shouldRetry(ctx context.Context, resp *response, apiErr *APIError) bool {
	if ctx.Err() != nil {
		return false
	}
	if apiErr == nil {
		// Transport error: connection refused, reset, timeout.
		return resp == nil
	}
	return apiErr.HTTPStatus == http.StatusTooManyRequests || apiErr.HTTPStatus >= 500
}

// backoff doubles the base delay per attempt, capped at maxRetryWait so a
// large WithRetry count cannot overflow or stall a request for minutes.
func (c *Client) backoff(attempt int) time.Duration {
	d := c.retryBase
	for i := 1; i < attempt && d < maxRetryWait; i++ {
		d *= 2
	}
	return c.jitter(min(d, maxRetryWait))
}

// halfJitter keeps at least half of the computed delay so retries stay
// spread out but never collapse to zero.
func halfJitter(d time.Duration) time.Duration {
	if d <= 1 {
		return d
	}
	half := d / 2
	return half + rand.N(half+1)
}

// parseRetryAfter accepts both forms RFC 9110 allows: delay-seconds and an
// HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil {
		if n < 0 {
			return 0
		}
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

// logPath strips scheme, host and query so logs and errors carry only the
// resource path.
func logPath(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "?"
	}
	return u.EscapedPath()
}
