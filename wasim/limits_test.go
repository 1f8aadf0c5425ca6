package wasim

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"
	"time"
)

// rawHeader sends an authenticated request and returns status, Retry-After
// and the decoded body.
func (h *harness) rawHeader(method, path string, body any) (int, string, map[string]any) {
	h.t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, h.srv.URL+path, bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+testToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, resp.Header.Get("Retry-After"), out
}

func TestGroupRateLimitRetryAfter(t *testing.T) {
	now := time.Unix(1_760_000_000, 0)
	h := newHarness(t, func(c *Config) {
		c.OpsPerWindow, c.OpsWindow = 2, time.Minute
		c.Now = func() time.Time { return now }
	})
	h.do("GET", phonePath+"/groups", nil)
	now = now.Add(20 * time.Second)
	h.do("GET", phonePath+"/groups", nil)
	now = now.Add(500 * time.Millisecond)
	st, ra, b := h.rawHeader("GET", phonePath+"/groups", nil)
	// The oldest operation leaves the window 39.5 s from now: rounded up.
	if st != 429 || errCode(b) != 131208 || ra != "40" {
		t.Fatalf("got %d %q %v, want 429 with Retry-After 40", st, ra, b)
	}
}

func text(to string) map[string]any {
	return map[string]any{"messaging_product": "whatsapp", "to": to, "type": "text", "text": map[string]any{"body": "hi"}}
}

func TestThroughputLimit(t *testing.T) {
	now := time.Unix(1_760_000_000, 0)
	h := newHarness(t, func(c *Config) {
		c.MessagesPerSecond = 3
		c.Now = func() time.Time { return now }
	})
	for i, to := range []string{"16505550001", "16505550002", "16505550003"} {
		if st, b := h.do("POST", phonePath+"/messages", text(to)); st != 200 {
			t.Fatalf("send %d: %d %v", i, st, b)
		}
	}
	st, ra, b := h.rawHeader("POST", phonePath+"/messages", text("16505550004"))
	if st != 400 || errCode(b) != 130429 || ra != "" {
		t.Fatalf("4th send in a second: %d %q %v, want 400/130429 without Retry-After", st, ra, b)
	}
	now = now.Add(time.Second)
	if st, b := h.do("POST", phonePath+"/messages", text("16505550004")); st != 200 {
		t.Fatalf("next second: %d %v", st, b)
	}
}

func TestPairRateLimit(t *testing.T) {
	now := time.Unix(1_760_000_000, 0)
	h := newHarness(t, func(c *Config) {
		c.PairBurst, c.PairInterval = 2, 6*time.Second
		c.Now = func() time.Time { return now }
	})
	for i := range 2 {
		if st, b := h.do("POST", phonePath+"/messages", text("16505550001")); st != 200 {
			t.Fatalf("burst send %d: %d %v", i, st, b)
		}
	}
	if st, b := h.do("POST", phonePath+"/messages", text("16505550001")); st != 400 || errCode(b) != 131056 {
		t.Fatalf("over the burst: %d %v, want 131056", st, b)
	}
	// Another recipient has its own bucket.
	if st, b := h.do("POST", phonePath+"/messages", text("16505550002")); st != 200 {
		t.Fatalf("other recipient: %d %v", st, b)
	}
	now = now.Add(5 * time.Second)
	if st, b := h.do("POST", phonePath+"/messages", text("16505550001")); errCode(b) != 131056 {
		t.Fatalf("after 5 s: %d %v, want still limited", st, b)
	}
	now = now.Add(time.Second)
	if st, b := h.do("POST", phonePath+"/messages", text("16505550001")); st != 200 {
		t.Fatalf("after 6 s: %d %v", st, b)
	}
}

// SendLatency holds a send's answer, as Meta's few hundred milliseconds
// do; other requests are not held.
func TestSendLatency(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.SendLatency = 150 * time.Millisecond })
	start := time.Now()
	if st, b := h.do("POST", phonePath+"/messages", text("16505550001")); st != 200 {
		t.Fatalf("send: %d %v", st, b)
	}
	if took := time.Since(start); took < 150*time.Millisecond {
		t.Errorf("the send was answered after %v, want at least 150ms", took)
	}
	start = time.Now()
	h.do("GET", phonePath+"/groups", nil)
	if took := time.Since(start); took >= 150*time.Millisecond {
		t.Errorf("listing groups took %v: only sends are held", took)
	}
}
