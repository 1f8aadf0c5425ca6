package handlers

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestPasswordHashing(t *testing.T) {
	h, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(h, "correct") || !CheckPassword(h, "correct horse battery") || CheckPassword(h, "wrong horse battery") {
		t.Error("hash does not verify as it should")
	}
	if _, err := HashPassword("short"); err == nil {
		t.Error("short password accepted")
	}
}

func TestLoginRequired(t *testing.T) {
	ts := newTestServer(t)
	c := ts.client()
	for _, p := range []string{"/", "/groups", "/groups/new", "/groups/1", "/events"} {
		res, err := c.Get(ts.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther && res.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s without login: %d", p, res.StatusCode)
		}
		if res.StatusCode == http.StatusSeeOther && !strings.HasPrefix(res.Header.Get("Location"), "/login") {
			t.Errorf("%s redirects to %q", p, res.Header.Get("Location"))
		}
	}
}

func TestLoginWrongPasswordAndSuccess(t *testing.T) {
	ts := newTestServer(t)
	c := ts.client()
	c.get("/login")
	st, body, _ := c.post("/login", url.Values{"_csrf": {c.csrf}, "email": {"admin@x.test"}, "password": {"nope nope nope"}})
	if st != http.StatusUnauthorized || !strings.Contains(body, "do not match") {
		t.Fatalf("wrong password: %d", st)
	}
	before := c.Jar.Cookies(mustURL(ts.URL))
	c.login("admin@x.test")
	after := c.Jar.Cookies(mustURL(ts.URL))
	if len(before) == 0 || len(after) == 0 || before[0].Value == after[0].Value {
		t.Error("session cookie did not change at login")
	}
	if st, body := c.get("/groups"); st != http.StatusOK || !strings.Contains(body, "admin@x.test") {
		t.Errorf("after login: %d", st)
	}
}

func TestLoginRateLimited(t *testing.T) {
	ts := newTestServer(t)
	c := ts.client()
	c.get("/login")
	var last int
	for i := 0; i < loginBurst+1; i++ {
		last, _, _ = c.post("/login", url.Values{"_csrf": {c.csrf}, "email": {"admin@x.test"}, "password": {"wrong password!"}})
	}
	if last != http.StatusTooManyRequests {
		t.Fatalf("attempt %d got %d, want 429", loginBurst+1, last)
	}
	// Even the right password is refused while limited.
	st, _, _ := c.post("/login", url.Values{"_csrf": {c.csrf}, "email": {"admin@x.test"}, "password": {"correct horse battery"}})
	if st != http.StatusTooManyRequests {
		t.Errorf("right password while limited: %d", st)
	}
}

func TestCSRFRejected(t *testing.T) {
	ts := newTestServer(t)
	c := ts.client()
	c.login("manager@x.test")
	for _, tok := range []string{"", "forged-token"} {
		st, _, _ := c.post("/groups", url.Values{"_csrf": {tok}, "subject": {"Book club"}})
		if st != http.StatusForbidden {
			t.Errorf("token %q: status %d, want 403", tok, st)
		}
	}
	if len(ts.wa.creates) != 0 {
		t.Error("a request without a valid CSRF token reached WhatsApp")
	}
	if _, n, _ := ts.store.Groups(t.Context(), storeFilter()); n != 0 {
		t.Errorf("%d groups stored", n)
	}
}

func TestViewerCannotMutate(t *testing.T) {
	ts := newTestServer(t)
	c := ts.client()
	c.login("viewer@x.test")
	st, body, _ := c.post("/groups", url.Values{"_csrf": {c.csrf}, "subject": {"Book club"}})
	if st != http.StatusForbidden || !strings.Contains(body, "can view but not change") {
		t.Errorf("viewer create: %d", st)
	}
	if st, _ := c.get("/groups/new"); st != http.StatusForbidden {
		t.Errorf("viewer new form: %d", st)
	}
	if len(ts.wa.creates) != 0 {
		t.Error("viewer reached WhatsApp")
	}
}

func TestLogoutEndsSession(t *testing.T) {
	ts := newTestServer(t)
	c := ts.client()
	c.login("admin@x.test")
	if st, _, _ := c.post("/logout", url.Values{"_csrf": {c.csrf}}); st != http.StatusSeeOther {
		t.Fatalf("logout: %d", st)
	}
	if st, _ := c.get("/groups"); st != http.StatusSeeOther {
		t.Errorf("after logout: %d", st)
	}
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{"/groups": "/groups", "//evil.example": "/", "https://evil.example": "/", "": "/", "/\\evil": "/"} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

func mustURL(s string) *url.URL { u, _ := url.Parse(s); return u }
