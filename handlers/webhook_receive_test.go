package handlers

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"groupdeck/internal/testutil"
	"groupdeck/web"
	"groupdeck/whatsapp"
)

// POST /webhook is answered ahead of echo's middleware: its answers must
// still carry the security headers, go out with a length (one write,
// not chunked), and the body limit must hold for a sender that gives no
// Content-Length.
func TestWebhookAnswerHeaders(t *testing.T) {
	ts := newTestServer(t)
	body := []byte(createdJSON)
	for _, tc := range []struct {
		name, sig, want string
		status          int
	}{
		{"signed", whatsapp.Sign(testSecret, body), "ok", http.StatusOK},
		{"bad signature", "sha256=00", "bad signature", http.StatusUnauthorized},
	} {
		req, _ := http.NewRequest(http.MethodPost, ts.URL+"/webhook", bytes.NewReader(body))
		req.Header.Set("X-Hub-Signature-256", tc.sig)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != tc.status || string(got) != tc.want {
			t.Errorf("%s: %d %q, want %d %q", tc.name, res.StatusCode, got, tc.status, tc.want)
		}
		if res.ContentLength != int64(len(tc.want)) || len(res.TransferEncoding) > 0 {
			t.Errorf("%s: length %d, transfer encoding %v; want %d, none", tc.name, res.ContentLength, res.TransferEncoding, len(tc.want))
		}
		h := res.Header
		if h.Get("Content-Security-Policy") != web.ContentSecurityPolicy || h.Get("X-Frame-Options") != "DENY" ||
			h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Cross-Origin-Opener-Policy") != "same-origin" {
			t.Errorf("%s: security headers missing: %v", tc.name, h)
		}
	}
}

func TestWebhookOversizeWithoutLengthRefused(t *testing.T) {
	ts := newTestServer(t)
	body := bytes.Repeat([]byte(" "), webhookMax+1)
	// A reader that is not a *bytes.Reader makes the client send the
	// body chunked, with no Content-Length to refuse it by.
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/webhook", io.MultiReader(bytes.NewReader(body)))
	req.Header.Set("X-Hub-Signature-256", whatsapp.Sign(testSecret, body))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if req.ContentLength != 0 || res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("chunked oversize (length %d): %d, want 413", req.ContentLength, res.StatusCode)
	}
	counts, _ := ts.store.DeliveryCounts(t.Context())
	if len(counts) != 0 {
		t.Errorf("stored %v, want nothing", counts)
	}
}

// Every answer to POST /webhook carries a request id, the proxy's if it
// sent one, and the server's log lines about the delivery name the same
// id, so a refused or failed delivery can be found from either side.
func TestWebhookRequestID(t *testing.T) {
	var logs testutil.Buffer
	ts := newTestServer(t, func(d *Deps) { d.Log = slog.New(slog.NewTextHandler(&logs, nil)) })
	body := []byte(createdJSON)
	post := func(sig, proxyID string) string {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, ts.URL+"/webhook", bytes.NewReader(body))
		req.Header.Set("X-Hub-Signature-256", sig)
		if proxyID != "" {
			req.Header.Set("X-Request-Id", proxyID)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.Header.Get("X-Request-Id")
	}
	a, b := post(whatsapp.Sign(testSecret, body), ""), post(whatsapp.Sign(testSecret, body), "")
	if a == "" || b == "" || a == b {
		t.Fatalf("request ids %q and %q: want two different, non-empty", a, b)
	}
	if got := post(whatsapp.Sign(testSecret, body), "proxy-7f3a"); got != "proxy-7f3a" {
		t.Errorf("the proxy's id came back as %q", got)
	}
	long := strings.Repeat("x", 65)
	if got := post(whatsapp.Sign(testSecret, body), long); got == long || got == "" {
		t.Errorf("an over-long proxy id was kept (%q)", got)
	}
	refused := post("sha256=00", "")
	if !strings.Contains(logs.String(), "webhook refused") || !strings.Contains(logs.String(), "request_id="+refused) {
		t.Errorf("the refusal's log line does not name request id %q:\n%s", refused, logs.String())
	}
}
