package wasim

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"groupdeck/internal/testutil"
)

// suspendToggles emits n group_status_update webhooks synchronously.
func suspendToggles(t *testing.T, h *harness, id string, n int) {
	t.Helper()
	for i := range n {
		if err := h.sim.SetSuspended(id, i%2 == 0); err != nil {
			t.Fatal(err)
		}
	}
}

func TestRetryUntilDelivered(t *testing.T) {
	h := newHarness(t, nil)
	id, _ := h.createGroup("Retry", "")
	h.rc.mu.Lock()
	h.rc.fail, h.rc.calls = 2, 0
	n := len(h.rc.bodies)
	h.rc.mu.Unlock()
	suspendToggles(t, h, id, 1)
	h.wait()
	h.rc.mu.Lock()
	defer h.rc.mu.Unlock()
	if h.rc.calls != 3 || len(h.rc.bodies)-n != 1 {
		t.Fatalf("calls %d, delivered %d; want 3 calls, 1 delivery", h.rc.calls, len(h.rc.bodies)-n)
	}
}

func TestDropAfterMaxAttempts(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.MaxAttempts = 3 })
	h.rc.fail = 1000
	h.sim.AddUser(User{WaID: "1"})
	_, _ = h.do("POST", phonePath+"/groups", map[string]any{"messaging_product": "whatsapp", "subject": "x"})
	h.wait()
	h.rc.mu.Lock()
	defer h.rc.mu.Unlock()
	if h.rc.calls != 3 || len(h.rc.bodies) != 0 {
		t.Fatalf("calls %d bodies %d, want 3 attempts then drop", h.rc.calls, len(h.rc.bodies))
	}
}

// hostCounter counts the requests a client sends to each host.
type hostCounter struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *hostCounter) RoundTrip(r *http.Request) (*http.Response, error) {
	c.mu.Lock()
	c.n[r.URL.Host]++
	c.mu.Unlock()
	return http.DefaultTransport.RoundTrip(r)
}

func (c *hostCounter) count(host string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[host]
}

func TestUnreachableReceiverRetries(t *testing.T) {
	rc := &receiver{t: t}
	// The live receiver opens first, so it cannot reuse the dead one's port.
	live := httptest.NewServer(rc)
	defer live.Close()
	hook := httptest.NewServer(rc)
	dead := hook.Listener.Addr().String()
	url := hook.URL
	hook.Close() // nothing listens there now
	hosts := &hostCounter{n: map[string]int{}}
	sim := New(Config{AppSecret: testSecret, WebhookURL: url, WebhookDelay: -1, RetryBase: 20 * time.Millisecond, MaxAttempts: 6, Seed: 1,
		HTTPClient: &http.Client{Transport: hosts, Timeout: 10 * time.Second}})
	sim.Start()
	defer sim.Close()
	srv := httptest.NewServer(sim)
	defer srv.Close()
	h := &harness{t: t, sim: sim, srv: srv, rc: rc}
	h.do("POST", phonePath+"/groups", map[string]any{"messaging_product": "whatsapp", "subject": "x"})
	// Fix the URL once a delivery has failed, while the worker backs off;
	// the retry goes to the new one.
	testutil.Eventually(t, 5*time.Second, func() error {
		if hosts.count(dead) == 0 {
			return errors.New("no delivery was tried at the unreachable URL")
		}
		return nil
	})
	sim.SetWebhookURL(live.URL)
	h.wait()
	if n := len(rc.groupEvents("group_create")); n != 1 {
		t.Fatalf("group_create delivered %d times", n)
	}
	if n := hosts.count(live.Listener.Addr().String()); n != 1 {
		t.Fatalf("%d requests to the fixed URL, want the one retry", n)
	}
}

func TestDuplicateDelivery(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.DuplicateDelivery = true })
	h.do("POST", phonePath+"/groups", map[string]any{"messaging_product": "whatsapp", "subject": "x"})
	h.wait()
	h.rc.mu.Lock()
	defer h.rc.mu.Unlock()
	if len(h.rc.bodies) != 2 || !bytes.Equal(h.rc.bodies[0], h.rc.bodies[1]) {
		t.Fatalf("want the same body twice, got %d bodies", len(h.rc.bodies))
	}
}

func TestReorder(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Reorder = true })
	id, _ := h.createGroup("Reorder", "")
	n := len(h.rc.changes())
	// 40 alternating events: the chance a shuffle keeps them in order is nil.
	suspendToggles(t, h, id, 40)
	h.wait()
	changes := h.rc.changes()[n:]
	if len(changes) != 40 {
		t.Fatalf("delivered %d of 40", len(changes))
	}
	inOrder := true
	for i, c := range changes {
		want := "group_suspend"
		if i%2 == 1 {
			want = "group_suspend_cleared"
		}
		if c.Value["groups"].([]any)[0].(map[string]any)["type"] != want {
			inOrder = false
		}
	}
	if inOrder {
		t.Fatal("Reorder delivered everything in order")
	}
}

func TestBatchWindow(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.BatchWindow = 20 * time.Millisecond })
	id, _ := h.createGroup("Batch", "")
	h.rc.mu.Lock()
	posts := len(h.rc.bodies)
	h.rc.mu.Unlock()
	suspendToggles(t, h, id, 10)
	h.wait()
	h.rc.mu.Lock()
	newPosts := len(h.rc.bodies) - posts
	h.rc.mu.Unlock()
	changes := h.rc.changes()
	if newPosts != 1 {
		t.Fatalf("10 changes took %d POSTs, want 1", newPosts)
	}
	if got := len(changes); got != 11 {
		t.Fatalf("received %d changes, want 11", got)
	}
}

func TestQueueWaitsForStart(t *testing.T) {
	rc := &receiver{t: t}
	hook := httptest.NewServer(rc)
	defer hook.Close()
	sim := New(Config{AppSecret: testSecret, WebhookURL: hook.URL, WebhookDelay: -1, Seed: 7})
	defer sim.Close()
	sim.AddUser(User{WaID: "1"})
	srv := httptest.NewServer(sim)
	defer srv.Close()
	h := &harness{t: t, sim: sim, srv: srv, rc: rc}
	h.do("POST", phonePath+"/groups", map[string]any{"messaging_product": "whatsapp", "subject": "x"})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	if err := sim.WaitIdle(ctx); err == nil || sim.Pending() != 1 {
		t.Fatalf("WaitIdle before Start: %v, pending %d", err, sim.Pending())
	}
	sim.Start()
	sim.Start()
	h.wait()
	if n := len(rc.groupEvents("group_create")); n != 1 {
		t.Fatalf("after Start: %d deliveries", n)
	}
}

func TestSignature(t *testing.T) {
	body := []byte(`{"object":"whatsapp_business_account"}`)
	// Reference value from `openssl dgst -sha256 -hmac test-secret`.
	const want = "60b2e09855b25cf88d59953a4025f83bc48cd03865abe988e974b754c7a285e8"
	got := sign("test-secret", body)
	if got != want {
		t.Fatalf("signature %q, want %q", got, want)
	}
	if sign("other", body) == got || sign("test-secret", append(body, ' ')) == got {
		t.Fatal("signature ignores key or body")
	}
}
