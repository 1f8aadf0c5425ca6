package security

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

// The rules are checked on every route echo knows, so a route added later
// is covered without touching this file.
var (
	// csrfExempt authenticates by other means (the signature).
	csrfExempt = map[string]bool{"/webhook": true}
	// anyoneMayPost are the state-changing routes open to every role or
	// to nobody signed in.
	anyoneMayPost = map[string]bool{"/login": true, "/logout": true, "/setup": true, "/webhook": true,
		// Every user may end their own other sessions and manage their own API tokens.
		"/account/sessions/end-others": true, "/account/tokens": true, "/account/tokens/:id/revoke": true,
	}
	// public GET routes; every other GET needs a signed-in user. A new
	// public route fails TestSignedOutIsSentToLogin until it is added
	// here, so going public is always a decision.
	publicGet = map[string]bool{"/healthz": true, "/favicon.ico": true, "/static/*": true, "/webhook": true,
		"/login": true, "/setup": true,
		"/j/:slug":             true, // campaign invite links: people outside the app open them
		"/api/v1/openapi.json": true,
		"/readyz":              true, // for monitors, like /healthz: queue figures only
		"/metrics":             true, // its own bearer token (GROUPDECK_METRICS_TOKEN), tested in metrics/ and app/
	}
)

func routes(t *testing.T, e *env) []*echo.Route {
	t.Helper()
	var out []*echo.Route
	for _, r := range e.a.Echo.Routes() {
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
			out = append(out, r)
		}
	}
	if len(out) < 10 {
		t.Fatalf("only %d routes found; is the router registered?", len(out))
	}
	return out
}

func changes(method string) bool {
	return method != http.MethodGet && method != http.MethodHead
}

// concrete fills path parameters with an existing group's id (any number
// would do: CSRF and role checks run before the handler).
func concrete(path string, id int64) string {
	parts := strings.Split(path, "/")
	for i, p := range parts {
		if strings.HasPrefix(p, ":") {
			parts[i] = strconv.FormatInt(id, 10)
		}
	}
	return strings.ReplaceAll(strings.Join(parts, "/"), "*", "x")
}

// uploadRoutes take bodies larger than a form; on them the sign-in check
// runs before the CSRF check (which reads the body), so a signed-out
// request is sent to the sign-in page before the token is looked at.
var uploadRoutes = map[string]bool{"/groups/:id/messages": true, "/messages/broadcast": true,
	"/groups/bulk": true, "/groups/:id/settings": true, "/schedules": true, "/schedules/:id": true}

// refused reports whether a request without a valid token was refused:
// 403, or for a signed-out client on an upload route, the sign-in page.
func refused(res *http.Response, route string, signedOut bool) bool {
	if res.StatusCode == http.StatusForbidden {
		return true
	}
	return signedOut && uploadRoutes[route] && res.StatusCode == http.StatusSeeOther &&
		strings.HasPrefix(res.Header.Get("Location"), "/login")
}

func TestEveryStateChangingRouteNeedsCSRF(t *testing.T) {
	e := start(t)
	id := e.group("CSRF target", "", "sec-csrf")
	admin := e.login("admin@x.test")
	anon := e.client()
	anon.get("/login")
	n := 0
	for _, r := range routes(t, e) {
		// The API takes no cookies, so needs no CSRF token (api_test.go).
		if !changes(r.Method) || csrfExempt[r.Path] || isAPI(r.Path) {
			continue
		}
		n++
		path := concrete(r.Path, id)
		for who, c := range map[string]*client{"admin": admin, "signed out": anon} {
			res, _ := c.send(r.Method, path, nil, false)
			if !refused(res, r.Path, who == "signed out") {
				t.Errorf("%s %s without a CSRF token (%s): %d, want 403", r.Method, path, who, res.StatusCode)
			}
			// A token in the header is accepted, a wrong one is not.
			req, _ := http.NewRequest(r.Method, e.a.URL+path, nil)
			req.Header.Set("X-CSRF-Token", c.csrf+"x")
			if res, _ := c.do(req); !refused(res, r.Path, who == "signed out") {
				t.Errorf("%s %s with a wrong CSRF token (%s): %d, want 403", r.Method, path, who, res.StatusCode)
			}
		}
	}
	t.Logf("%d state-changing routes checked", n)
	// The admin still works: the refusals above were about the token.
	if res, _ := admin.get("/groups"); res.StatusCode != http.StatusOK {
		t.Fatalf("admin lost the session: %d", res.StatusCode)
	}
}

func TestViewerChangesNothing(t *testing.T) {
	e := start(t)
	id := e.group("Role target", "", "sec-role")
	viewer := e.login("viewer@x.test")
	viewerToken := e.token("viewer@x.test")
	before := e.count(`SELECT count(*) FROM audit_log WHERE action NOT IN ('login', 'logout')`)
	n := 0
	for _, r := range routes(t, e) {
		if !changes(r.Method) || anyoneMayPost[r.Path] {
			continue
		}
		n++
		path := concrete(r.Path, id)
		res, body := viewer.send(r.Method, path, nil, true)
		if isAPI(r.Path) {
			res, body = e.api(r.Method, path, viewerToken)
		}
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("viewer %s %s: %d, want 403\n%.300s", r.Method, path, res.StatusCode, body)
		}
	}
	t.Logf("%d state-changing routes checked", n)
	if after := e.count(`SELECT count(*) FROM audit_log WHERE action NOT IN ('login', 'logout')`); after != before {
		t.Errorf("viewer requests left %d audit entries", after-before)
	}
}

func TestManagerCannotAdminister(t *testing.T) {
	e := start(t)
	manager := e.login("manager@x.test")
	for _, r := range routes(t, e) {
		if !strings.HasPrefix(r.Path, "/users") && !strings.HasPrefix(r.Path, "/audit") {
			continue
		}
		path := concrete(r.Path, 1)
		var res *http.Response
		if changes(r.Method) {
			res, _ = manager.send(r.Method, path, nil, true)
		} else {
			res, _ = manager.get(path)
		}
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("manager %s %s: %d, want 403", r.Method, path, res.StatusCode)
		}
	}
}

func TestSignedOutIsSentToLogin(t *testing.T) {
	e := start(t)
	id := e.group("Anon target", "", "sec-anon")
	anon := e.client()
	anon.get("/login") // a session with a valid CSRF token, but no user
	for _, r := range routes(t, e) {
		if strings.Contains(r.Path, "*") || publicGet[r.Path] && !changes(r.Method) || anyoneMayPost[r.Path] {
			continue
		}
		path := concrete(r.Path, id)
		var res *http.Response
		switch {
		case isAPI(r.Path):
			res, _ = e.api(r.Method, path, "")
		case changes(r.Method):
			res, _ = anon.send(r.Method, path, nil, true)
		default:
			res, _ = anon.get(path)
		}
		loc := res.Header.Get("Location")
		ok := res.StatusCode == http.StatusUnauthorized ||
			res.StatusCode == http.StatusSeeOther && strings.HasPrefix(loc, "/login")
		if !ok {
			t.Errorf("signed out %s %s: %d %q, want 401 or a redirect to /login", r.Method, path, res.StatusCode, loc)
		}
	}
}
