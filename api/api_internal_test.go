package api

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"groupdeck/groupops"
	"groupdeck/store"
)

// bare is the API alone on a fresh store, with a clock the test moves.
type bare struct {
	srv   *httptest.Server
	st    *store.Store
	now   time.Time
	token string
}

func newBare(t *testing.T, limit int) *bare {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "api.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	b := &bare{st: st, now: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)}
	u := &store.User{Email: "v@x.test", Name: "V", PasswordHash: "x", Role: store.RoleViewer}
	if err := st.CreateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	tok, rec := NewToken(u.ID, "test", b.now.Add(time.Hour))
	if err := st.CreateAPIToken(context.Background(), rec); err != nil {
		t.Fatal(err)
	}
	b.token = tok
	log := slog.New(slog.DiscardHandler)
	a := New(Deps{Log: log, Store: st, Ops: &groupops.Service{Store: st, Log: log}, RateLimit: limit, RateWindow: time.Minute,
		Now: func() time.Time { return b.now }})
	e := echo.New()
	a.Register(e)
	b.srv = httptest.NewServer(e)
	t.Cleanup(b.srv.Close)
	return b
}

func (b *bare) get(t *testing.T, path string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("GET", b.srv.URL+Prefix+path, nil)
	req.Header.Set("Authorization", "Bearer "+b.token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res
}

func TestRateLimitPerToken(t *testing.T) {
	b := newBare(t, 3)
	if got := b.get(t, "/groups").Header.Get("RateLimit-Policy"); got != `"per-token";q=3;w=60` {
		t.Fatalf("RateLimit-Policy = %q", got)
	}
	b.now = b.now.Add(20 * time.Second)
	if got := b.get(t, "/groups").Header.Get("RateLimit"); got != `"per-token";r=1;t=40` {
		t.Fatalf("second request: RateLimit = %q", got)
	}
	if res := b.get(t, "/groups"); res.StatusCode != 200 || res.Header.Get("RateLimit") != `"per-token";r=0;t=40` {
		t.Fatalf("third request: %d %q", res.StatusCode, res.Header.Get("RateLimit"))
	}
	res := b.get(t, "/groups")
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") != "40" ||
		res.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("fourth request: %d Retry-After %q %s", res.StatusCode, res.Header.Get("Retry-After"), res.Header.Get("Content-Type"))
	}
	// A new window starts a minute after the first request.
	b.now = b.now.Add(40 * time.Second)
	if res := b.get(t, "/groups"); res.StatusCode != 200 || res.Header.Get("RateLimit") != `"per-token";r=2;t=60` {
		t.Fatalf("next window: %d %q", res.StatusCode, res.Header.Get("RateLimit"))
	}
}

func TestLastUsedIsThrottled(t *testing.T) {
	b := newBare(t, 100)
	used := func() int64 {
		tok, err := b.st.APITokenByHash(context.Background(), HashToken(b.token))
		if err != nil {
			t.Fatal(err)
		}
		return tok.LastUsedAt
	}
	if used() != 0 {
		t.Fatal("a new token has a last use")
	}
	b.get(t, "/groups")
	first := b.now.UnixMilli()
	if used() != first {
		t.Fatalf("last used %d, want %d", used(), first)
	}
	b.now = b.now.Add(30 * time.Second)
	b.get(t, "/groups")
	if used() != first {
		t.Fatal("a use within a minute was written")
	}
	b.now = b.now.Add(31 * time.Second)
	b.get(t, "/groups")
	if used() != b.now.UnixMilli() {
		t.Fatal("a use after a minute was not written")
	}
}

func TestCursorPagingOfShortLists(t *testing.T) {
	items := []int{1, 2, 3, 4, 5}
	var got []int
	cur := cursor{}
	for pages := 0; ; pages++ {
		p := pageOf(items, cur, 2)
		got = append(got, p.Items...)
		if p.NextCursor == "" {
			break
		}
		if pages > 5 {
			t.Fatal("paging never ends")
		}
		rec := httptest.NewRecorder()
		c := echo.New().NewContext(httptest.NewRequest("GET", "/?cursor="+p.NextCursor, nil), rec)
		var err error
		if cur, _, err = readPage(c); err != nil {
			t.Fatal(err)
		}
	}
	if b, _ := json.Marshal(got); string(b) != "[1,2,3,4,5]" {
		t.Fatalf("pages gave %s", b)
	}
	c := echo.New().NewContext(httptest.NewRequest("GET", "/?cursor=not*base64", nil), httptest.NewRecorder())
	if _, _, err := readPage(c); err == nil || !strings.Contains(err.Error(), "cursor") {
		t.Fatalf("a bad cursor: %v", err)
	}
}
