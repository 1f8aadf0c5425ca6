package security

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"groupdeck/whatsapp"
)

func TestWebhookSignatures(t *testing.T) {
	e := start(t)
	e.group("Signed", "", "sec-sig")
	body := message("sec-sig", "wamid.sig.1", "15550003333", "Ann", "hello")
	good := whatsapp.Sign(e.a.Cfg.AppSecret, body)
	deliveries := func() int { return e.count(`SELECT count(*) FROM webhook_deliveries`) }
	before := deliveries()
	for name, sig := range map[string]string{
		"missing":         "",
		"wrong secret":    whatsapp.Sign("not-the-secret", body),
		"other body":      whatsapp.Sign(e.a.Cfg.AppSecret, append(bytes.Clone(body), ' ')),
		"malformed":       "sha256=zz",
		"truncated":       good[:len(good)-2],
		"sha1":            "sha1=" + strings.Repeat("0", 40),
		"empty signature": "sha256=",
	} {
		if st := e.webhook(body, sig); st != http.StatusUnauthorized {
			t.Errorf("%s signature: %d, want 401", name, st)
		}
	}
	if n := deliveries(); n != before {
		t.Fatalf("refused deliveries were stored: %d new rows", n-before)
	}
	if st := e.webhook(body, good); st != http.StatusOK {
		t.Fatalf("good signature: %d", st)
	}
	msgs := e.count(`SELECT count(*) FROM messages`)
	// A replay (same body, valid signature) is stored but changes nothing.
	for i := 0; i < 3; i++ {
		if st := e.webhook(body, good); st != http.StatusOK {
			t.Fatalf("replay: %d", st)
		}
	}
	if n := e.count(`SELECT count(*) FROM messages`); n != msgs {
		t.Errorf("replays added %d messages", n-msgs)
	}
	if n := e.count(`SELECT count(*) FROM webhook_deliveries WHERE outcome = 'duplicate'`); n != 3 {
		t.Errorf("%d replays stored as duplicates, want 3", n)
	}
	if n := e.count(`SELECT count(*) FROM webhook_events WHERE dedup_key = 'm:wamid.sig.1'`); n != 1 {
		t.Errorf("message applied %d times", n)
	}
}

func TestOversizedBodies(t *testing.T) {
	e := start(t)
	id := e.group("Big", "", "sec-big")
	admin := e.login("admin@x.test")
	big := func(n int) []byte { return bytes.Repeat([]byte("a"), n) }

	payload := append([]byte(`{"object":"whatsapp_business_account","pad":"`), big(5<<20)...)
	payload = append(payload, `"}`...)
	if st := e.signed(payload); st != http.StatusRequestEntityTooLarge {
		t.Errorf("5 MB webhook: %d, want 413", st)
	}
	form := url.Values{"_csrf": {admin.csrf}, "subject": {string(big(2 << 20))}}.Encode()
	for _, p := range []string{"/groups", "/login", "/users"} {
		req, _ := http.NewRequest(http.MethodPost, e.a.URL+p, strings.NewReader(form))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if res, _ := admin.do(req); res.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("2 MB form to %s: %d, want 413", p, res.StatusCode)
		}
	}
	// Upload routes have larger limits of their own, but still limits.
	// (A signed-out sender is refused before anything is read:
	// TestSignedOutUploadNotRead.)
	for _, p := range []string{"/groups/" + itoa(id) + "/settings", "/groups/" + itoa(id) + "/messages"} {
		for who, c := range map[string]*client{"admin": admin} {
			mp := append([]byte("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.bin\"\r\n\r\n"), big(120<<20)...)
			mp = append(mp, "\r\n--b--\r\n"...)
			req, _ := http.NewRequest(http.MethodPost, e.a.URL+p, bytes.NewReader(mp))
			req.Header.Set("Content-Type", "multipart/form-data; boundary=b")
			req.Header.Set("X-CSRF-Token", c.csrf)
			t0 := time.Now()
			res, _ := c.do(req)
			t.Logf("120 MB to %s (%s): %d after %s", p, who, res.StatusCode, time.Since(t0))
			if res.StatusCode != http.StatusRequestEntityTooLarge {
				t.Errorf("120 MB to %s (%s): %d, want 413", p, who, res.StatusCode)
			}
		}
	}
}
