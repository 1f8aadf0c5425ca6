package handlers

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"groupdeck/whatsapp"
)

func TestWebhookHandshake(t *testing.T) {
	ts := newTestServer(t)
	tests := []struct {
		name, mode, token string
		status            int
		body              string
	}{
		{"match", "subscribe", "vt", 200, "challenge-123"},
		{"wrong token", "subscribe", "other", 403, ""},
		{"missing token", "subscribe", "", 403, ""},
		{"wrong mode", "unsubscribe", "vt", 403, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := url.Values{"hub.mode": {tt.mode}, "hub.verify_token": {tt.token}, "hub.challenge": {"challenge-123"}}
			res, err := http.Get(ts.URL + "/webhook?" + q.Encode())
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", res.StatusCode, tt.status)
			}
			if tt.body != "" && string(b) != tt.body {
				t.Errorf("body %q, want the bare challenge", b)
			}
		})
	}
}

func postWebhook(t *testing.T, ts *testServer, body []byte, sig string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/webhook", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if sig != "" {
		req.Header.Set("X-Hub-Signature-256", sig)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

const createdJSON = `{"object":"whatsapp_business_account","entry":[{"id":"W","changes":[{"field":"group_lifecycle_update",
"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"1","phone_number_id":"P"},
"groups":[{"timestamp":"1755548877","group_id":"G1","type":"group_create","request_id":"req-1",
"subject":"Book club","invite_link":"https://chat.whatsapp.com/ABC","join_approval_mode":"auto_approve"}]}}]}]}`

func TestWebhookBadSignatureStoresNothing(t *testing.T) {
	ts := newTestServer(t)
	body := []byte(createdJSON)
	for name, sig := range map[string]string{
		"missing":      "",
		"wrong":        whatsapp.Sign("another-secret", body),
		"wrong prefix": strings.Replace(whatsapp.Sign(testSecret, body), "sha256=", "sha1=", 1),
		"not hex":      "sha256=zz",
	} {
		if st := postWebhook(t, ts, body, sig); st != http.StatusUnauthorized {
			t.Errorf("%s signature: %d, want 401", name, st)
		}
	}
	counts, _ := ts.store.DeliveryCounts(t.Context())
	if len(counts) != 0 {
		t.Errorf("deliveries stored: %v", counts)
	}
}

func TestWebhookAppliesCreate(t *testing.T) {
	ts := newTestServer(t)
	c := ts.client()
	c.login("manager@x.test")
	_, _, h := c.post("/groups", url.Values{"_csrf": {c.csrf}, "subject": {"Book club"}})
	body := []byte(createdJSON)
	for i := 0; i < 2; i++ { // Meta retries: the second copy must change nothing
		if st := postWebhook(t, ts, body, whatsapp.Sign(testSecret, body)); st != http.StatusOK {
			t.Fatalf("signed delivery: %d", st)
		}
	}
	_, page := c.get(h.Get("Location"))
	if !strings.Contains(page, "https://chat.whatsapp.com/ABC") {
		t.Error("invite link not shown after the create webhook")
	}
	counts, _ := ts.store.DeliveryCounts(t.Context())
	if counts["applied"] != 1 || counts["duplicate"] != 1 {
		t.Errorf("outcomes %v, want 1 applied and 1 duplicate", counts)
	}
}

func TestWebhookOversizeRefused(t *testing.T) {
	ts := newTestServer(t)
	body := bytes.Repeat([]byte("x"), 9<<20)
	if st := postWebhook(t, ts, body, whatsapp.Sign(testSecret, body)); st != http.StatusRequestEntityTooLarge {
		t.Errorf("oversize: %d, want 413", st)
	}
}
