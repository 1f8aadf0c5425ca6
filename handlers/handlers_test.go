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
	// calls records every management call as "method group args".
	calls []string
	// decide answers approve/reject; nil means every request succeeds.
	decide func(ids []string) (*whatsapp.JoinRequestResult, error)
	// link is the next link ResetInviteLink returns.
	link    string
	pending []whatsapp.JoinRequest
}

func (f *fakeWA) CreateGroup(_ context.Context, r whatsapp.CreateGroupRequest) (string, error) {
	f.creates = append(f.creates, r)
	return "req-1", f.err
}

func (f *fakeWA) call(s string) { f.calls = append(f.calls, s) }

func (f *fakeWA) DeleteGroup(_ context.Context, id string) (string, error) {
	f.call("delete " + id)
	return "req-del", f.err
}

func (f *fakeWA) InviteLink(_ context.Context, id string) (string, error) {
	f.call("link " + id)
	return f.link, f.err
}

func (f *fakeWA) ResetInviteLink(_ context.Context, id string) (string, error) {
	f.call("reset " + id)
	if f.err != nil {
		return "", f.err
	}
	return f.link, nil
}

func (f *fakeWA) DeleteInviteLink(_ context.Context, id string) error {
	f.call("unlink " + id)
	return f.err
}

func (f *fakeWA) JoinRequests(_ context.Context, id string, _ whatsapp.ListGroupsOptions) ([]whatsapp.JoinRequest, string, error) {
	f.call("requests " + id)
	return f.pending, "", f.err
}

func (f *fakeWA) decideCall(verb, id string, ids []string) (*whatsapp.JoinRequestResult, error) {
	f.call(verb + " " + id + " " + strings.Join(ids, ","))
	if f.err != nil {
		return nil, f.err
	}
	if f.decide != nil {
		return f.decide(ids)
	}
	return &whatsapp.JoinRequestResult{Done: ids}, nil
}

func (f *fakeWA) ApproveJoinRequests(_ context.Context, id string, ids []string) (*whatsapp.JoinRequestResult, error) {
	return f.decideCall("approve", id, ids)
}

func (f *fakeWA) RejectJoinRequests(_ context.Context, id string, ids []string) (*whatsapp.JoinRequestResult, error) {
	return f.decideCall("reject", id, ids)
}

func (f *fakeWA) RemoveParticipants(_ context.Context, id string, ts []whatsapp.RemoveTarget) (string, error) {
	var who []string
	for _, t := range ts {
		who = append(who, t.User+t.UserID)
	}
	f.call("remove " + id + " " + strings.Join(who, ","))
	return "req-rm", f.err
}

func (f *fakeWA) UpdateSettings(_ context.Context, id string, u whatsapp.SettingsUpdate) (string, error) {
	s := "settings " + id
	if u.Subject != nil {
		s += " subject=" + *u.Subject
	}
	if u.Description != nil {
		s += " description=" + *u.Description
	}
	if len(u.Photo) > 0 {
		s += " photo"
	}
	f.call(s)
	return "req-set", f.err
}

type testServer struct {
	*httptest.Server
	t     *testing.T
	store *store.Store
	wa    *fakeWA
	h     *Handler
	media *fakeMedia
}

// newTestServer serves the handlers with fakes; opts change the
// dependencies before the handler is built.
func newTestServer(t *testing.T, opts ...func(*Deps)) *testServer {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "h.db"))
	if err != nil {
		t.Fatal(err)
	}
	wa, media := &fakeWA{}, &fakeMedia{}
	d := Deps{Media: media, Log: slog.New(slog.DiscardHandler), Store: st, Hub: web.NewHub(8),
		Sessions: web.NewSessions([]byte(strings.Repeat("k", 64)), false), WA: wa,
		Ingest: &ingest.Ingester{Store: st}, AppSecret: testSecret, VerifyToken: "vt",
		Jobs: jobs.New(st, slog.New(slog.DiscardHandler), nil)}
	for _, o := range opts {
		o(&d)
	}
	h := New(d)
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
	return &testServer{Server: ts, t: t, store: st, wa: wa, h: h, media: media}
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
