package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"groupdeck/loadgen"
)

// The shortest retention the settings allow, which the soak runs with:
// keys cover Meta's 7 days of retries plus a day, so deliveries (kept at
// least as long as their keys) go at 8 days too; messages, feed lines and
// waiting changes at 1 day.
const (
	soakKeepDeliveries = 8 * 24 * time.Hour
	soakKeepContent    = 24 * time.Hour
)

// soakProbeEvery is how often the gauges are read within a window.
const soakProbeEvery = 5 * time.Second

// soak runs mixed webhook load at o.soakRate for o.soakWarmup plus
// o.soakFor with o.soakStreams open event streams while pruning runs,
// and compares the server's state in the first and the last of six
// windows (each gauge's median over the window). The database is seeded
// so that every kind of row the load adds has an old one coming due at
// the same moment (loadgen.SeedSteady): the steady state of a deployment
// older than every retention.
func soak(ctx context.Context, o options, t *table, log io.Writer) error {
	step := func(s string) { fmt.Fprintf(log, "· %s\n", s) }
	db := filepath.Join(o.dir, "soak.db")
	if err := loadgen.Fill(ctx, db, loadgen.Seed{Groups: o.groups, Participants: 8, Messages: loadgen.SoakHistory}); err != nil {
		return err
	}
	load := o.soakWarmup + o.soakFor
	step(fmt.Sprintf("seeding the rows that come due during the %s of load (%d deliveries)", load, int(float64(o.soakRate)*load.Seconds())))
	seeded := time.Now()
	plan := loadgen.Steady{Rate: o.soakRate, Groups: o.groups, Load: load,
		Deliveries: soakKeepDeliveries, Waiting: soakKeepContent, Messages: soakKeepContent, Lines: soakKeepContent}
	// The load starts once seeding and start-up are done (the wait is
	// logged when they took longer): the first row comes due as the load
	// starts.
	plan.Start = seeded.Add(20*time.Second + load/20)
	if err := loadgen.SeedSteady(ctx, db, plan); err != nil {
		return err
	}
	step(fmt.Sprintf("seeded in %s", time.Since(seeded).Round(time.Second)))
	every := min(time.Minute, o.soakFor/10)
	days := func(d time.Duration) string { return fmt.Sprintf("%dd", int(d.Hours()/24)) }
	srv, err := loadgen.Start(ctx, o.bin, db,
		"GROUPDECK_KEEP_DELIVERIES="+days(soakKeepDeliveries), "GROUPDECK_KEEP_DEDUP="+days(soakKeepDeliveries),
		"GROUPDECK_KEEP_FAILED="+days(soakKeepDeliveries), "GROUPDECK_KEEP_WAITING="+days(soakKeepContent),
		"GROUPDECK_KEEP_MESSAGES="+days(soakKeepContent), "GROUPDECK_ACTIVITY_RETENTION="+days(soakKeepContent),
		"GROUPDECK_PRUNE_INTERVAL="+every.String(), "GROUPDECK_LOG_LEVEL=info") // info: each pruning run's line (rows, batches, longest hold)
	if err != nil {
		return err
	}
	defer srv.Stop()
	c, err := loadgen.Login(srv.URL, loadgen.AdminEmail, loadgen.AdminPassword, o.soakStreams)
	if err != nil {
		return err
	}
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if err := loadgen.OpenStreams(sctx, c, srv.URL, o.soakStreams, o.groups); err != nil {
		return err
	}
	if late := time.Until(plan.Start); late < 0 {
		step(fmt.Sprintf("the load starts %s after the seeded start: that many seconds of rows came due at once", (-late).Round(time.Second)))
	} else {
		time.Sleep(late)
	}
	window := o.soakFor / 6
	step(fmt.Sprintf("soak from %s: %d mixed deliveries/s, %d open streams, pruning every %s, %s warm-up, then %s in six windows (gauges every %s, median per window)",
		time.Now().UTC().Format(time.TimeOnly), o.soakRate, o.soakStreams, every, o.soakWarmup, o.soakFor, soakProbeEvery))
	p := loadgen.NewPoster(srv.URL, sandboxAppSecret, 64)
	defer p.Close()
	samples := loadgen.Soak(ctx, p, func(n int64) []byte { return loadgen.MixedBody("soak", n, o.groups) }, loadgen.SoakPlan{
		Rate: o.soakRate, Warmup: o.soakWarmup, For: o.soakFor, Window: window, Probe: soakProbeEvery,
		ProbeGauges: func(g *loadgen.Gauges) (map[string]int64, string) {
			g.RSS, _ = srv.RSS()
			of, _ := srv.OpenFiles()
			g.OpenFiles = int64(of)
			g.WAL = loadgen.FilesSize(db + "-wal")
			d, err := loadgen.HealthDetail(srv.URL)
			if err != nil {
				return nil, ""
			}
			g.Goroutines, g.GoHeap, g.GoTotal = d.Goroutines, d.GoMemory["heap_bytes"], d.GoMemory["total_bytes"]
			g.DBFile, g.FreeBytes = d.Database.Bytes, d.Database.FreeBytes
			return d.Database.TableBytes, d.Database.TablesMeasured
		},
		OnWindow: func(s loadgen.SoakSample) { step(describeSample(s)) }})
	// The server's retention lines, to set the worst seconds against.
	for _, l := range strings.Split(srv.Logs(), "\n") {
		if strings.Contains(l, "retention") {
			step("server: " + l)
		}
	}
	return soakTable(o, t, samples, every)
}
