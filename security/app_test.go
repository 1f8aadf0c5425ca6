package security

import (
	"bytes"
	"context"
	"crypto/sha512"
	"database/sql"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"groupdeck/app"
	"groupdeck/handlers"
	"groupdeck/store"
	"groupdeck/whatsapp"
)

const (
	password   = "correct horse battery"
	sessionKey = "security-test-session-key-0123456789"
)

// env is one running groupdeck with an admin, a manager and a viewer.
type env struct {
	t  *testing.T
	a  *app.App
	db string
}

func start(t *testing.T) *env {
	t.Helper()
	vars := map[string]string{"GROUPDECK_ADMIN_EMAIL": "admin@x.test", "GROUPDECK_ADMIN_PASSWORD": password,
		"GROUPDECK_SESSION_KEY": sessionKey}
	db := filepath.Join(t.TempDir(), "sec.db")
	cfg, err := app.ParseConfig([]string{"-addr", "127.0.0.1:0", "-db", db}, func(k string) string { return vars[k] }, io.Discard)
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
	for _, u := range []struct{ email, role string }{{"manager@x.test", store.RoleManager}, {"viewer@x.test", store.RoleViewer}} {
		hash, err := handlers.HashPassword(password)
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Store.CreateUser(context.Background(), &store.User{Email: u.email, PasswordHash: hash, Role: u.role}); err != nil {
			t.Fatal(err)
		}
	}
	return &env{t: t, a: a, db: db}
}

// sessionKeyBytes is the cookie key the app derives from sessionKey.
func sessionKeyBytes() []byte {
	sum := sha512.Sum512([]byte(sessionKey))
	return sum[:]
}

// query reads one integer from the database.
func (e *env) count(q string, args ...any) int {
	e.t.Helper()
	db, err := sql.Open("sqlite", "file:"+e.db+"?_pragma=query_only(ON)&_pragma=busy_timeout(5000)")
	if err != nil {
		e.t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(q, args...).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// client is a browser: cookies, no redirect following, the last CSRF token seen.
type client struct {
	*http.Client
	e    *env
	csrf string
}

func (e *env) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{e: e, Client: &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

var csrfRe = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func (c *client) do(req *http.Request) (*http.Response, string) {
	c.e.t.Helper()
	res, err := c.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if m := csrfRe.FindSubmatch(b); m != nil {
		c.csrf = string(m[1])
	}
	return res, string(b)
}

func (c *client) get(path string) (*http.Response, string) {
	c.e.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.e.a.URL+path, nil)
	return c.do(req)
}

// send makes a request with a form body; withCSRF adds the token.
func (c *client) send(method, path string, form url.Values, withCSRF bool) (*http.Response, string) {
	c.e.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if withCSRF {
		form.Set("_csrf", c.csrf)
	}
	req, _ := http.NewRequest(method, c.e.a.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

func (e *env) login(email string) *client {
	e.t.Helper()
	c := e.client()
	c.get("/login")
	res, body := c.send(http.MethodPost, "/login", url.Values{"email": {email}, "password": {password}}, true)
	if res.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("login %s: %d %s", email, res.StatusCode, body)
	}
	c.get("/groups") // the token was renewed with the session
	return c
}

// webhook posts a delivery signed with sig ("" = no header).
func (e *env) webhook(body []byte, sig string) int {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.a.URL+"/webhook", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if sig != "" {
		req.Header.Set(whatsapp.SignatureHeader, sig)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}

func (e *env) signed(body []byte) int {
	e.t.Helper()
	return e.webhook(body, whatsapp.Sign(e.a.Cfg.AppSecret, body))
}

// group creates a group the way the app does (row, create request id,
// group_create webhook) and returns its id once it is active.
func (e *env) group(subject, description, waGroupID string) int64 {
	e.t.Helper()
	ctx := context.Background()
	g := &store.Group{Subject: subject, Description: description, JoinApprovalMode: "auto_approve"}
	if err := e.a.Store.CreateGroup(ctx, g); err != nil {
		e.t.Fatal(err)
	}
	req := "req-" + waGroupID
	if _, err := e.a.Handler.Ingest.GroupRequested(ctx, g.ID, req); err != nil {
		e.t.Fatal(err)
	}
	body := lifecycle(waGroupID, req, subject)
	if st := e.signed(body); st != http.StatusOK {
		e.t.Fatalf("group_create webhook: %d", st)
	}
	got, err := e.a.Store.GroupByID(ctx, g.ID)
	if err != nil || got.Status != store.GroupActive {
		e.t.Fatalf("group not active: %+v %v", got, err)
	}
	return g.ID
}
