package handlers

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"groupdeck/ingest"
	"groupdeck/store"
	"groupdeck/wasim"
	"groupdeck/whatsapp"
)

const (
	connPhone = "100000000000077"
	connWABA  = "200000000000077"
	connToken = "conn-token"
)

// newConnectionServer serves the handlers with a real client talking to
// the simulator, as in sandbox mode.
func newConnectionServer(t *testing.T, token string, mutate func(*wasim.Config)) (*testServer, *wasim.Server) {
	t.Helper()
	cfg := wasim.Config{PhoneNumberID: connPhone, WABAID: connWABA, AccessToken: connToken, DisplayPhoneNumber: "15550007777",
		VerifiedName: "Acme Groups", WebhookDelay: -1, SentDelay: -1, DeliverDelay: -1, ReadDelay: -1, Seed: 7}
	if mutate != nil {
		mutate(&cfg)
	}
	sim := wasim.New(cfg)
	api := httptest.NewServer(sim)
	t.Cleanup(api.Close)
	t.Cleanup(sim.Close)
	wa := whatsapp.New(api.URL+"/v26.0", connPhone, token, whatsapp.WithRetry(1, 0))
	ts := newTestServer(t, func(d *Deps) {
		d.Account, d.WABAID, d.BaseURL = wa, connWABA, "https://deck.example.com"
		d.Ingest = &ingest.Ingester{Store: d.Store, PhoneNumberID: connPhone}
	})
	return ts, sim
}

var checkRe = regexp.MustCompile(`data-testid="check-([a-z-]+)" data-level="([a-z]+)"`)

// levels maps each check on the page to its level.
func levels(body string) map[string]string {
	out := map[string]string{}
	for _, m := range checkRe.FindAllStringSubmatch(body, -1) {
		out[m[1]] = m[2]
	}
	return out
}

func TestConnectionAdminsOnly(t *testing.T) {
	ts, _ := newConnectionServer(t, connToken, nil)
	for _, who := range []string{"manager@x.test", "viewer@x.test"} {
		c := ts.client()
		c.login(who)
		if st, _ := c.get("/connection"); st != http.StatusForbidden {
			t.Errorf("%s GET /connection: %d", who, st)
		}
		if st, _, _ := c.post("/connection/subscribe", url.Values{"_csrf": {c.csrf}}); st != http.StatusForbidden {
			t.Errorf("%s POST subscribe: %d", who, st)
		}
	}
}

func TestConnectionChecksAndSubscribe(t *testing.T) {
	ts, sim := newConnectionServer(t, connToken, func(c *wasim.Config) { c.Unsubscribed = true })
	c := ts.client()
	c.login("admin@x.test")
	st, body := c.get("/connection")
	want := map[string]string{"phone": "ok", "subscription": "bad", "handshake": "warn", "deliveries": "warn", "signatures": "ok",
		"other-number": "ok", "version": "ok"}
	if got := levels(body); st != 200 || !equalMaps(got, want) {
		t.Fatalf("fresh page %d: levels %v, want %v", st, got, want)
	}
	for _, s := range []string{"+1 555-000-7777", "Acme Groups", "is not subscribed to business account " + connWABA,
		"https://deck.example.com/webhook", "v26.0", `data-testid="connection-subscribe"`} {
		if !strings.Contains(body, s) {
			t.Errorf("page lacks %q", s)
		}
	}
	if st, _, _ := c.post("/connection/subscribe", url.Values{}); st != http.StatusForbidden {
		t.Errorf("subscribe without CSRF: %d", st)
	}
	st, _, hdr := c.post("/connection/subscribe", url.Values{"_csrf": {c.csrf}})
	if st != http.StatusSeeOther || hdr.Get("Location") != "/connection?subscribed=1" {
		t.Fatalf("subscribe: %d %v", st, hdr)
	}
	if sim.Config().Unsubscribed {
		t.Fatal("the simulator's WABA still has no subscribed app")
	}
	_, body = c.get("/connection?subscribed=1")
	if got := levels(body)["subscription"]; got != "ok" || !strings.Contains(body, "is now subscribed") {
		t.Errorf("after subscribing: subscription %q", got)
	}
	rows, _, err := ts.store.AuditSearch(context.Background(), store.AuditQuery{Action: string(store.AuditWebhookSubscribe), Limit: 5})
	if err != nil || len(rows) != 1 || rows[0].Outcome != "ok" {
		t.Errorf("audit: %+v %v", rows, err)
	}
}

func TestConnectionWebhookHealth(t *testing.T) {
	ts, _ := newConnectionServer(t, connToken, nil)
	c := ts.client()
	c.login("admin@x.test")
	// A handshake with the wrong verify token, then a forged delivery.
	if res, err := http.Get(ts.URL + "/webhook?hub.mode=subscribe&hub.challenge=42&hub.verify_token=wrong"); err != nil || res.StatusCode != 403 {
		t.Fatalf("bad handshake: %v %v", res, err)
	}
	forged, _ := http.NewRequest("POST", ts.URL+"/webhook", strings.NewReader(`{"object":"whatsapp_business_account","entry":[]}`))
	forged.Header.Set("X-Hub-Signature-256", "sha256=00")
	if res, err := http.DefaultClient.Do(forged); err != nil || res.StatusCode != 401 {
		t.Fatalf("forged delivery: %v %v", res, err)
	}
	_, body := c.get("/connection")
	got := levels(body)
	if got["handshake"] != "bad" || got["signatures"] != "bad" || !strings.Contains(body, "1 deliveries were refused") ||
		!strings.Contains(body, "does not match WA_VERIFY_TOKEN") ||
		!strings.Contains(body, "WA_VERIFY_TOKEN") || !strings.Contains(body, "WA_APP_SECRET") {
		t.Fatalf("after a bad handshake and a forged delivery: %v", got)
	}
	// Then Meta's real handshake and a signed delivery.
	if res, err := http.Get(ts.URL + "/webhook?hub.mode=subscribe&hub.challenge=42&hub.verify_token=vt"); err != nil || res.StatusCode != 200 {
		t.Fatalf("handshake: %v %v", res, err)
	}
	payload := `{"object":"whatsapp_business_account","entry":[]}`
	mac := hmac.New(sha256.New, []byte(testSecret))
	mac.Write([]byte(payload))
	signed, _ := http.NewRequest("POST", ts.URL+"/webhook", strings.NewReader(payload))
	signed.Header.Set("X-Hub-Signature-256", "sha256="+hex.EncodeToString(mac.Sum(nil)))
	if res, err := http.DefaultClient.Do(signed); err != nil || res.StatusCode != 200 {
		t.Fatalf("signed delivery: %v %v", res, err)
	}
	_, body = c.get("/connection")
	got = levels(body)
	if got["handshake"] != "ok" || got["deliveries"] != "ok" || got["signatures"] != "bad" ||
		!strings.Contains(body, "the secret is probably right") {
		t.Fatalf("after a good handshake and delivery: %v", got)
	}
	// A later refused handshake (the endpoint is public) does not undo
	// Meta's verification: it is a warning that says both.
	// (Refusals are written at most once a second; forget the first.)
	ts.h.handshakeRefusals.last = time.Time{}
	if res, err := http.Get(ts.URL + "/webhook?hub.mode=subscribe&hub.challenge=42&hub.verify_token=guess"); err != nil || res.StatusCode != 403 {
		t.Fatalf("second bad handshake: %v %v", res, err)
	}
	_, body = c.get("/connection")
	if got := levels(body)["handshake"]; got != "warn" || !strings.Contains(body, "Meta verified the callback URL earlier") ||
		!strings.Contains(body, "someone else sent the request") {
		t.Fatalf("refusal after a verification: %v", got)
	}
}

func TestConnectionWrongToken(t *testing.T) {
	ts, _ := newConnectionServer(t, "stale-token", nil)
	c := ts.client()
	c.login("admin@x.test")
	_, body := c.get("/connection")
	got := levels(body)
	if got["phone"] != "bad" || got["subscription"] != "bad" || !strings.Contains(body, "(190)") ||
		!strings.Contains(body, "set it as WA_ACCESS_TOKEN") {
		t.Fatalf("wrong token: %v", got)
	}
	st, body, _ := c.post("/connection/subscribe", url.Values{"_csrf": {c.csrf}})
	if st != http.StatusOK || !strings.Contains(body, "Subscribing failed") || !strings.Contains(body, "(190)") {
		t.Fatalf("subscribe with a wrong token: %d", st)
	}
	rows, _, _ := ts.store.AuditSearch(context.Background(), store.AuditQuery{Action: string(store.AuditWebhookSubscribe), Limit: 5})
	if len(rows) != 1 || !strings.HasPrefix(rows[0].Outcome, "failed: ") {
		t.Errorf("audit of the failure: %+v", rows)
	}
}

func TestCheckVersion(t *testing.T) {
	for v, want := range map[string]string{"v26.0": "ok", "v27.0": "ok", "v24.0": "ok", "v23.0": "warn", "v22.0": "bad", "": "warn"} {
		if got := checkVersion(v); got.Level != want || (want != "ok" && got.Fix == "") {
			t.Errorf("checkVersion(%q) = %s (fix %q), want %s", v, got.Level, got.Fix, want)
		}
	}
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// signedPost delivers payload with a valid signature and returns the status.
func signedPost(t *testing.T, ts *testServer, payload string) int {
	t.Helper()
	mac := hmac.New(sha256.New, []byte(testSecret))
	mac.Write([]byte(payload))
	req, _ := http.NewRequest("POST", ts.URL+"/webhook", strings.NewReader(payload))
	req.Header.Set("X-Hub-Signature-256", "sha256="+hex.EncodeToString(mac.Sum(nil)))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

func TestConnectionDeliveriesForAnotherNumber(t *testing.T) {
	ts, _ := newConnectionServer(t, connToken, nil)
	c := ts.client()
	c.login("admin@x.test")
	payload := `{"object":"whatsapp_business_account","entry":[{"id":"` + connWABA + `","changes":[{"field":"group_lifecycle_update",
		"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550009999","phone_number_id":"100000000000099"},
		"groups":[{"timestamp":"1780000000","type":"group_delete","group_id":"Y2FwaV9ncm91cDo5OQZDZD","request_id":"1"}]}}]}]}`
	if st := signedPost(t, ts, payload); st != 200 {
		t.Fatalf("delivery for another number: %d", st)
	}
	_, body := c.get("/connection")
	if got := levels(body)["other-number"]; got != "warn" || !strings.Contains(body, "1 deliveries were sent for another business phone number than "+connPhone) ||
		!strings.Contains(body, "set WA_PHONE_NUMBER_ID") {
		t.Fatalf("other number: %q", got)
	}
}
