package security

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"groupdeck/app"
	"groupdeck/handlers"
	"groupdeck/store"
)

// startWith starts groupdeck like start, with extra settings; vars with an
// empty GROUPDECK_ADMIN_EMAIL leave the database without users, and the
// app's standard output (the setup link) is written to out.
func startWith(t *testing.T, vars map[string]string, out io.Writer) *env {
	t.Helper()
	all := map[string]string{"GROUPDECK_ADMIN_EMAIL": "admin@x.test", "GROUPDECK_ADMIN_PASSWORD": password,
		"GROUPDECK_SESSION_KEY": sessionKey}
	for k, v := range vars {
		all[k] = v
	}
	if all["GROUPDECK_ADMIN_EMAIL"] == "" {
		delete(all, "GROUPDECK_ADMIN_PASSWORD")
	}
	db := filepath.Join(t.TempDir(), "sec.db")
	cfg, err := app.ParseConfig([]string{"-addr", "127.0.0.1:0", "-db", db}, func(k string) string { return all[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	cfg.SimFast = true
	if out == nil {
		out = io.Discard
	}
	a, err := app.New(context.Background(), cfg, slog.New(slog.DiscardHandler), out)
	if err != nil {
		t.Fatal(err)
	}
	a.Start()
	t.Cleanup(a.Close)
	e := &env{t: t, a: a, db: db}
	if all["GROUPDECK_ADMIN_EMAIL"] != "" {
		e.addUser("manager@x.test", store.RoleManager)
		e.addUser("viewer@x.test", store.RoleViewer)
	}
	return e
}

func (e *env) addUser(email, role string) {
	e.t.Helper()
	hash, err := handlers.HashPassword(password)
	if err != nil {
		e.t.Fatal(err)
	}
	if err := e.a.Store.CreateUser(context.Background(), &store.User{Email: email, PasswordHash: hash, Role: role}); err != nil {
		e.t.Fatal(err)
	}
}

// exec changes the database behind the app's back (to age a session).
func (e *env) exec(q string, args ...any) {
	e.t.Helper()
	db, err := sql.Open("sqlite", "file:"+e.db+"?_pragma=busy_timeout(5000)")
	if err != nil {
		e.t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(q, args...); err != nil {
		e.t.Fatal(err)
	}
}

// copyOf is another browser holding a copy of c's cookies.
func (c *client) copyOf() *client {
	u, _ := url.Parse(c.e.a.URL)
	cp := c.e.client()
	cp.Jar.SetCookies(u, c.Jar.Cookies(u))
	return cp
}

// signedIn reports whether c's cookie opens a signed-in page.
func (c *client) signedIn() bool {
	c.e.t.Helper()
	res, _ := c.get("/groups")
	return res.StatusCode == http.StatusOK
}

func TestSignOutEndsTheSessionOnTheServer(t *testing.T) {
	e := start(t)
	admin := e.login("admin@x.test")
	stolen := admin.copyOf() // a cookie copied before sign-out
	if !stolen.signedIn() {
		t.Fatal("the copy does not work even before sign-out")
	}
	if res, _ := admin.send(http.MethodPost, "/logout", nil, true); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %d", res.StatusCode)
	}
	if stolen.signedIn() {
		t.Error("a cookie copied before sign-out still works after it")
	}
	if n := e.count(`SELECT count(*) FROM sessions`); n != 0 {
		t.Errorf("%d sessions left after the only one signed out", n)
	}
}

func TestPasswordChangeAndDisablingEndSessions(t *testing.T) {
	e := start(t)
	ctx := context.Background()
	viewer := e.login("viewer@x.test")
	manager := e.login("manager@x.test")
	u, _ := e.a.Store.UserByEmail(ctx, "viewer@x.test")
	hash, _ := handlers.HashPassword("another long password")
	// What `groupdeck user passwd` does.
	if err := e.a.Store.SetPassword(ctx, u.ID, hash); err != nil {
		t.Fatal(err)
	}
	if viewer.signedIn() {
		t.Error("the session outlived a password change")
	}
	admin := e.login("admin@x.test")
	m, _ := e.a.Store.UserByEmail(ctx, "manager@x.test")
	if res, _ := admin.send(http.MethodPost, "/users/"+itoa(m.ID)+"/disable", nil, true); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("disable: %d", res.StatusCode)
	}
	if manager.signedIn() {
		t.Error("the session outlived disabling the account")
	}
	if n := e.count(`SELECT count(*) FROM sessions WHERE user_id IN (?, ?)`, u.ID, m.ID); n != 0 {
		t.Errorf("%d session records left", n)
	}
}

func TestIdleAndOldSessionsEnd(t *testing.T) {
	e := startWith(t, map[string]string{"GROUPDECK_SESSION_IDLE": "1h", "GROUPDECK_SESSION_LIFETIME": "3d"}, nil)
	c := e.client()
	c.get("/login")
	res, _ := c.send(http.MethodPost, "/login", url.Values{"email": {"admin@x.test"}, "password": {password}}, true)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %d", res.StatusCode)
	}
	// The browser keeps the cookie exactly as long as the server accepts it.
	if ck := res.Header.Get("Set-Cookie"); !strings.Contains(ck, "Max-Age=259200") {
		t.Errorf("cookie lifetime is not the configured 3 days: %q", ck)
	}
	if !c.signedIn() {
		t.Fatal("not signed in")
	}
	hourAgo := time.Now().Add(-61 * time.Minute).UnixMilli()
	e.exec(`UPDATE sessions SET last_seen = ?`, hourAgo)
	if c.signedIn() {
		t.Error("a session idle past GROUPDECK_SESSION_IDLE still works")
	}
	if n := e.count(`SELECT count(*) FROM sessions`); n != 0 {
		t.Errorf("the idle session was not deleted: %d left", n)
	}

	c = e.login("viewer@x.test")
	e.exec(`UPDATE sessions SET created_at = ?`, time.Now().Add(-73*time.Hour).UnixMilli())
	if c.signedIn() {
		t.Error("a session older than GROUPDECK_SESSION_LIFETIME still works, though in use")
	}
}

func TestSignOutEverywhereElse(t *testing.T) {
	e := start(t)
	here := e.login("admin@x.test")
	laptop := e.login("admin@x.test")
	other := e.login("manager@x.test")
	res, body := here.get("/account")
	if res.StatusCode != http.StatusOK || strings.Count(body, `data-testid="session-row"`) != 2 || !strings.Contains(body, "This browser") {
		t.Fatalf("account page: %d, want 2 sessions listed with this one marked\n%.2000s", res.StatusCode, body)
	}
	if res.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("account page Cache-Control %q", res.Header.Get("Cache-Control"))
	}
	res, _ = here.send(http.MethodPost, "/account/sessions/end-others", nil, true)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("end others: %d", res.StatusCode)
	}
	if laptop.signedIn() {
		t.Error("the other session survived \"sign out everywhere else\"")
	}
	if !here.signedIn() || !other.signedIn() {
		t.Error("this session, or another user's, was ended too")
	}
	_, body = here.get("/account")
	if !strings.Contains(body, "Signed out everywhere else.") || !strings.Contains(body, `data-testid="only-session"`) {
		t.Errorf("after ending the others: %.2000s", body)
	}
}

// A session's server record keeps only a hash of the cookie's id.
func TestSessionIDsNotStoredInClear(t *testing.T) {
	e := start(t)
	c := e.login("admin@x.test")
	id := sid(t, c, e.a.URL)
	if id == "" || e.count(`SELECT count(*) FROM sessions WHERE id = ?`, id) != 0 || e.count(`SELECT count(*) FROM sessions`) != 1 {
		t.Error("the session id is stored as it is in the cookie, or not stored")
	}
}
