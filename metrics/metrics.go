// Package metrics exposes groupdeck's figures in the Prometheus text
// format. Counters and the ingest histogram are updated where things
// happen (an atomic add, nothing more on the ingest path); gauges that
// live in the database are read once per scrape.
package metrics

import (
	"context"
	"crypto/subtle"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"groupdeck/store"
)

// Metrics holds groupdeck's collectors in a registry of its own (no
// global state).
type Metrics struct {
	Reg            *prometheus.Registry
	hookDeliveries *prometheus.CounterVec
	ingest         prometheus.Histogram
	outboxSends    *prometheus.CounterVec
	cloudCalls     *prometheus.CounterVec
	fragments      *prometheus.CounterVec
}

// New builds the collectors and registers the Go runtime and process
// ones beside them.
func New() *Metrics {
	m := &Metrics{Reg: prometheus.NewRegistry(),
		hookDeliveries: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "groupdeck_webhook_deliveries_total",
			Help: "Outgoing webhook delivery attempts by outcome (delivered, retry, failed)."}, []string{"outcome"}),
		ingest: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "groupdeck_ingest_seconds",
			Help:    "Time to store and apply one incoming webhook delivery, commit included.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5}}),
		outboxSends: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "groupdeck_outbox_sends_total",
			Help: "Messages the outbox sent, by result (ok, or the Cloud API error code, or network)."}, []string{"code"}),
		cloudCalls: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "groupdeck_cloud_api_requests_total",
			Help: "Cloud API calls by endpoint (ids replaced by placeholders), method and HTTP status."},
			[]string{"endpoint", "method", "status"}),
		fragments: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "groupdeck_fragment_renders_total",
			Help: "Page fragments rendered for htmx (live re-fetches and searches), by route."}, []string{"fragment"}),
	}
	m.Reg.MustRegister(m.hookDeliveries, m.ingest, m.outboxSends, m.cloudCalls, m.fragments,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for _, o := range []string{"delivered", "retry", "failed"} {
		m.hookDeliveries.WithLabelValues(o)
	}
	return m
}

// HookOutcome counts one outgoing webhook attempt.
func (m *Metrics) HookOutcome(outcome string) { m.hookDeliveries.WithLabelValues(outcome).Inc() }

// ObserveIngest records one delivery's ingest time.
func (m *Metrics) ObserveIngest(d time.Duration) { m.ingest.Observe(d.Seconds()) }

// OutboxSend counts one outbox send by its result code.
func (m *Metrics) OutboxSend(code string) { m.outboxSends.WithLabelValues(code).Inc() }

// idSegment matches path parts that are ids (numbers, wamids, long
// tokens), so the endpoint label has few values.
var idSegment = regexp.MustCompile(`^([0-9]+|wamid\..*|[A-Za-z0-9_\-=.]{20,})$`)

// FragmentRendered counts one fragment rendered for htmx; route is the
// route's pattern (e.g. "/groups/:id/summary"), so the label has as many
// values as there are routes.
func (m *Metrics) FragmentRendered(route string) { m.fragments.WithLabelValues(route).Inc() }

// Endpoint names a Graph path without its ids and version, e.g.
// "/{id}/groups" for "/v23.0/1234/groups".
func Endpoint(path string) string {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	var out []string
	for i, p := range parts {
		if i == 0 && len(p) > 1 && p[0] == 'v' && strings.Contains(p, ".") {
			continue // the Graph version
		}
		if idSegment.MatchString(p) {
			p = "{id}"
		}
		out = append(out, p)
	}
	return "/" + strings.Join(out, "/")
}

// Transport counts every Cloud API call the client makes through it.
func (m *Metrics) Transport(next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return roundTripper(func(r *http.Request) (*http.Response, error) {
		resp, err := next.RoundTrip(r)
		status := "error"
		if err == nil {
			status = strconv.Itoa(resp.StatusCode)
		}
		m.cloudCalls.WithLabelValues(Endpoint(r.URL.Path), r.Method, status).Inc()
		return resp, err
	})
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// Sources are read on each scrape.
type Sources struct {
	Store      *store.Store
	DBPath     string     // for the WAL file's size
	SSEClients func() int // open event streams
}

// Watch registers the gauges read at scrape time.
func (m *Metrics) Watch(src Sources) {
	m.Reg.MustRegister(&opsCollector{src: src})
}

var (
	descOutbox      = prometheus.NewDesc("groupdeck_outbox_queue_depth", "Messages queued or being sent.", nil, nil)
	descHookPending = prometheus.NewDesc("groupdeck_webhook_queue_depth", "Outgoing webhook deliveries waiting.", nil, nil)
	descHookAge     = prometheus.NewDesc("groupdeck_webhook_oldest_pending_seconds", "Age of the oldest waiting outgoing webhook delivery.", nil, nil)
	descHookFailed  = prometheus.NewDesc("groupdeck_webhook_failed_deliveries", "Outgoing webhook deliveries given up after a day (kept 7 days).", nil, nil)
	descLastIn      = prometheus.NewDesc("groupdeck_last_incoming_webhook_timestamp_seconds", "When the last webhook from WhatsApp arrived.", nil, nil)
	descJobs        = prometheus.NewDesc("groupdeck_jobs_active", "Background jobs queued, running or waiting.", nil, nil)
	descJobItems    = prometheus.NewDesc("groupdeck_job_items", "Items of active jobs, by state (total, processed).", []string{"state"}, nil)
	descSSE         = prometheus.NewDesc("groupdeck_sse_clients", "Open server-sent event streams.", nil, nil)
	descDB          = prometheus.NewDesc("groupdeck_sqlite_bytes", "Size of the SQLite database, by file (main, wal).", []string{"file"}, nil)
	descUp          = prometheus.NewDesc("groupdeck_store_up", "1 when the database answered this scrape.", nil, nil)
)

type opsCollector struct{ src Sources }

func (c *opsCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descOutbox, descHookPending, descHookAge, descHookFailed, descLastIn,
		descJobs, descJobItems, descSSE, descDB, descUp} {
		ch <- d
	}
}

func (c *opsCollector) Collect(ch chan<- prometheus.Metric) {
	g := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	if c.src.SSEClients != nil {
		g(descSSE, float64(c.src.SSEClients()))
	}
	if c.src.DBPath != "" {
		if fi, err := os.Stat(c.src.DBPath + "-wal"); err == nil {
			g(descDB, float64(fi.Size()), "wal")
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	o, err := c.src.Store.Ops(ctx)
	if err != nil {
		g(descUp, 0)
		return
	}
	g(descUp, 1)
	g(descOutbox, float64(o.OutboxQueued))
	g(descHookPending, float64(o.HookPending))
	age := 0.0
	if o.HookOldest > 0 {
		age = time.Since(time.UnixMilli(o.HookOldest)).Seconds()
	}
	g(descHookAge, age)
	g(descHookFailed, float64(o.HookFailed))
	g(descLastIn, float64(o.LastWebhookAt)/1000)
	g(descJobs, float64(o.JobsActive))
	g(descJobItems, float64(o.JobsTotal), "total")
	g(descJobItems, float64(o.JobsProcessed), "processed")
	g(descDB, float64(o.DBBytes), "main")
}

// Handler serves the registry to a scraper that presents token as a
// bearer token.
func (m *Metrics) Handler(token string) http.Handler {
	inner := promhttp.HandlerFor(m.Reg, promhttp.HandlerOpts{})
	want := []byte("Bearer " + token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			http.Error(w, "metrics need Authorization: Bearer <GROUPDECK_METRICS_TOKEN>", http.StatusUnauthorized)
			return
		}
		inner.ServeHTTP(w, r)
	})
}
