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
	soakRate    int
	soakStreams int
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
	fs.DurationVar(&o.ingestFor, "ingest-for", 10*time.Second, "how long to measure the ingest rate")
	fs.IntVar(&o.streams, "streams", 500, "open event streams during the latency run")
	fs.IntVar(&o.global, "global-streams", 50, "how many of those follow the global feed (groups list pages)")
	fs.IntVar(&o.bgRate, "background-rate", 1000, "background deliveries per second during the latency run")
	fs.DurationVar(&o.latencyFor, "latency-for", 10*time.Second, "how long to measure latency")
	fs.IntVar(&o.memStreams, "memory-streams", 1000, "open event streams when memory is read")
	fs.IntVar(&o.pageRuns, "page-runs", 300, "requests per page timing")
	fs.IntVar(&o.restarts, "restarts", 5, "restarts timed for start-to-ready")
	fs.IntVar(&o.stored, "stored", 1000000, "stored deliveries in the big database of the growth rows; 0 skips them")
	fs.DurationVar(&o.pruneFor, "prune-for", 20*time.Second, "how long the pruning run over the big database may take")
	fs.StringVar(&o.only, "only", "", "run only one part: growth or soak (make soak)")
	fs.DurationVar(&o.soakFor, "soak-duration", 30*time.Minute, "how long the soak runs")
	fs.IntVar(&o.soakRate, "soak-rate", 1000, "mixed deliveries per second during the soak")
	fs.IntVar(&o.soakStreams, "soak-streams", 200, "open event streams during the soak")
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
		if err == nil && o.stored > 0 {
			err = growth(ctx, o, t, out)
		}
	case "growth":
		err = growth(ctx, o, t, out)
	case "soak":
		err = soak(ctx, o, t, out)
	default:
		err = fmt.Errorf("-only %q: the parts are growth and soak", o.only)
	}
	t.print(out)
	return err
}

func bench(ctx context.Context, o options, t *table, log io.Writer) error {
	db := filepath.Join(o.dir, "bench.db")
	step := func(s string) { fmt.Fprintf(log, "· %s\n", s) }
	step(fmt.Sprintf("seeding %d groups, one with 8 participants and %d messages", o.groups, o.messages))
	if err := loadgen.Fill(ctx, db, loadgen.Seed{Groups: o.groups, Participants: 8, Messages: o.messages}); err != nil {
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

	step("timing the groups list and the group page")
	pages := []struct{ what, path, target string }{
		{fmt.Sprintf("groups list, %d groups, search + page of 50 (p95)", o.groups), "/groups?q=cohort", "≤ 15 ms"},
		{fmt.Sprintf("group page, 8 participants, %d messages (p95)", o.messages), "/groups/1", "≤ 15 ms"},
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
		t.add(pg.what, fmt.Sprintf("%s (p50 %s)", ms(p95), ms(loadgen.Percentile(ds, 50))), pg.target, p95 <= 15*time.Millisecond)
	}

	step(fmt.Sprintf("ingest: signed single-change deliveries, concurrency %d, %s", o.conc, o.ingestFor))
	p := loadgen.NewPoster(srv.URL, sandboxAppSecret, o.conc)
	cpu0, _ := srv.CPU()
	r := loadgen.Ingest(ctx, p, "ingest", o.groups, o.conc, o.ingestFor, nil)
	cpu1, _ := srv.CPU()
	p.Close()
	if r.Failed > 0 {
		return fmt.Errorf("ingest: %d deliveries not acknowledged (last: %s)", r.Failed, r.LastErr)
	}
	t.add(fmt.Sprintf("webhook ingest, concurrency %d, loopback (%d acked in %.1fs)", o.conc, r.Acked, r.Elapsed.Seconds()),
		fmt.Sprintf("%.0f deliveries/s", r.Rate()), "≥ 5,000/s (stretch 10,000)", r.Rate() >= 5000)
	if r.Acked > 0 {
		// CPU per delivery does not depend on what else the machine runs,
		// unlike the rate; it bounds what two idle cores could do.
		per := (cpu1 - cpu0) / time.Duration(r.Acked)
		t.note(fmt.Sprintf("server CPU per delivery %.0f µs (user+system), i.e. at most %.0f deliveries/s per fully used core; load average during the run %s",
			float64(per.Nanoseconds())/1000, 1/per.Seconds(), loadavg()))
	}

	step(fmt.Sprintf("latency: %d streams (%d global), %d deliveries/s background, %s", o.streams, o.global, o.bgRate, o.latencyFor))
	p = loadgen.NewPoster(srv.URL, sandboxAppSecret, 64)
	sc, err := loadgen.Login(srv.URL, loadgen.AdminEmail, loadgen.AdminPassword, o.streams)
	if err != nil {
		return err
	}
	rw, err := loadgen.WatchRenders(ctx, sc, srv.URL, o.streams/10)
	if err != nil {
		return err
	}
	lr, err := loadgen.Latency(ctx, sc, p, srv.URL, "latency", o.groups, o.streams, o.global, o.bgRate, o.latencyFor)
	t.note(rw.Report(lr.Elapsed, int64(len(lr.Samples))+lr.Background))
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
		fmt.Sprintf("p99 %s (p50 %s)", ms(p99), ms(loadgen.Percentile(lr.Samples, 50))), "p99 ≤ 50 ms", p99 <= 50*time.Millisecond && len(lr.Samples) > 0)

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
		fmt.Sprintf("%.0f MB", float64(rss)/1e6), "≤ 150 MB", rss <= 150e6)

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
		fmt.Sprintf("%s (max %s)", ms(med), ms(loadgen.Percentile(readies, 100))), "≤ 300 ms", med <= 300*time.Millisecond)
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
