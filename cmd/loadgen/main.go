// Command loadgen measures a groupdeck binary against the targets in the
// design: it seeds a database, runs the binary as a child process, drives
// it with signed webhook deliveries (like Meta), logged-in page requests
// and event streams (like browsers), and prints one table of figures next
// to their targets. It stops by itself.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"groupdeck/loadgen"
)

// sandboxAppSecret is the secret a sandbox-mode server verifies with
// (app.SandboxAppSecret; not imported to keep this tool's deps small).
const sandboxAppSecret = "sandbox-app-secret"

type options struct {
	bin         string
	dir         string
	groups      int
	messages    int
	conc        int
	ingestFor   time.Duration
	batch       int
	batchConc   int
	batchFor    time.Duration
	streams     int
	global      int
	bgRate      int
	latencyFor  time.Duration
	memStreams  int
	pageRuns    int
	restarts    int
	stored      int
	pruneFor    time.Duration
	only        string
	soakFor     time.Duration
	soakWarmup  time.Duration
	soakRate    int
	soakStreams int
	sendGroups  int
	sendRate    int
	sendLatency time.Duration
	killRounds  int
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	var o options
	fs := flag.NewFlagSet("loadgen", flag.ContinueOnError)
	fs.StringVar(&o.bin, "bin", "bin/groupdeck", "groupdeck binary to measure")
	fs.StringVar(&o.dir, "dir", "", "directory for the database (default: a temporary one, removed after)")
	fs.IntVar(&o.groups, "groups", 10000, "groups in the seeded database")
	fs.IntVar(&o.messages, "messages", 5000, "messages in the history of the measured group")
	fs.IntVar(&o.conc, "concurrency", 64, "concurrent webhook senders for the ingest rate")
	fs.DurationVar(&o.ingestFor, "ingest-for", 8*time.Second, "how long to measure each single-change ingest row")
	fs.IntVar(&o.batch, "batch", 1000, "changes per delivery in the batch rows (Meta batches up to 1,000)")
	fs.IntVar(&o.batchConc, "batch-concurrency", 8, "concurrent webhook senders for the batch rows")
	fs.DurationVar(&o.batchFor, "batch-for", 5*time.Second, "how long to measure each batch row")
	fs.IntVar(&o.streams, "streams", 500, "open event streams during the latency run")
	fs.IntVar(&o.global, "global-streams", 50, "how many of those follow the global feed (groups list pages)")
	fs.IntVar(&o.bgRate, "background-rate", 1000, "background deliveries per second during the latency run")
	fs.DurationVar(&o.latencyFor, "latency-for", 10*time.Second, "how long to measure latency")
	fs.IntVar(&o.memStreams, "memory-streams", 1000, "open event streams when memory is read")
	fs.IntVar(&o.pageRuns, "page-runs", 300, "requests per page timing")
	fs.IntVar(&o.restarts, "restarts", 5, "restarts timed for start-to-ready")
	fs.IntVar(&o.stored, "stored", 1000000, "stored deliveries in the big database of the growth rows; 0 skips them")
	fs.DurationVar(&o.pruneFor, "prune-for", 20*time.Second, "how long the pruning run over the big database may take")
	fs.StringVar(&o.only, "only", "", "run only one part: latency (the webhook → SSE row with its notes), growth, ingest (the single-change ingest rows alone), kill (kill -9 under webhook load), send (the send-to-many row), soak (make soak) or bare-server (the baseline's child process)")
	fs.DurationVar(&o.soakFor, "soak-duration", 30*time.Minute, "how long the soak's measured part runs (six windows)")
	fs.DurationVar(&o.soakWarmup, "soak-warmup", 3*time.Minute, "load before the soak's first window, not compared: page caches and the WAL reach their working size")
	fs.IntVar(&o.soakRate, "soak-rate", 1000, "mixed deliveries per second during the soak")
	fs.IntVar(&o.soakStreams, "soak-streams", 200, "open event streams during the soak")
	fs.IntVar(&o.sendGroups, "send-groups", 1000, "groups of the send-to-many row")
	fs.IntVar(&o.sendRate, "send-rate", 80, "GROUPDECK_SEND_RATE of the send-to-many row")
	fs.DurationVar(&o.sendLatency, "send-latency", 300*time.Millisecond, "how long the simulator holds each send's answer in the send-to-many row (Meta: 200-500 ms)")
	fs.IntVar(&o.killRounds, "kill-rounds", 3, "kill -9 rounds under webhook load")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if o.dir == "" {
		d, err := os.MkdirTemp("", "groupdeck-bench")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		o.dir = d
	}
	t := &table{}
	var err error
	switch o.only {
	case "":
		err = bench(ctx, o, t, out)
		if err == nil {
			err = killNine(ctx, o, t, out)
		}
		if err == nil {
			err = sendToMany(ctx, o, t, out)
		}
		if err == nil && o.stored > 0 {
			err = growth(ctx, o, t, out)
		}
	case "latency":
		err = bench(ctx, o, t, out)
	case "growth":
		err = growth(ctx, o, t, out)
	case "ingest":
		err = ingestOnly(ctx, o, t, out)
	case "soak":
		err = soak(ctx, o, t, out)
	case "send":
		err = sendToMany(ctx, o, t, out)
	case "kill":
		err = killNine(ctx, o, t, out)
	case "bare-server":
		return loadgen.ServeBare(ctx, out)
	default:
		err = fmt.Errorf("-only %q: the parts are latency, growth, ingest, kill, send, soak and bare-server", o.only)
	}
	t.print(out)
	return err
}

func bench(ctx context.Context, o options, t *table, log io.Writer) error {
	db := filepath.Join(o.dir, "bench.db")
	step := func(s string) { fmt.Fprintf(log, "· %s\n", s) }
	w := loadgen.BenchWorld(o.groups)
	step(fmt.Sprintf("seeding %d groups, one with 8 participants and %d messages, %d with %d members and %d sent messages each",
		o.groups, o.messages, w.Active, w.Members, w.Sent))
	if err := loadgen.Fill(ctx, db, w.Seed(8, o.messages)); err != nil {
		return err
	}
	srv, err := loadgen.Start(ctx, o.bin, db, "GROUPDECK_METRICS_TOKEN="+loadgen.MetricsToken)
	if err != nil {
		return err
	}
	defer func() { srv.Kill() }()
	c, err := loadgen.Login(srv.URL, loadgen.AdminEmail, loadgen.AdminPassword, 4)
	if err != nil {
		return err
	}

	// -only latency: the webhook → SSE row alone, for a quicker loop.
	latencyOnly := o.only == "latency"
	pages := []struct{ what, path, target string }{
		{fmt.Sprintf("groups list, %d groups, search + page of 50 (p95)", o.groups), "/groups?q=cohort", "≤ 10 ms"},
		{fmt.Sprintf("group page, 8 participants, %d messages (p95)", o.messages), "/groups/1", "≤ 10 ms"},
	}
	if latencyOnly {
		pages = nil
	} else {
		step("timing the groups list and the group page")
	}
	for _, pg := range pages {
		if _, err := loadgen.Timings(c, srv.URL+pg.path, 20); err != nil { // warm caches
			return err
		}
		ds, err := loadgen.Timings(c, srv.URL+pg.path, o.pageRuns)
		if err != nil {
			return err
		}
		p95 := loadgen.Percentile(ds, 95)
		t.add(pg.what, fmt.Sprintf("%s (p50 %s)", ms(p95), ms(loadgen.Percentile(ds, 50))), pg.target, p95 <= 10*time.Millisecond)
	}

	if !latencyOnly {
		if err := ingest(ctx, o, t, srv, w, log); err != nil {
			return err
		}
	}

	step(fmt.Sprintf("latency: %d streams (%d global), %d deliveries/s background, %s", o.streams, o.global, o.bgRate, o.latencyFor))
	p := loadgen.NewPoster(srv.URL, sandboxAppSecret, 64)
	sc, err := loadgen.Login(srv.URL, loadgen.AdminEmail, loadgen.AdminPassword, o.streams)
	if err != nil {
		return err
	}
	rw, err := loadgen.WatchRenders(ctx, sc, srv.URL, o.streams/10)
	if err != nil {
		return err
	}
	cpu0, _ := srv.CPU()
	lr, err := loadgen.Latency(ctx, sc, p, srv.URL, "latency", o.groups, o.streams, o.global, o.bgRate, o.latencyFor)
	cpu1, _ := srv.CPU()
	t.note(rw.Report(lr.Elapsed, int64(len(lr.Samples))+lr.Background))
	if d := int64(len(lr.Samples)) + lr.Background; d > 0 && err == nil {
		// CPU is steadier than the tail on a shared machine: what the
		// deliveries, the streams and the renders cost the server.
		t.note(fmt.Sprintf("server CPU during the webhook → SSE run: %.0f ms per second, %s per delivery (deliveries, events and fragment renders)",
			float64((cpu1-cpu0).Milliseconds())/lr.Elapsed.Seconds(), us((cpu1-cpu0)/time.Duration(d))))
	}
	if note, err := loadgen.Burst(ctx, sc, p, srv.URL, 5, 500, 16, o.messages, 8); err == nil {
		t.note(note)
	} else {
		t.note(err.Error())
	}
	p.Close()
	sc.CloseIdleConnections()
	if err != nil {
		return err
	}
	p99 := loadgen.Percentile(lr.Samples, 99)
	t.add(fmt.Sprintf("webhook → SSE, %d streams, %.0f background deliveries/s (%d probes)", o.streams, float64(lr.Background)/lr.Elapsed.Seconds(), len(lr.Samples)),
		fmt.Sprintf("p99 %s (p50 %s)", ms(p99), ms(loadgen.Percentile(lr.Samples, 50))), "p99 ≤ 25 ms", p99 <= 25*time.Millisecond && len(lr.Samples) > 0)
	if latencyOnly {
		return nil
	}

	step(fmt.Sprintf("memory with %d open streams", o.memStreams))
	mctx, mcancel := context.WithCancel(ctx)
	mc, err := loadgen.Login(srv.URL, loadgen.AdminEmail, loadgen.AdminPassword, o.memStreams)
	if err == nil {
		err = loadgen.OpenStreams(mctx, mc, srv.URL, o.memStreams, o.groups)
	}
	if err != nil {
		mcancel()
		return err
	}
	time.Sleep(time.Second)
	rss, err := srv.RSS()
	mcancel()
	if err != nil {
		return err
	}
	t.add(fmt.Sprintf("resident memory, %d open streams, %d groups", o.memStreams, o.groups),
		fmt.Sprintf("%.0f MB", float64(rss)/1e6), "≤ 100 MB", rss <= 100e6)

	step(fmt.Sprintf("start to ready, %d restarts", o.restarts))
	srv.Stop()
	var readies, cpus []time.Duration
	for i := 0; i < o.restarts; i++ {
		s, err := loadgen.Start(ctx, o.bin, db)
		if err != nil {
			return err
		}
		readies = append(readies, s.Ready)
		cpus = append(cpus, s.ReadyCPU)
		s.Stop()
	}
	t.note(fmt.Sprintf("start to ready used %s of CPU (median; 10 ms resolution), the rest of the wall time was waiting for a core",
		ms(loadgen.Percentile(cpus, 50))))
	med := loadgen.Percentile(readies, 50)
	t.add(fmt.Sprintf("start to ready, migrated database, %d groups (median of %d)", o.groups, o.restarts),
		fmt.Sprintf("%s (max %s)", ms(med), ms(loadgen.Percentile(readies, 100))), "≤ 150 ms", med <= 150*time.Millisecond)
	return nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

type row struct{ what, measured, target, verdict string }

type table struct {
	rows  []row
	notes []string
}

func (t *table) note(s string) { t.notes = append(t.notes, s) }

// loadavg is the 1-minute load average: figures taken on a busy machine
// are worth less, and the table says so.
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	return strings.Fields(string(b))[0]
}

// info adds a row that has no target of its own: a baseline, or a shape
// whose target is the mix's.
func (t *table) info(what, measured, target string) {
	t.rows = append(t.rows, row{what, measured, target, "—"})
}

func (t *table) add(what, measured, target string, ok bool) {
	v := "met"
	if !ok {
		v = "MISSED"
	}
	t.rows = append(t.rows, row{what, measured, target, v})
}

func (t *table) print(w io.Writer) {
	if len(t.rows) == 0 {
		return
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| what | measured | target | |")
	fmt.Fprintln(w, "|---|---|---|---|")
	for _, r := range t.rows {
		fmt.Fprintf(w, "| %s | %s | %s | %s |\n", r.what, r.measured, r.target, r.verdict)
	}
	fmt.Fprintf(w, "\nMachine: %d CPUs, load average %s at the end.\n", runtime.NumCPU(), loadavg())
	for _, n := range t.notes {
		fmt.Fprintln(w, "- "+n)
	}
}
