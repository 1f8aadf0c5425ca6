package security

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// padded is a valid delivery of about n bytes.
func padded(n int) []byte {
	b := []byte(`{"object":"whatsapp_business_account","entry":[],"pad":"`)
	b = append(b, bytes.Repeat([]byte("a"), n-len(b)-2)...)
	return append(b, `"}`...)
}

// The webhook reads at most what Meta documents (3 MB, with headroom):
// a delivery of that size is taken, a larger one is refused unread.
func TestWebhookBodyLimit(t *testing.T) {
	e := start(t)
	if st := e.signed(padded(3_000_000)); st != http.StatusOK {
		t.Errorf("3 MB signed delivery: %d, want 200", st)
	}
	if st := e.webhook(padded(5<<20), "sha256=00"); st != http.StatusRequestEntityTooLarge {
		t.Errorf("5 MB unsigned delivery: %d, want 413", st)
	}
}

// Only a few webhook bodies are read at once. Senders that hold every
// reader (here: bodies announced and never sent) make the next delivery
// wait briefly and then get 503, which Meta retries; once they are gone,
// deliveries are taken again.
func TestWebhookReadersBounded(t *testing.T) {
	e := start(t)
	addr := strings.TrimPrefix(e.a.URL, "http://")
	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for i := 0; i < 16; i++ {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		fmt.Fprintf(c, "POST /webhook HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{\"object\":", addr)
	}
	// Once the server reads the held bodies (at once, or soon on a busy
	// machine), a signed delivery waits briefly and is refused.
	body := padded(200)
	st := 0
	var waited time.Duration
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		t0 := time.Now()
		if st = e.signed(body); st == http.StatusServiceUnavailable {
			waited = time.Since(t0)
			break
		}
	}
	if st != http.StatusServiceUnavailable {
		t.Errorf("delivery while 16 bodies are being read: %d, want 503", st)
	}
	if waited > 5*time.Second {
		t.Errorf("refusal took %s", waited)
	}
	for _, c := range conns {
		c.Close()
	}
	conns = nil
	deadline := time.Now().Add(5 * time.Second)
	for st = e.signed(body); st != http.StatusOK && time.Now().Before(deadline); st = e.signed(body) {
		time.Sleep(50 * time.Millisecond)
	}
	if st != http.StatusOK {
		t.Errorf("delivery after the slow senders left: %d, want 200", st)
	}
}

// countingReader counts what the HTTP client managed to send.
type countingReader struct {
	n    atomic.Int64
	left int64
}

func (r *countingReader) Read(p []byte) (int, error) {
	if r.left <= 0 {
		return 0, io.EOF
	}
	n := min(int64(len(p)), r.left)
	for i := range p[:n] {
		p[i] = 'a'
	}
	r.left -= n
	r.n.Add(n)
	return int(n), nil
}

// A signed-out client cannot make the server read an upload: the sign-in
// check runs before the CSRF check would parse the multipart body.
func TestSignedOutUploadNotRead(t *testing.T) {
	e := start(t)
	id := e.group("Uploads", "", "sec-up")
	anon := e.client()
	anon.get("/login")    // a session with a CSRF token, but nobody signed in
	const size = 60 << 20 // under the upload limit
	for _, p := range []string{"/groups/" + itoa(id) + "/messages", "/groups/" + itoa(id) + "/settings", "/messages/broadcast", "/groups/bulk", "/schedules"} {
		head := "--b\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n" + anon.csrf +
			"\r\n--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.jpg\"\r\n\r\n"
		body := &countingReader{left: size}
		req, _ := http.NewRequest(http.MethodPost, e.a.URL+p, io.MultiReader(strings.NewReader(head), body))
		req.ContentLength = int64(len(head)) + size
		req.Header.Set("Content-Type", "multipart/form-data; boundary=b")
		res, err := anon.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
			t.Errorf("signed-out upload to %s: %d %s, want 303 to /login", p, res.StatusCode, res.Header.Get("Location"))
		}
		if sent := body.n.Load(); sent > 8<<20 {
			t.Errorf("signed-out upload to %s: the server read %d MB before refusing", p, sent>>20)
		}
	}
}
