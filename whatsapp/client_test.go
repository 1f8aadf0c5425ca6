package whatsapp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"groupdeck/clock"
)

const (
	testToken = "EAAGm0PX4ZCpsBA-super-secret-token"
	testPhone = "106540352242922"
)

// sleepRecorder replaces real back-off waits so retry tests are instant and
// can assert on the chosen delays.
type sleepRecorder struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *sleepRecorder) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleepRecorder) got() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.waits...)
}

// newTestClient starts a server running h and returns a client pointed at
// it. The base URL has a trailing slash on purpose.
func newTestClient(t *testing.T, h http.HandlerFunc, opts ...Option) (*Client, *sleepRecorder) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c := New(srv.URL+"/v23.0/", testPhone, testToken, opts...)
	rec := &sleepRecorder{}
	c.sleep = rec.sleep
	c.jitter = func(d time.Duration) time.Duration { return d }
	return c, rec
}

// expect checks the request line and the headers every call must carry.
func expect(t *testing.T, r *http.Request, method, path string) {
	t.Helper()
	if r.Method != method {
		t.Errorf("method = %s, want %s", r.Method, method)
	}
	if r.URL.Path != path {
		t.Errorf("path = %s, want %s", r.URL.Path, path)
	}
	if got := r.Header.Get("Authorization"); got != "Bearer "+testToken {
		t.Errorf("Authorization = %q", got)
	}
}

// expectJSON compares the request body with want as JSON values, so key
// order and spacing don't matter.
func expectJSON(t *testing.T, r *http.Request, want string) {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	var got, exp any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("body is not JSON: %s", b)
	}
	if err := json.Unmarshal([]byte(want), &exp); err != nil {
		t.Fatalf("bad want JSON: %v", err)
	}
	if !reflect.DeepEqual(got, exp) {
		t.Errorf("body = %s\nwant   %s", b, want)
	}
}

func reply(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

func graphError(code int, msg, details string) string {
	b, _ := json.Marshal(map[string]any{"error": map[string]any{
		"message": msg, "type": "OAuthException", "code": code,
		"error_data": map[string]any{"messaging_product": "whatsapp", "details": details},
		"fbtrace_id": "AbCdEfGhIjK",
	}})
	return string(b)
}

func mustAPIError(t *testing.T, err error, code, status int) *APIError {
	t.Helper()
	var a *APIError
	if !errors.As(err, &a) {
		t.Fatalf("want *APIError, got %T %v", err, err)
	}
	if a.Code != code || a.HTTPStatus != status {
		t.Fatalf("APIError code=%d status=%d, want %d/%d", a.Code, a.HTTPStatus, code, status)
	}
	if !strings.HasPrefix(a.Error(), "whatsapp: ") {
		t.Fatalf("error %q lacks prefix", a)
	}
	return a
}

func mustValidation(t *testing.T, err error, field string) {
	t.Helper()
	var v *ValidationError
	if !errors.As(err, &v) {
		t.Fatalf("want *ValidationError for %s, got %T %v", field, err, err)
	}
	if v.Field != field {
		t.Fatalf("field = %q, want %q (%v)", v.Field, field, err)
	}
	if !strings.HasPrefix(err.Error(), "whatsapp: ") {
		t.Fatalf("error %q lacks prefix", err)
	}
}

// failOnCall is a handler for tests where validation must stop the call.
func failOnCall(t *testing.T) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("unexpected request %s %s", r.Method, r.URL.Path)
		reply(w, 500, `{}`)
	}
}

func TestNewDefaults(t *testing.T) {
	c := New("https://graph.facebook.com/v23.0/", "123", "tok")
	if c.PhoneNumberID() != "123" {
		t.Fatal("phone number id")
	}
	if got := c.endpoint(nil, "123", "groups"); got != "https://graph.facebook.com/v23.0/123/groups" {
		t.Fatalf("endpoint = %s", got)
	}
	if c.maxTries != 3 || c.retryBase != 200*time.Millisecond {
		t.Fatalf("retry defaults = %d %v", c.maxTries, c.retryBase)
	}
	c = New("http://x/v23.0", "1", "t", WithRetry(0, -1), WithHTTPClient(nil), WithLogger(nil))
	if c.maxTries != 1 || c.retryBase != 0 || c.http == nil || c.log == nil {
		t.Fatal("options must clamp and ignore nil")
	}
}

func TestRetryGetOn503ThenSuccess(t *testing.T) {
	var calls atomic.Int32
	c, rec := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			reply(w, 503, `upstream unavailable`)
			return
		}
		reply(w, 200, `{"messaging_product":"whatsapp","invite_link":"https://chat.whatsapp.com/abc"}`)
	})
	link, err := c.InviteLink(context.Background(), "G1")
	if err != nil || link != "https://chat.whatsapp.com/abc" {
		t.Fatalf("InviteLink = %q, %v", link, err)
	}
	if calls.Load() != 2 {
		t.Fatalf("calls = %d, want 2", calls.Load())
	}
	if got := rec.got(); !reflect.DeepEqual(got, []time.Duration{200 * time.Millisecond}) {
		t.Fatalf("waits = %v", got)
	}
}

func TestRetryExhaustedBacksOffExponentially(t *testing.T) {
	var calls atomic.Int32
	c, rec := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		reply(w, 500, graphError(1, "An unknown error occurred", ""))
	}, WithRetry(4, 100*time.Millisecond))
	_, err := c.GroupInfo(context.Background(), "G1")
	a := mustAPIError(t, err, 1, 500)
	if !a.Temporary() {
		t.Fatal("500 must be temporary")
	}
	if calls.Load() != 4 {
		t.Fatalf("calls = %d, want 4", calls.Load())
	}
	want := []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond}
	if got := rec.got(); !reflect.DeepEqual(got, want) {
		t.Fatalf("waits = %v, want %v", got, want)
	}
}

func TestNoRetryForSends(t *testing.T) {
	var calls atomic.Int32
	c, rec := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		reply(w, 503, graphError(131016, "(#131016) Service unavailable", "A service is temporarily unavailable."))
	})
	ctx := context.Background()
	if _, err := c.SendText(ctx, "G1", "hi", false); err == nil {
		t.Fatal("want error")
	}
	if _, err := c.CreateGroup(ctx, CreateGroupRequest{Subject: "s"}); err == nil {
		t.Fatal("want error")
	}
	if _, err := c.UploadMedia(ctx, "a.jpg", "image/jpeg", strings.NewReader("x")); err == nil {
		t.Fatal("want error")
	}
	if _, err := c.DeleteGroup(ctx, "G1"); err == nil {
		t.Fatal("want error")
	}
	if calls.Load() != 4 || len(rec.got()) != 0 {
		t.Fatalf("calls = %d waits = %v; non-idempotent calls must not retry", calls.Load(), rec.got())
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	var calls atomic.Int32
	c, rec := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("Retry-After", "7")
			reply(w, 429, graphError(131208, "(#131208) Group Rate Limit Hit", "Too many group operations."))
			return
		}
		reply(w, 200, `{"data":{"groups":[]},"paging":{"cursors":{}}}`)
	})
	if _, err := c.ListGroups(context.Background(), ListGroupsOptions{}); err != nil {
		t.Fatal(err)
	}
	if got := rec.got(); !reflect.DeepEqual(got, []time.Duration{7 * time.Second}) {
		t.Fatalf("waits = %v, want [7s]", got)
	}
}

func TestRetryAfterTooLongIsReturned(t *testing.T) {
	c, rec := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "3600")
		reply(w, 429, graphError(131208, "(#131208) Group Rate Limit Hit", ""))
	})
	_, err := c.GroupInfo(context.Background(), "G1")
	a := mustAPIError(t, err, 131208, 429)
	if a.RetryAfter != time.Hour || len(rec.got()) != 0 {
		t.Fatalf("RetryAfter = %v waits = %v", a.RetryAfter, rec.got())
	}
}

func TestRetryOnNetworkError(t *testing.T) {
	var calls atomic.Int32
	c, rec := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			conn, _, err := http.NewResponseController(w).Hijack()
			if err == nil {
				_ = conn.Close()
			}
			return
		}
		reply(w, 200, `{"messaging_product":"whatsapp","success":true}`)
	})
	if err := c.DeleteInviteLink(context.Background(), "G1"); err != nil {
		t.Fatal(err)
	}
	if calls.Load() != 2 || len(rec.got()) != 1 {
		t.Fatalf("calls = %d waits = %v", calls.Load(), rec.got())
	}
}

func TestContextCancelStopsRetry(t *testing.T) {
	var calls atomic.Int32
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		reply(w, 503, `{}`)
	}, WithRetry(5, 10*time.Second))
	c.sleep = clock.Sleep // real waiting, interrupted by the context
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(30*time.Millisecond, cancel)
	start := time.Now()
	_, err := c.GroupInfo(ctx, "G1")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("want context.Canceled, got %v", err)
	}
	if time.Since(start) > 5*time.Second || calls.Load() != 1 {
		t.Fatalf("cancel did not stop the wait: %v, %d calls", time.Since(start), calls.Load())
	}
	var a *APIError
	if !errors.As(err, &a) || a.HTTPStatus != 503 {
		t.Fatalf("last API error should stay visible, got %v", err)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Duration{
		"":                              0,
		"5":                             5 * time.Second,
		"-3":                            0,
		"soon":                          0,
		"Wed, 25 Nov 2026 12:00:10 GMT": 10 * time.Second,
		"Wed, 25 Nov 2026 11:00:00 GMT": 0,
	} {
		if got := parseRetryAfter(in, now); got != want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestHalfJitterBounds(t *testing.T) {
	for range 100 {
		d := halfJitter(time.Second)
		if d < 500*time.Millisecond || d > time.Second {
			t.Fatalf("jitter %v out of [0.5s,1s]", d)
		}
	}
	if halfJitter(0) != 0 {
		t.Fatal("zero stays zero")
	}
}

func TestTokenNeverLeaks(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var calls atomic.Int32
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		switch calls.Add(1) {
		case 1:
			reply(w, 401, graphError(190, "Invalid OAuth access token - "+testToken, "token "+testToken+" expired"))
		case 2:
			reply(w, 502, "<html>bad gateway for "+testToken+"</html>")
		default:
			reply(w, 200, `{"messaging_product":"whatsapp","id":"G1","subject":"s"}`)
		}
	}, WithLogger(logger))
	ctx := context.Background()
	_, err1 := c.SendText(ctx, "G1", "hello", false)
	a := mustAPIError(t, err1, 190, 401)
	_, err2 := c.GroupInfo(ctx, "G1") // 502 then retried to success
	if err2 != nil {
		t.Fatal(err2)
	}
	for _, s := range []string{err1.Error(), a.Message, a.Details, Human(err1), logs.String()} {
		if strings.Contains(s, testToken) {
			t.Fatalf("token leaked in %q", s)
		}
	}
	if !strings.Contains(logs.String(), "whatsapp request") || !strings.Contains(logs.String(), "retried") {
		t.Fatalf("expected request and retry log lines, got:\n%s", logs.String())
	}
	if !strings.Contains(Human(err1), "190") {
		t.Fatalf("Human = %q", Human(err1))
	}
}

func TestNonJSONErrorBody(t *testing.T) {
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(404)
		_, _ = io.WriteString(w, "404 page not found")
	})
	_, err := c.SendText(context.Background(), "G1", "hi", false)
	a := mustAPIError(t, err, 0, 404)
	if a.Details != "404 page not found" || !strings.Contains(a.Error(), "http 404") {
		t.Fatalf("APIError = %+v (%v)", a, a)
	}
}

func TestBadJSONSuccessBody(t *testing.T) {
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		reply(w, 200, `{"messages":`)
	})
	_, err := c.SendText(context.Background(), "G1", "hi", false)
	if err == nil || !strings.HasPrefix(err.Error(), "whatsapp: decode") {
		t.Fatalf("err = %v", err)
	}
}

func TestBackoffCapped(t *testing.T) {
	c := New("http://x/v1", "1", "t", WithRetry(100, time.Second))
	c.jitter = func(d time.Duration) time.Duration { return d }
	if got := c.backoff(1); got != time.Second {
		t.Fatalf("backoff(1) = %v", got)
	}
	if got := c.backoff(3); got != 4*time.Second {
		t.Fatalf("backoff(3) = %v", got)
	}
	if got := c.backoff(90); got != maxRetryWait {
		t.Fatalf("backoff(90) = %v", got)
	}
}
