package app

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"groupdeck/hooks"
	"groupdeck/internal/testutil"
	"groupdeck/store"
)

// TestOpsWiring runs the sandbox app with metrics on and an outgoing
// webhook endpoint: creating a group posts group.created to the endpoint,
// and /metrics shows the Cloud API call, the ingest and the delivery.
func TestOpsWiring(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "ops.db")
	var mu sync.Mutex
	var types []string
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var e hooks.Envelope
		json.NewDecoder(r.Body).Decode(&e)
		mu.Lock()
		types = append(types, e.Type)
		mu.Unlock()
	}))
	defer recv.Close()
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.WithTx(ctx, func(t *store.Tx) error {
		if err := t.SetSetting(hooks.SettingAllowPrivate, []byte("1")); err != nil { // the receiver is on loopback
			return err
		}
		return t.CreateHookEndpoint(&store.HookEndpoint{URL: recv.URL, Secret: "k", Events: []string{hooks.GroupCreated}, Enabled: true})
	}); err != nil {
		t.Fatal(err)
	}
	st.Close()

	const token = "metrics-token-0123456789"
	cfg, err := ParseConfig([]string{"-addr", "127.0.0.1:0", "-db", db, "-sync-interval", "0"},
		func(k string) string { return map[string]string{"GROUPDECK_METRICS_TOKEN": token}[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	cfg.SimFast = true
	a, err := New(ctx, cfg, slog.New(slog.DiscardHandler), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	a.Start()
	defer a.Close()
	createGroup(t, a, "Ops", "auto_approve")
	testutil.Eventually(t, 10*time.Second, func() error {
		mu.Lock()
		defer mu.Unlock()
		if len(types) == 0 || types[0] != hooks.GroupCreated {
			return errNotYet
		}
		return nil
	})

	req, _ := http.NewRequest(http.MethodGet, a.URL+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	var fams map[string]*dto
	testutil.Eventually(t, 5*time.Second, func() error {
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		defer res.Body.Close()
		p := expfmt.NewTextParser(model.UTF8Validation)
		f, err := p.TextToMetricFamilies(res.Body)
		if err != nil {
			t.Fatalf("exposition does not parse: %v", err)
		}
		fams = map[string]*dto{}
		for name, fam := range f {
			d := &dto{}
			for _, m := range fam.Metric {
				switch {
				case m.Counter != nil:
					d.sum += m.Counter.GetValue()
				case m.Histogram != nil:
					d.sum += float64(m.Histogram.GetSampleCount())
				}
			}
			fams[name] = d
		}
		if fams["groupdeck_webhook_deliveries_total"] == nil || fams["groupdeck_webhook_deliveries_total"].sum < 1 {
			return errNotYet
		}
		return nil
	})
	for _, name := range []string{"groupdeck_cloud_api_requests_total", "groupdeck_ingest_seconds"} {
		if fams[name] == nil || fams[name].sum < 1 {
			t.Errorf("%s not counted", name)
		}
	}
	res, err := http.Get(a.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("/metrics without the token: %d", res.StatusCode)
	}
}

type dto struct{ sum float64 }

var errNotYet = errorString("not yet")

type errorString string

func (e errorString) Error() string { return string(e) }
