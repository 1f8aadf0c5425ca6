package security

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestRedirectsStayOnTheSite(t *testing.T) {
	e := start(t)
	for _, next := range []string{
		"/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example", "/\x00/evil.example", "/\x7f/evil.example",
		"//evil.example", "/\\evil.example", "/\\/evil.example", "\\\\evil.example", "https://evil.example/",
		"javascript:alert(1)", "/%2F/evil.example", "/%09/evil.example", " //evil.example", "/\u0085/evil.example",
		"evil.example", "",
	} {
		c := e.client()
		if _, body := c.get("/login?next=" + url.QueryEscape(next)); strings.Contains(body, "evil.example") {
			t.Errorf("the sign-in form keeps next=%q", next)
		}
		res, _ := c.send(http.MethodPost, "/login", url.Values{"email": {"admin@x.test"}, "password": {password}, "next": {next}}, true)
		if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || loc != "/" {
			t.Errorf("next=%q: %d to %q, want 303 to /", next, res.StatusCode, loc)
		}
	}
	c := e.client()
	c.get("/login")
	res, _ := c.send(http.MethodPost, "/login", url.Values{"email": {"admin@x.test"}, "password": {password}, "next": {"/groups?status=active"}}, true)
	if loc := res.Header.Get("Location"); loc != "/groups?status=active" {
		t.Errorf("a same-site next was not kept: %q", loc)
	}
}

func TestHSTSWhenServedOverHTTPS(t *testing.T) {
	e := startWith(t, map[string]string{"GROUPDECK_BASE_URL": "https://deck.example.test"}, nil)
	res, _ := e.client().get("/login")
	if h := res.Header.Get("Strict-Transport-Security"); !strings.Contains(h, "max-age=") {
		t.Errorf("https base URL: Strict-Transport-Security %q", h)
	}
	plain := start(t)
	res, _ = plain.client().get("/login")
	if h := res.Header.Get("Strict-Transport-Security"); h != "" {
		t.Errorf("http base URL: Strict-Transport-Security %q (would break a site without a certificate)", h)
	}
}

func TestSignedInPagesAreNotCached(t *testing.T) {
	e := start(t)
	id := e.group("Cache", "", "sec-cache")
	admin := e.login("admin@x.test")
	for _, p := range []string{"/", "/groups", "/groups/" + itoa(id), "/groups/" + itoa(id) + "/summary",
		"/groups/" + itoa(id) + "/participants.csv", "/users", "/account", "/no-such-page"} {
		res, _ := admin.get(p)
		if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
			t.Errorf("%s: Cache-Control %q, want no-store", p, cc)
		}
	}
}

// Messages after a redirect come from the server's own session, never
// from text in the URL.
func TestNoTextInjectionThroughTheURL(t *testing.T) {
	e := start(t)
	admin := e.login("admin@x.test")
	const planted = "Your account is locked, call 555-0100"
	q := "?error=" + url.QueryEscape(planted) + "&notice=" + url.QueryEscape(planted)
	for _, p := range []string{"/users", "/sandbox", "/account", "/groups", "/"} {
		if _, body := admin.get(p + q); strings.Contains(body, planted) {
			t.Errorf("%s prints text from its URL", p)
		}
	}
	res, _ := admin.send(http.MethodPost, "/users", url.Values{"email": {"new@x.test"}, "password": {password}, "role": {"viewer"}}, true)
	if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || loc != "/users" {
		t.Fatalf("create user: %d to %q, want 303 to /users", res.StatusCode, loc)
	}
	if _, body := admin.get("/users"); !strings.Contains(body, "Account new@x.test created.") {
		t.Error("the notice did not reach the next page")
	}
	if _, body := admin.get("/users"); strings.Contains(body, "Account new@x.test created.") {
		t.Error("the notice is shown again on reload")
	}
	res, _ = admin.send(http.MethodPost, "/sandbox/say", url.Values{"u": {"nobody"}, "text": {""}}, true)
	if loc := res.Header.Get("Location"); strings.Contains(loc, "error") || strings.Contains(loc, "notice") {
		t.Errorf("sandbox redirect carries a message in the URL: %q", loc)
	}
	if _, body := admin.get(res.Header.Get("Location")); !strings.Contains(body, "Write something to send.") {
		t.Error("the sandbox error did not reach the next page")
	}
}
