package handlers

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"groupdeck/ingest"
	"groupdeck/store"
	"groupdeck/web"
)

// BenchmarkCampaignVisit measures the public /j/<slug> as the server
// answers it: a new visitor each time (limit checks, campaign and group
// lookups, the capped visit write and its commit), and a flood from one
// client (a burst of counted-once redirects, then 429s, none writing).
// The p95 is reported per kind.
func BenchmarkCampaignVisit(b *testing.B) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(b.TempDir(), "visit.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	g := &store.Group{Subject: "Bench", JoinApprovalMode: "auto_approve"}
	if err := st.CreateGroup(ctx, g); err != nil {
		b.Fatal(err)
	}
	if _, err := st.WithTx(ctx, func(tx *store.Tx) error {
		return tx.GroupCreated(store.GroupCreatedEvent{GroupID: g.ID, WaGroupID: "wa-bench", InviteLink: "https://chat.whatsapp.com/B", At: time.Now().UnixMilli()})
	}); err != nil {
		b.Fatal(err)
	}
	if err := st.CreateCampaign(ctx, &store.Campaign{Name: "Bench", Slug: "bench", GroupID: g.ID, Enabled: true}); err != nil {
		b.Fatal(err)
	}
	h := New(Deps{Log: slog.New(slog.DiscardHandler), Store: st, Hub: web.NewHub(8),
		Sessions: web.NewSessions([]byte(strings.Repeat("k", 64)), false), WA: &fakeWA{}, Ingest: &ingest.Ingester{Store: st}})
	e := web.NewEcho(slog.New(slog.DiscardHandler))
	h.Register(e)
	for _, kind := range []string{"new-visitor", "flood"} {
		b.Run(kind, func(b *testing.B) {
			var lat []time.Duration
			for i := 0; b.Loop(); i++ {
				req := httptest.NewRequest(http.MethodGet, "/j/bench", nil)
				n := i
				if kind == "flood" {
					n = 0
				}
				// One address per visitor, so the per-address limit is not what is measured.
				req.RemoteAddr = fmt.Sprintf("10.%d.%d.%d:4000", n>>16&255, n>>8&255, n&255)
				req.Header.Set("User-Agent", fmt.Sprintf("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) bench/%d", n))
				rec := httptest.NewRecorder()
				t0 := time.Now()
				e.ServeHTTP(rec, req)
				lat = append(lat, time.Since(t0))
				if rec.Code != http.StatusFound && !(kind == "flood" && rec.Code == http.StatusTooManyRequests) {
					b.Fatalf("visit %d: %d", i, rec.Code)
				}
			}
			sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
			b.ReportMetric(float64(lat[len(lat)*95/100].Microseconds())/1000, "p95-ms")
		})
	}
}
