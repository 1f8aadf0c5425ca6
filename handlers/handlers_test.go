package handlers

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"groupdeck/ingest"
	"groupdeck/jobs"
	"groupdeck/store"
	"groupdeck/web"
	"groupdeck/whatsapp"
)

const testSecret = "test-app-secret"

type fakeWA struct {
	creates []whatsapp.CreateGroupRequest
	err     error
}

func (f *fakeWA) CreateGroup(_ context.Context, r whatsapp.CreateGroupRequest) (string, error) {
	f.creates = append(f.creates, r)
	return "req-1", f.err
}

type testServer struct {
	*httptest.Server
	t     *testing.T
	store *store.Store
	wa    *fakeWA
	h     *Handler
}

func newTestServer(t *testing.T) *testServer {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "h.db"))
	if err != nil {
		t.Fatal(err)
	}
	wa := &fakeWA{}
	h := New(Deps{Log: slog.New(slog.DiscardHandler), Store: st, Hub: web.NewHub(8),
		Sessions: web.NewSessions([]byte(strings.Repeat("k", 64)), false), WA: wa,
		Ingest: &ingest.Ingester{Store: st}, AppSecret: testSecret, VerifyToken: "vt",
		Jobs: jobs.New(st, slog.New(slog.DiscardHandler), nil)})
	e := web.NewEcho(slog.New(slog.DiscardHandler))
	h.Register(e)
	ts := httptest.NewServer(e)
	t.Cleanup(func() { ts.Close(); st.Close() })
	for _, u := range []struct{ email, role string }{{"admin@x.test", "admin"}, {"manager@x.test", "manager"}, {"viewer@x.test", "viewer"}} {
		hash, _ := HashPassword("correct horse battery")
		if err := st.CreateUser(context.Background(), &store.User{Email: u.email, PasswordHash: hash, Role: u.role}); err != nil {
			t.Fatal(err)
		}
	}
	return &testServer{Server: ts, t: t, store: st, wa: wa, h: h}
}

// client is a browser: a cookie jar, and no redirect following.
type client struct {
	*http.Client
	ts   *testServer
	csrf string
}

func (ts *testServer) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{ts: ts, Client: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

var csrfRe = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func (c *client) get(path string) (int, string) {
	c.ts.t.Helper()
	res, err := c.Get(c.ts.URL + path)
	if err != nil {
		c.ts.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if m := csrfRe.FindSubmatch(b); m != nil {
		c.csrf = string(m[1])
	}
	return res.StatusCode, string(b)
}

func (c *client) post(path string, form url.Values) (int, string, http.Header) {
	c.ts.t.Helper()
	res, err := c.PostForm(c.ts.URL+path, form)
	if err != nil {
		c.ts.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b), res.Header
}

func (c *client) login(email string) {
	c.ts.t.Helper()
	c.get("/login")
	st, body, _ := c.post("/login", url.Values{"_csrf": {c.csrf}, "email": {email}, "password": {"correct horse battery"}})
	if st != http.StatusSeeOther {
		c.ts.t.Fatalf("login %s: %d %s", email, st, body)
	}
	c.get("/groups") // pick up the renewed CSRF token
}
