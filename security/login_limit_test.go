package security

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// loginFrom signs in as email with pw, the request arriving through the
// proxy on behalf of client address from ("" = no X-Forwarded-For).
func (c *client) loginFrom(from, email, pw string) (int, string) {
	c.e.t.Helper()
	if c.csrf == "" {
		c.get("/login")
	}
	form := url.Values{"email": {email}, "password": {pw}, "_csrf": {c.csrf}}
	req, _ := http.NewRequest(http.MethodPost, c.e.a.URL+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if from != "" {
		req.Header.Set("X-Forwarded-For", from)
	}
	res, body := c.do(req)
	return res.StatusCode, body
}

// Behind a reverse proxy every request comes from the proxy's address;
// someone else's failures must not lock the staff out.
func TestFailuresElsewhereNeverRefuseACorrectPassword(t *testing.T) {
	e := startWith(t, map[string]string{"GROUPDECK_TRUSTED_PROXIES": "127.0.0.1/32, ::1/128"}, nil)
	attacker := e.client()
	limited := 0
	for i := range 15 {
		switch st, _ := attacker.loginFrom("203.0.113.9", "admin@x.test", "wrong password "+itoa(int64(i))); st {
		case http.StatusTooManyRequests:
			limited++
		case http.StatusUnauthorized:
		default:
			t.Fatalf("attempt %d: %d", i, st)
		}
	}
	if limited == 0 {
		t.Fatal("15 bad attempts from one client address, none limited")
	}
	if st, _ := attacker.loginFrom("203.0.113.9", "admin@x.test", password); st != http.StatusTooManyRequests {
		t.Errorf("the attacker's address, right password: %d, want 429", st)
	}
	for _, who := range []struct{ from, email string }{{"198.51.100.20", "admin@x.test"}, {"198.51.100.21", "manager@x.test"}} {
		if st, _ := e.client().loginFrom(who.from, who.email, password); st != http.StatusSeeOther {
			t.Errorf("%s from %s with the right password: %d, want 303", who.email, who.from, st)
		}
	}
}

// Without a trusted proxy, X-Forwarded-For is the client's own words and
// changing it escapes nothing.
func TestForwardedForIgnoredWithoutTrustedProxy(t *testing.T) {
	e := start(t)
	c := e.client()
	limited := 0
	for i := range 12 {
		if st, _ := c.loginFrom("198.51.100."+itoa(int64(i+1)), "nobody"+itoa(int64(i))+"@x.test", "wrong password"); st == http.StatusTooManyRequests {
			limited++
		}
	}
	if limited < 2 {
		t.Errorf("12 failures with a different X-Forwarded-For each: %d limited, want 2", limited)
	}
}

// A few failures on one account from one address make that address wait
// for that account, and only for it.
func TestPerAccountBackoff(t *testing.T) {
	e := startWith(t, map[string]string{"GROUPDECK_TRUSTED_PROXIES": "127.0.0.1"}, nil)
	c := e.client()
	for i := range 4 {
		if st, _ := c.loginFrom("192.0.2.7", "viewer@x.test", "wrong password "+itoa(int64(i))); st != http.StatusUnauthorized && st != http.StatusTooManyRequests {
			t.Fatalf("attempt %d: %d", i, st)
		}
	}
	if st, body := c.loginFrom("192.0.2.7", "viewer@x.test", password); st != http.StatusTooManyRequests || !strings.Contains(body, "Try again in") {
		t.Errorf("after 4 failures on the account, the next try at once: %d, want 429 saying how long to wait", st)
	}
	if st, _ := e.client().loginFrom("192.0.2.7", "manager@x.test", password); st != http.StatusSeeOther {
		t.Errorf("another account from the same address: %d, want 303", st)
	}
	if st, _ := e.client().loginFrom("192.0.2.8", "viewer@x.test", password); st != http.StatusSeeOther {
		t.Errorf("the same account from another address: %d, want 303", st)
	}
}

// IPv6 clients are limited by /64: stepping through one's own /64 does
// not reset the limit, and a neighbour in another /64 is unaffected.
func TestIPv6LimitedPer64(t *testing.T) {
	e := startWith(t, map[string]string{"GROUPDECK_TRUSTED_PROXIES": "127.0.0.0/8"}, nil)
	c := e.client()
	limited := 0
	for i := range 12 {
		if st, _ := c.loginFrom("2001:db8:1:2::"+itoa(int64(i+1)), "nobody"+itoa(int64(i))+"@x.test", "wrong password"); st == http.StatusTooManyRequests {
			limited++
		}
	}
	if limited < 2 {
		t.Errorf("12 failures from one /64: %d limited, want 2", limited)
	}
	if st, _ := e.client().loginFrom("2001:db8:1:3::1", "admin@x.test", password); st != http.StatusSeeOther {
		t.Errorf("a client in the next /64: %d, want 303", st)
	}
}
