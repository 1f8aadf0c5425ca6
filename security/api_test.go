package security

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"groupdeck/api"
)

func isAPI(path string) bool { return strings.HasPrefix(path, api.Prefix+"/") }

// token makes a personal API token for the user.
func (e *env) token(email string) string {
	e.t.Helper()
	u, err := e.a.Store.UserByEmail(context.Background(), email)
	if err != nil {
		e.t.Fatal(err)
	}
	tok, rec := api.NewToken(u.ID, "security test", time.Now().Add(time.Hour))
	if err := e.a.Store.CreateAPIToken(context.Background(), rec); err != nil {
		e.t.Fatal(err)
	}
	return tok
}

// api calls the API as a tool does: a bearer token ("" = none), no cookies.
func (e *env) api(method, path, tok string) (*http.Response, string) {
	e.t.Helper()
	req, _ := http.NewRequest(method, e.a.URL+path, strings.NewReader("{}"))
	req.Header.Set("Content-Type", "application/json")
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// TestAPIRefusesSessions: a signed-in browser (session cookie, valid CSRF
// token, even a valid bearer token beside them) gets nothing from the
// API, so a page elsewhere cannot ride an administrator's session.
func TestAPIRefusesSessions(t *testing.T) {
	e := start(t)
	id := e.group("API target", "", "sec-api")
	admin := e.login("admin@x.test")
	tok := e.token("admin@x.test")
	before := e.count(`SELECT count(*) FROM audit_log WHERE action NOT IN ('login', 'logout')`)
	n := 0
	for _, r := range routes(t, e) {
		if !isAPI(r.Path) || publicGet[r.Path] || strings.Contains(r.Path, "*") {
			continue
		}
		n++
		path := concrete(r.Path, id)
		for _, bearer := range []string{"", tok} {
			req, _ := http.NewRequest(r.Method, e.a.URL+path, strings.NewReader("{}"))
			req.Header.Set("X-CSRF-Token", admin.csrf)
			if bearer != "" {
				req.Header.Set("Authorization", "Bearer "+bearer)
			}
			if res, body := admin.do(req); res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "cookies-refused") {
				t.Errorf("%s %s with the session's cookies: %d %.200s", r.Method, path, res.StatusCode, body)
			}
		}
	}
	if n < 20 {
		t.Fatalf("only %d API routes", n)
	}
	if after := e.count(`SELECT count(*) FROM audit_log WHERE action NOT IN ('login', 'logout')`); after != before {
		t.Errorf("cookie requests left %d audit entries", after-before)
	}
	// The same token without cookies works.
	if res, body := e.api(http.MethodGet, api.Prefix+"/groups/"+itoa(id), tok); res.StatusCode != http.StatusOK {
		t.Fatalf("the token alone: %d %s", res.StatusCode, body)
	}
}
