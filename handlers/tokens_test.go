package handlers

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"groupdeck/api"
)

var tokenRe = regexp.MustCompile(`value="(gd_[A-Za-z0-9_-]+)"`)

// apiStatus calls the API with a bearer token and no cookies.
func apiStatus(t *testing.T, ts *testServer, tok string) int {
	t.Helper()
	req, _ := http.NewRequest("GET", ts.URL+api.Prefix+"/groups", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// TestTokenPage: a user (any role) creates a token on their own page,
// sees it once, uses it, and revokes it; nobody else can revoke it.
func TestTokenPage(t *testing.T) {
	ts := newTestServer(t)
	viewer := ts.client()
	viewer.login("viewer@x.test")
	if st, body := viewer.get("/account/tokens"); st != 200 || !strings.Contains(body, "You have no API tokens") {
		t.Fatalf("empty page: %d", st)
	}
	// CSRF protects the form like every other.
	if st, _, _ := viewer.post("/account/tokens", url.Values{"name": {"CRM"}, "days": {"30"}}); st != http.StatusForbidden {
		t.Fatalf("without CSRF: %d", st)
	}
	if st, body := viewer.form("/account/tokens", url.Values{"name": {" "}, "days": {"7"}}, false); st != http.StatusUnprocessableEntity ||
		!strings.Contains(body, "Name the token") || !strings.Contains(body, "Choose when the token expires") {
		t.Fatalf("bad input: %d", st)
	}
	st, body := viewer.form("/account/tokens", url.Values{"name": {"CRM sync"}, "days": {"30"}}, false)
	m := tokenRe.FindStringSubmatch(body)
	if st != 200 || m == nil || !strings.Contains(body, "shown only once") {
		t.Fatalf("create: %d", st)
	}
	tok := m[1]
	if _, again := viewer.get("/account/tokens"); strings.Contains(again, tok) || !strings.Contains(again, "CRM sync") || !strings.Contains(again, tok[:9]) {
		t.Fatal("the token is shown again, or its row is missing")
	}
	if st := apiStatus(t, ts, tok); st != 200 {
		t.Fatalf("the new token: %d", st)
	}
	if _, page := viewer.get("/account/tokens"); strings.Contains(page, "<td>never</td>") {
		t.Error("last use not shown")
	}

	recs, err := ts.store.APITokens(t.Context(), ts.userID("viewer@x.test"))
	if err != nil || len(recs) != 1 {
		t.Fatalf("%d tokens: %v", len(recs), err)
	}
	path := "/account/tokens/" + itoa64(recs[0].ID) + "/revoke"
	other := ts.client()
	other.login("admin@x.test")
	if st, _ := other.form(path, nil, false); st != http.StatusNotFound {
		t.Fatalf("someone else's revoke: %d", st)
	}
	if st := apiStatus(t, ts, tok); st != 200 {
		t.Fatal("revoked by someone else")
	}
	if st, _ := viewer.form(path, nil, false); st != http.StatusSeeOther {
		t.Fatalf("revoke: %d", st)
	}
	if st := apiStatus(t, ts, tok); st != http.StatusUnauthorized {
		t.Fatalf("a revoked token: %d", st)
	}
	if _, page := viewer.get("/account/tokens?revoked=1"); !strings.Contains(page, "Revoked ") || !strings.Contains(page, "was revoked") {
		t.Error("the page does not show the revocation")
	}
}

func (ts *testServer) userID(email string) int64 {
	ts.t.Helper()
	u, err := ts.store.UserByEmail(ts.t.Context(), email)
	if err != nil {
		ts.t.Fatal(err)
	}
	return u.ID
}
