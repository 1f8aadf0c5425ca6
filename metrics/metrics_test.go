package metrics_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"groupdeck/metrics"
	"groupdeck/store"
)

func TestEndpoint(t *testing.T) {
	for in, want := range map[string]string{
		"/v23.0/1234567/groups":                           "/{id}/groups",
		"/v23.0/120363012345678901@g.us/invite_link":      "/120363012345678901@g.us/invite_link",
		"/v23.0/1234/messages":                            "/{id}/messages",
		"/v23.0/Y2FwYWJpbGl0eV9ncm91cF9pZA/join_requests": "/{id}/join_requests",
	} {
		if got := metrics.Endpoint(in); got != want {
			t.Errorf("Endpoint(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestExpositionParses scrapes the handler after some activity and parses
// the text format with Prometheus's own parser.
func TestExpositionParses(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "m.db")
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	m := metrics.New()
	m.Watch(metrics.Sources{Store: st, DBPath: db, SSEClients: func() int { return 3 }})

	graph := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v23.0/42/groups" {
			w.Write([]byte(`{}`))
			return
		}
		http.Error(w, `{"error":{}}`, http.StatusBadRequest)
	}))
	defer graph.Close()
	c := &http.Client{Transport: m.Transport(nil)}
	for _, p := range []string{"/v23.0/42/groups", "/v23.0/42/groups", "/v23.0/43/messages"} {
		resp, err := c.Post(graph.URL+p, "application/json", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	m.ObserveIngest(3 * time.Millisecond)
	m.HookOutcome("retry")
	m.OutboxSend("131047")
	m.FragmentRendered("/groups/:id/summary")
	m.FragmentRendered("/groups/:id/summary")
	m.FragmentRendered("/groups/:id/messages")

	srv := httptest.NewServer(m.Handler("tok"))
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("without the token: %d, want 401", resp.StatusCode)
	}
	req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
	req.Header.Set("Authorization", "Bearer tok")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("exposition does not parse: %v", err)
	}
	value := func(name string, labels map[string]string) float64 {
		t.Helper()
		f := fams[name]
		if f == nil {
			t.Fatalf("no %s", name)
		}
	next:
		for _, mt := range f.Metric {
			for _, l := range mt.Label {
				if want, ok := labels[l.GetName()]; ok && want != l.GetValue() {
					continue next
				}
			}
			switch {
			case mt.Counter != nil:
				return mt.Counter.GetValue()
			case mt.Gauge != nil:
				return mt.Gauge.GetValue()
			case mt.Histogram != nil:
				return float64(mt.Histogram.GetSampleCount())
			}
		}
		t.Fatalf("%s has no series %v", name, labels)
		return 0
	}
	checks := []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"groupdeck_cloud_api_requests_total", map[string]string{"endpoint": "/{id}/groups", "status": "200", "method": "POST"}, 2},
		{"groupdeck_cloud_api_requests_total", map[string]string{"endpoint": "/{id}/messages", "status": "400"}, 1},
		{"groupdeck_ingest_seconds", nil, 1},
		{"groupdeck_webhook_deliveries_total", map[string]string{"outcome": "retry"}, 1},
		{"groupdeck_webhook_deliveries_total", map[string]string{"outcome": "delivered"}, 0},
		{"groupdeck_outbox_sends_total", map[string]string{"code": "131047"}, 1},
		{"groupdeck_fragment_renders_total", map[string]string{"fragment": "/groups/:id/summary"}, 2},
		{"groupdeck_fragment_renders_total", map[string]string{"fragment": "/groups/:id/messages"}, 1},
		{"groupdeck_sse_clients", nil, 3},
		{"groupdeck_outbox_queue_depth", nil, 0},
		{"groupdeck_webhook_queue_depth", nil, 0},
		{"groupdeck_store_up", nil, 1},
		{"groupdeck_jobs_active", nil, 0},
	}
	for _, c := range checks {
		if got := value(c.name, c.labels); got != c.want {
			t.Errorf("%s%v = %v, want %v", c.name, c.labels, got, c.want)
		}
	}
	if v := value("groupdeck_sqlite_bytes", map[string]string{"file": "main"}); v < 4096 {
		t.Errorf("sqlite main size %v", v)
	}
}
