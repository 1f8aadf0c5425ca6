package handlers

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"groupdeck/ingest"
	"groupdeck/loadgen"
	"groupdeck/store"
	"groupdeck/web"
)

// BenchmarkGroupsListPage measures the groups list as the server answers
// it (session, query, rendering of 50 rows) over 10,000 groups, for
// search + page of 50 with filters and sorts. The p95 of the handler time
// is reported; the target is 15 ms.
func BenchmarkGroupsListPage(b *testing.B) {
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "bench.db")
	if err := loadgen.Fill(ctx, path, loadgen.Seed{Groups: 10_000}); err != nil {
		b.Fatal(err)
	}
	st, err := store.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	hash, _ := HashPassword("correct horse battery")
	if err := st.CreateUser(ctx, &store.User{Email: "v@x.test", PasswordHash: hash, Role: store.RoleViewer}); err != nil {
		b.Fatal(err)
	}
	h := New(Deps{Log: slog.New(slog.DiscardHandler), Store: st, Hub: web.NewHub(8),
		Sessions: web.NewSessions([]byte(strings.Repeat("k", 64)), false), WA: &fakeWA{}, Ingest: &ingest.Ingester{Store: st}})
	e := web.NewEcho(slog.New(slog.DiscardHandler))
	h.Register(e)
	ts := httptest.NewServer(e)
	defer ts.Close()
	// Sign in once to get a session cookie, then call the handler directly
	// so only server time is measured.
	jar, _ := cookiejar.New(nil)
	cl := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := cl.Get(ts.URL + "/login")
	if err != nil {
		b.Fatal(err)
	}
	body := readAll(res)
	res.Body.Close()
	tok := csrfRe.FindStringSubmatch(body)
	res, err = cl.PostForm(ts.URL+"/login", url.Values{"_csrf": {tok[1]}, "email": {"v@x.test"}, "password": {"correct horse battery"}})
	if err != nil || res.StatusCode != http.StatusSeeOther {
		b.Fatalf("login: %v", err)
	}
	res.Body.Close()
	u, _ := url.Parse(ts.URL)
	var cookie []string
	for _, c := range jar.Cookies(u) {
		cookie = append(cookie, c.Name+"="+c.Value)
	}
	paths := []string{"/groups/rows?q=pod", "/groups/rows?q=cohort&sort=activity", "/groups/rows?page=40&sort=fullest",
		"/groups/rows?q=7&room=room&status=active", "/groups/rows?q=deal&page=3"}
	var lat []time.Duration
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		req := httptest.NewRequest(http.MethodGet, paths[i%len(paths)], nil)
		req.Header.Set("Cookie", strings.Join(cookie, "; "))
		rec := httptest.NewRecorder()
		t0 := time.Now()
		e.ServeHTTP(rec, req)
		lat = append(lat, time.Since(t0))
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "group-row") {
			b.Fatalf("%s: %d", paths[i%len(paths)], rec.Code)
		}
	}
	if testing.Verbose() {
		per := map[string]time.Duration{}
		for i, d := range lat {
			per[paths[i%len(paths)]] += d
		}
		for p, d := range per {
			b.Logf("%s: mean %v", p, d/time.Duration(len(lat)/len(paths)+1))
		}
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)*95/100].Microseconds())/1000, "p95-ms")
}
