package security

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/securecookie"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// rawGet sends path byte for byte, as a hostile client would, without
// any client-side cleaning.
func rawGet(t *testing.T, base, path string) (int, string) {
	t.Helper()
	u, _ := url.Parse(base)
	conn, err := net.DialTimeout("tcp", u.Host, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", path, u.Host)
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func TestStaticCannotEscape(t *testing.T) {
	e := start(t)
	if st, _ := rawGet(t, e.a.URL, "/static/css/app.css"); st != http.StatusOK {
		t.Fatalf("a real asset: %d", st)
	}
	for _, p := range []string{
		"/static/../go.mod", "/static/%2e%2e/go.mod", "/static/%2e%2e%2fgo.mod", "/static/..%2fgo.mod",
		"/static/..%5cgo.mod", "/static/css/../../go.mod", "/static/css/%2e%2e/%2e%2e/go.mod", "/static/....//go.mod",
		"/static/%252e%252e/go.mod", "/static/..;/go.mod", "/static/../main.go", "/static/../../../../etc/passwd",
		"/static/static.go", "/static/./static.go", "/static//static.go", "/static/%73tatic.go", "/static/css/../static.go",
		"/static/", "/static/css/",
	} {
		st, body := rawGet(t, e.a.URL, p)
		if st == http.StatusOK || strings.Contains(body, "module groupdeck") || strings.Contains(body, "package ") ||
			strings.Contains(body, "root:") {
			t.Errorf("GET %s: %d %.80q", p, st, body)
		}
	}
}

// sid decodes the session cookie with the app's key and returns its id.
func sid(t *testing.T, c *client, base string) string {
	t.Helper()
	u, _ := url.Parse(base)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name != "groupdeck" {
			continue
		}
		k := sessionKeyBytes()
		vals := map[any]any{}
		if err := securecookie.New(k[:32], k[32:64]).Decode("groupdeck", ck.Value, &vals); err != nil {
			t.Fatalf("decode session cookie: %v", err)
		}
		s, _ := vals["sid"].(string)
		return s
	}
	return ""
}

func TestSessionRenewedAtLogin(t *testing.T) {
	e := start(t)
	c := e.client()
	c.get("/login")
	before, csrfBefore := sid(t, c, e.a.URL), c.csrf
	if before == "" {
		t.Fatal("no session id before login")
	}
	u, _ := url.Parse(e.a.URL)
	planted := c.Jar.Cookies(u) // what an attacker who fixed the session holds
	res, _ := c.send(http.MethodPost, "/login", url.Values{"email": {"admin@x.test"}, "password": {password}}, true)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %d", res.StatusCode)
	}
	c.get("/groups")
	if after := sid(t, c, e.a.URL); after == "" || after == before {
		t.Errorf("session id not renewed at login: %q → %q", before, after)
	}
	if c.csrf == csrfBefore {
		t.Error("CSRF token not renewed at login")
	}
	attacker := e.client()
	attacker.Jar.SetCookies(u, planted)
	if res, _ := attacker.get("/groups"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("the pre-login cookie opened /groups: %d", res.StatusCode)
	}
}

func TestLoginRateLimited(t *testing.T) {
	e := start(t)
	c := e.client()
	c.get("/login")
	limited := 0
	for i := 0; i < 12; i++ {
		res, _ := c.send(http.MethodPost, "/login", url.Values{"email": {"admin@x.test"}, "password": {"wrong password " + itoa(int64(i))}}, true)
		switch res.StatusCode {
		case http.StatusUnauthorized:
			if limited > 0 {
				t.Fatalf("attempt %d allowed again after being limited", i)
			}
		case http.StatusTooManyRequests:
			limited++
		default:
			t.Fatalf("attempt %d: %d", i, res.StatusCode)
		}
	}
	if limited < 2 {
		t.Fatalf("12 bad attempts, %d limited", limited)
	}
	// Even the right password waits now.
	if res, _ := c.send(http.MethodPost, "/login", url.Values{"email": {"admin@x.test"}, "password": {password}}, true); res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("correct password while limited: %d, want 429", res.StatusCode)
	}
}

func TestSecurityHeaders(t *testing.T) {
	e := start(t)
	id := e.group("Headers", "", "sec-head")
	admin := e.login("admin@x.test")
	anon := e.client()
	check := func(what string, h http.Header) {
		t.Helper()
		csp := h.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "base-uri"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", what, csp, want)
			}
		}
		for _, bad := range []string{"unsafe-inline", "unsafe-eval", "*"} {
			if strings.Contains(csp, bad) {
				t.Errorf("%s: CSP %q allows %s", what, csp, bad)
			}
		}
		if h.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: X-Content-Type-Options %q", what, h.Get("X-Content-Type-Options"))
		}
		if rp := h.Get("Referrer-Policy"); rp != "same-origin" && rp != "no-referrer" && rp != "strict-origin-when-cross-origin" {
			t.Errorf("%s: Referrer-Policy %q", what, rp)
		}
	}
	for _, p := range []string{"/groups", "/groups/" + itoa(id), "/groups/" + itoa(id) + "/summary", "/no-such-page", "/static/css/app.css"} {
		res, _ := admin.get(p)
		check(p, res.Header)
	}
	res, _ := anon.get("/login")
	check("/login", res.Header)
	res, _ = anon.send(http.MethodPost, "/groups", nil, false)
	check("refused POST", res.Header)
	if c := res.Header.Values("Set-Cookie"); len(c) > 0 && (!strings.Contains(c[0], "HttpOnly") || !strings.Contains(c[0], "SameSite")) {
		t.Errorf("session cookie flags: %q", c[0])
	}
}
