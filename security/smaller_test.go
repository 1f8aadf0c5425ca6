package security

import (
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"groupdeck/app"
	"groupdeck/wasim"
)

// Live mode does not start with the verify token every sandbox shares.
func TestLiveModeRefusesPublicVerifyToken(t *testing.T) {
	for _, tc := range []struct {
		token string
		ok    bool
	}{{"", false}, {app.SandboxVerifyToken, false}, {"a-token-of-our-own", true}} {
		vars := map[string]string{"WA_ACCESS_TOKEN": "live", "WA_APP_SECRET": "s3cret", "WA_VERIFY_TOKEN": tc.token}
		_, err := app.ParseConfig(nil, func(k string) string { return vars[k] }, io.Discard)
		if tc.ok && err != nil {
			t.Errorf("WA_VERIFY_TOKEN %q: %v", tc.token, err)
		}
		if !tc.ok && (err == nil || !strings.Contains(err.Error(), "WA_VERIFY_TOKEN")) {
			t.Errorf("WA_VERIFY_TOKEN %q in live mode: %v, want a refusal naming WA_VERIFY_TOKEN", tc.token, err)
		}
	}
}

// A delivery for another business number is stored as failed with the
// reason, applies nothing, and the event log counts it.
func TestOtherPhoneNumberDeliveriesFail(t *testing.T) {
	e := start(t)
	e.group("Numbers", "", "sec-num")
	body := message("sec-num", "wamid.num1", "15550004444", "Ann", "for someone else")
	var v map[string]any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatal(err)
	}
	change := v["entry"].([]any)[0].(map[string]any)["changes"].([]any)[0].(map[string]any)
	change["value"].(map[string]any)["metadata"] = map[string]string{"display_phone_number": "15559999999", "phone_number_id": "999999999999999"}
	body, _ = json.Marshal(v)
	if st := e.signed(body); st != http.StatusOK {
		t.Fatalf("delivery: %d (failed deliveries are acknowledged too)", st)
	}
	if n := e.count(`SELECT count(*) FROM messages WHERE wamid = 'wamid.num1'`); n != 0 {
		t.Errorf("a message for another number was stored")
	}
	if n := e.count(`SELECT count(*) FROM webhook_deliveries WHERE outcome = 'failed' AND error LIKE '%for another phone number%999999999999999%'`); n != 1 {
		t.Errorf("%d failed deliveries name the other number, want 1", n)
	}
	// The same message for this app's number applies.
	if st := e.signed(message("sec-num", "wamid.num2", "15550004444", "Ann", "for us")); st != http.StatusOK {
		t.Fatal(st)
	}
	if n := e.count(`SELECT count(*) FROM messages WHERE wamid = 'wamid.num2'`); n != 1 {
		t.Errorf("a message for this number was not stored")
	}
	_, page := e.login("admin@x.test").get("/events/log")
	if !strings.Contains(page, `data-testid="eventlog-other-number"`) || !strings.Contains(page, "1 failed delivery was sent for another business phone number") {
		t.Errorf("the event log does not count the delivery for another number:\n%s", page)
	}
}

// The sandbox simulator's control API answers only requests carrying the
// token the app made at start.
func TestSimControlAPINeedsToken(t *testing.T) {
	e := start(t)
	if e.a.SimURL == "" || e.a.SimControl == "" {
		t.Fatal("the sandbox simulator has no control token")
	}
	call := func(method, path, token, body string) int {
		req, _ := http.NewRequest(method, e.a.SimURL+path, strings.NewReader(body))
		if token != "" {
			req.Header.Set(wasim.ControlTokenHeader, token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	for _, tok := range []string{"", "wrong", e.a.SimControl + "x"} {
		if st := call(http.MethodPost, "/_sim/users", tok, `{"wa_id":"15550007777","name":"Mallory"}`); st != http.StatusUnauthorized {
			t.Errorf("POST /_sim/users with token %q: %d, want 401", tok, st)
		}
		if st := call(http.MethodGet, "/v23.0/_sim/config", tok, ""); st != http.StatusUnauthorized {
			t.Errorf("GET /_sim/config with token %q: %d, want 401", tok, st)
		}
	}
	if n := len(e.a.Sim.Users()); n != 0 {
		t.Errorf("%d simulated users were added without the token", n)
	}
	if st := call(http.MethodPost, "/_sim/users", e.a.SimControl, `{"wa_id":"15550007777","name":"Ann"}`); st != http.StatusOK {
		t.Errorf("POST /_sim/users with the token: %d", st)
	}
}

// A media download that WhatsApp refuses says why, in words with the
// code, instead of a generic server error.
func TestMediaDownloadErrorIsHuman(t *testing.T) {
	e := start(t)
	e.group("Media", "", "sec-media")
	body := envelope("messages", map[string]any{
		"contacts": []any{map[string]any{"profile": map[string]string{"name": "Ann"}, "wa_id": "15550005555"}},
		"messages": []any{map[string]any{"from": "15550005555", "group_id": "sec-media", "id": "wamid.media1", "timestamp": now(),
			"type": "image", "image": map[string]string{"id": "999000111", "mime_type": "image/jpeg", "sha256": "x"}}}})
	if st := e.signed(body); st != http.StatusOK {
		t.Fatal(st)
	}
	id := e.count(`SELECT id FROM messages WHERE wamid = 'wamid.media1'`)
	gid := e.count(`SELECT group_id FROM messages WHERE wamid = 'wamid.media1'`)
	res, page := e.login("admin@x.test").get("/groups/" + itoa(int64(gid)) + "/messages/" + itoa(int64(id)) + "/media")
	if res.StatusCode != http.StatusBadGateway || !strings.Contains(page, "WhatsApp no longer has this file") || !regexp.MustCompile(`: [A-Z][^<]+ \(\d+\)`).MatchString(page) {
		t.Errorf("failed media download: %d, want 502 with WhatsApp's reason:\n%s", res.StatusCode, page)
	}
}
