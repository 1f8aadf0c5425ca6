package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"groupdeck/api"
	"groupdeck/app"
	"groupdeck/internal/testutil"
	"groupdeck/store"
)

// env is a sandbox groupdeck (the simulator stands in for WhatsApp) with
// a token for each role.
type env struct {
	t      *testing.T
	a      *app.App
	tokens map[string]string // role → token
	users  map[string]*store.User
}

func start(t *testing.T) *env {
	t.Helper()
	cfg, err := app.ParseConfig([]string{"-addr", "127.0.0.1:0", "-db", filepath.Join(t.TempDir(), "g.db"), "-sync-interval", "0"},
		func(k string) string {
			return map[string]string{"GROUPDECK_ADMIN_EMAIL": "admin@x.test", "GROUPDECK_ADMIN_PASSWORD": "a long sandbox password"}[k]
		}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	cfg.SimFast = true
	a, err := app.New(context.Background(), cfg, slog.New(slog.DiscardHandler), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	a.Start()
	t.Cleanup(a.Close)
	e := &env{t: t, a: a, tokens: map[string]string{}, users: map[string]*store.User{}}
	for _, role := range []string{store.RoleAdmin, store.RoleManager, store.RoleViewer} {
		u := &store.User{Email: role + "@api.test", Name: role, PasswordHash: "unused", Role: role}
		if err := a.Store.CreateUser(context.Background(), u); err != nil {
			t.Fatal(err)
		}
		e.users[role] = u
		e.tokens[role] = e.newToken(u, time.Now().Add(time.Hour))
	}
	return e
}

func (e *env) newToken(u *store.User, expires time.Time) string {
	tok, rec := api.NewToken(u.ID, "test "+u.Role, expires)
	if err := e.a.Store.CreateAPIToken(context.Background(), rec); err != nil {
		e.t.Fatal(err)
	}
	return tok
}

type answer struct {
	status int
	header http.Header
	body   []byte
}

func (r answer) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("answer %d is not a JSON object: %s", r.status, r.body)
	}
	return m
}

// do calls the API with token (none if empty) and extra header pairs.
func (e *env) do(method, path, token string, body any, header ...string) answer {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, e.a.URL+api.Prefix+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return answer{res.StatusCode, res.Header, b}
}

// activeGroup creates a group through the API and waits for WhatsApp's
// webhook to make it active.
func (e *env) activeGroup(subject, mode string) int64 {
	e.t.Helper()
	r := e.do("POST", "/groups", e.tokens[store.RoleManager], map[string]string{"subject": subject, "join_approval_mode": mode})
	if r.status != http.StatusCreated {
		e.t.Fatalf("create: %d %s", r.status, r.body)
	}
	id := int64(r.json(e.t)["id"].(float64))
	testutil.Eventually(e.t, 10*time.Second, func() error {
		g, err := e.a.Store.GroupByID(context.Background(), id)
		if err != nil {
			return err
		}
		if g.Status != store.GroupActive || g.InviteLink == "" {
			return fmt.Errorf("group %d is %s", id, g.Status)
		}
		return nil
	})
	return id
}

func isProblem(t *testing.T, r answer, status int) map[string]any {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type %q for a %d", ct, status)
	}
	p := r.json(t)
	if p["type"] == "" || p["title"] == "" || int(p["status"].(float64)) != status {
		t.Fatalf("not problem details: %s", r.body)
	}
	return p
}

func TestTokenLifecycle(t *testing.T) {
	e := start(t)
	ctx := context.Background()
	mgr := e.users[store.RoleManager]

	p := isProblem(t, e.do("GET", "/groups", "", nil), 401)
	if !strings.Contains(p["detail"].(string), "Bearer") {
		t.Errorf("the 401 does not say how to authenticate: %v", p)
	}
	isProblem(t, e.do("GET", "/groups", "gd_made-up", nil), 401)

	tok := e.newToken(mgr, time.Now().Add(time.Hour))
	if r := e.do("GET", "/groups", tok, nil); r.status != 200 || r.header.Get("Set-Cookie") != "" {
		t.Fatalf("a new token: %d %s (cookie %q)", r.status, r.body, r.header.Get("Set-Cookie"))
	}
	// Stored hashed, never as the token itself; the use is recorded.
	list, err := e.a.Store.APITokens(ctx, mgr.ID)
	if err != nil {
		t.Fatal(err)
	}
	var rec *store.APIToken
	for _, r := range list {
		if r.Hash == api.HashToken(tok) {
			rec = r
		}
		if r.Hash == tok || strings.Contains(tok, r.Hash) {
			t.Fatal("the token is stored in the clear")
		}
	}
	if rec == nil || rec.LastUsedAt == 0 || !strings.HasPrefix(tok, rec.Prefix) {
		t.Fatalf("token record %+v", rec)
	}

	// Cookies are refused, even beside a valid token.
	isProblem(t, e.do("GET", "/groups", tok, nil, "Cookie", "groupdeck=anything"), 400)

	// Revoked: refused from the next request on.
	if err := e.a.Store.RevokeAPIToken(ctx, mgr.ID, rec.ID); err != nil {
		t.Fatal(err)
	}
	if p := isProblem(t, e.do("GET", "/groups", tok, nil), 401); !strings.Contains(p["detail"].(string), "revoked") {
		t.Errorf("revoked: %v", p)
	}
	// Another user cannot revoke someone's token.
	other := e.newToken(mgr, time.Now().Add(time.Hour))
	list, _ = e.a.Store.APITokens(ctx, mgr.ID)
	if err := e.a.Store.RevokeAPIToken(ctx, e.users[store.RoleViewer].ID, list[0].ID); err != store.ErrNotFound {
		t.Fatalf("revoking another user's token: %v", err)
	}
	if r := e.do("GET", "/groups", other, nil); r.status != 200 {
		t.Fatalf("token revoked by someone else: %d", r.status)
	}

	// Expired.
	old := e.newToken(mgr, time.Now().Add(-time.Second))
	if p := isProblem(t, e.do("GET", "/groups", old, nil), 401); !strings.Contains(p["detail"].(string), "expired") {
		t.Errorf("expired: %v", p)
	}

	// A disabled user's tokens stop working; enabled again, they work.
	if err := e.a.Store.SetDisabled(ctx, mgr.ID, true); err != nil {
		t.Fatal(err)
	}
	isProblem(t, e.do("GET", "/groups", other, nil), 401)
	if err := e.a.Store.SetDisabled(ctx, mgr.ID, false); err != nil {
		t.Fatal(err)
	}
	if r := e.do("GET", "/groups", other, nil); r.status != 200 {
		t.Fatalf("re-enabled user: %d", r.status)
	}
}

func jsonInto(b []byte, v any) error { return json.Unmarshal(b, v) }
