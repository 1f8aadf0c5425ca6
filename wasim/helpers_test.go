package wasim

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	testToken  = "test-token"
	testSecret = "test-secret"
)

// receiver captures webhook POSTs and checks each signature.
type receiver struct {
	t       *testing.T
	mu      sync.Mutex
	bodies  [][]byte
	fail    int // answer 500 to this many requests first
	calls   int
	badSigs int
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.calls++
	if rc.fail > 0 {
		rc.fail--
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	mac := hmac.New(sha256.New, []byte(testSecret))
	mac.Write(body)
	want := "sha256=" + hex.EncodeToString(mac.Sum(nil))
	if !hmac.Equal([]byte(r.Header.Get("X-Hub-Signature-256")), []byte(want)) {
		rc.badSigs++
	}
	rc.bodies = append(rc.bodies, body)
}

type envelope struct {
	Object string `json:"object"`
	Entry  []struct {
		ID      string `json:"id"`
		Changes []struct {
			Field string         `json:"field"`
			Value map[string]any `json:"value"`
		} `json:"changes"`
	} `json:"entry"`
}

// received is one change with its raw value for structural comparison.
type received struct {
	Field string
	Value map[string]any
	Raw   json.RawMessage
}

func (rc *receiver) changes() []received {
	rc.t.Helper()
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var out []received
	for _, b := range rc.bodies {
		var raw struct {
			Entry []struct {
				Changes []struct {
					Field string          `json:"field"`
					Value json.RawMessage `json:"value"`
				} `json:"changes"`
			} `json:"entry"`
		}
		if err := json.Unmarshal(b, &raw); err != nil {
			rc.t.Fatalf("webhook body is not JSON: %v", err)
		}
		for _, e := range raw.Entry {
			for _, c := range e.Changes {
				var v map[string]any
				_ = json.Unmarshal(c.Value, &v)
				out = append(out, received{Field: c.Field, Value: v, Raw: c.Value})
			}
		}
	}
	if rc.badSigs > 0 {
		rc.t.Errorf("%d webhook(s) had a bad signature", rc.badSigs)
	}
	return out
}

// groupEvents returns the group event objects of the given type.
func (rc *receiver) groupEvents(typ string) []map[string]any {
	var out []map[string]any
	for _, c := range rc.changes() {
		gs, _ := c.Value["groups"].([]any)
		for _, g := range gs {
			if m, _ := g.(map[string]any); m["type"] == typ {
				out = append(out, m)
			}
		}
	}
	return out
}

// statuses returns every status object received, in delivery order.
func (rc *receiver) statuses() []map[string]any {
	var out []map[string]any
	for _, c := range rc.changes() {
		sts, _ := c.Value["statuses"].([]any)
		for _, st := range sts {
			out = append(out, st.(map[string]any))
		}
	}
	return out
}

type harness struct {
	t   *testing.T
	sim *Server
	srv *httptest.Server
	rc  *receiver
}

// newHarness starts a simulator with millisecond delays and a webhook
// receiver; mutate lets a test flip switches before anything runs.
func newHarness(t *testing.T, mutate func(*Config)) *harness {
	t.Helper()
	rc := &receiver{t: t}
	hook := httptest.NewServer(rc)
	t.Cleanup(hook.Close)
	cfg := Config{
		AccessToken: testToken, AppSecret: testSecret, WebhookURL: hook.URL,
		WebhookDelay: 5 * time.Millisecond, SentDelay: 2 * time.Millisecond,
		DeliverDelay: 10 * time.Millisecond, ReadDelay: 20 * time.Millisecond,
		RetryBase: 2 * time.Millisecond, MaxAttempts: 4, Seed: 42,
	}
	if mutate != nil {
		mutate(&cfg)
	}
	sim := New(cfg)
	sim.Start()
	t.Cleanup(sim.Close)
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	return &harness{t: t, sim: sim, srv: srv, rc: rc}
}

func (h *harness) wait() {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := h.sim.WaitIdle(ctx); err != nil {
		h.t.Fatalf("WaitIdle: %v (pending %d)", err, h.sim.Pending())
	}
}

// do sends an authenticated Graph request and decodes the JSON answer.
func (h *harness) do(method, path string, body any) (int, map[string]any) {
	h.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	return h.raw(method, path, rd, "application/json", testToken)
}

func (h *harness) raw(method, path string, body io.Reader, ctype, token string) (int, map[string]any) {
	h.t.Helper()
	req, err := http.NewRequest(method, h.srv.URL+path, body)
	if err != nil {
		h.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	b, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(b, &out); err != nil {
		h.t.Fatalf("%s %s: response is not a JSON object: %s", method, path, b)
	}
	return resp.StatusCode, out
}

func errCode(body map[string]any) int {
	e, _ := body["error"].(map[string]any)
	c, _ := e["code"].(float64)
	return int(c)
}

const phonePath = "/v23.0/100000000000001"

// createGroup creates a group through the API and returns its ID and link.
func (h *harness) createGroup(subject, mode string) (id, link string) {
	h.t.Helper()
	st, body := h.do("POST", phonePath+"/groups", map[string]any{
		"messaging_product": "whatsapp", "subject": subject, "join_approval_mode": mode,
	})
	if st != 200 {
		h.t.Fatalf("create group: %d %v", st, body)
	}
	reqID := body["request_id"].(string)
	h.wait()
	for _, ev := range h.rc.groupEvents("group_create") {
		if ev["request_id"] == reqID {
			return ev["group_id"].(string), ev["invite_link"].(string)
		}
	}
	h.t.Fatalf("no group_create webhook for request %s", reqID)
	return "", ""
}

// groupWithMembers creates an auto-approve group and joins the given users.
func (h *harness) groupWithMembers(waIDs ...string) (id, link string) {
	h.t.Helper()
	id, link = h.createGroup("Test group", "")
	for _, wa := range waIDs {
		h.sim.AddUser(User{WaID: wa, Name: "Name " + wa})
		if res, err := h.sim.Tap(wa, link); err != nil || res != TapJoined {
			h.t.Fatalf("tap %s: %v %v", wa, res, err)
		}
	}
	h.wait()
	return id, link
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
