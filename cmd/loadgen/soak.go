package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"groupdeck/loadgen"
)

// soakKeep is the retention the soak runs with: the shortest the
// settings allow for deliveries and keys.
const soakKeep = 8 * 24 * time.Hour

// soak runs mixed webhook load at o.soakRate for o.soakFor with
// o.soakStreams open event streams while pruning runs, and compares the
// server's state in the first and the last window. The database is
// seeded with as many deliveries as the soak sends, received just inside
// the retention, so they come due during the soak at the rate new ones
// arrive: the steady state of a deployment older than its retention.
func soak(ctx context.Context, o options, t *table, log io.Writer) error {
	step := func(s string) { fmt.Fprintf(log, "· %s\n", s) }
	db := filepath.Join(o.dir, "soak.db")
	if err := loadgen.Fill(ctx, db, loadgen.Seed{Groups: o.groups, Participants: 8, Messages: o.messages}); err != nil {
		return err
	}
	n := int(float64(o.soakRate) * o.soakFor.Seconds())
	step(fmt.Sprintf("seeding %d deliveries that come due during the soak", n))
	oldest := time.Now().Add(-soakKeep + 30*time.Second) // the soak starts in less than 30 s
	if err := loadgen.SeedDeliveriesUntil(ctx, db, n, o.groups, oldest.Add(o.soakFor), o.soakFor); err != nil {
		return err
	}
	every := min(time.Minute, o.soakFor/10)
	srv, err := loadgen.Start(ctx, o.bin, db, "GROUPDECK_KEEP_DELIVERIES=8d", "GROUPDECK_KEEP_DEDUP=8d",
		"GROUPDECK_PRUNE_INTERVAL="+every.String())
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
	window := o.soakFor / 6
	step(fmt.Sprintf("soak: %d mixed deliveries/s, %d open streams, pruning every %s, for %s (samples every %s)",
		o.soakRate, o.soakStreams, every, o.soakFor, window))
	p := loadgen.NewPoster(srv.URL, sandboxAppSecret, 64)
	defer p.Close()
	samples := loadgen.Soak(ctx, p, func(n int64) []byte { return loadgen.MixedBody("soak", n, o.groups) }, o.soakRate, o.soakFor, window,
		func(s *loadgen.SoakSample) {
			s.RSS, _ = srv.RSS()
			s.Goroutines, _ = loadgen.Goroutines(srv.URL)
			s.OpenFiles, _ = srv.OpenFiles()
			s.DBBytes = loadgen.FilesSize(db, db+"-wal")
			step(fmt.Sprintf("%s: %d acked, %d lost, p99 %s, RSS %.0f MB, %d goroutines, %d open files, database %.0f MB",
				s.At, s.Acked, s.Lost, ms(s.P99), float64(s.RSS)/1e6, s.Goroutines, s.OpenFiles, float64(s.DBBytes)/1e6))
		})
	if len(samples) < 2 {
		return fmt.Errorf("soak: %d samples, need two (is -soak-duration too short?)", len(samples))
	}
	first, last := samples[0], samples[len(samples)-1]
	if first.Goroutines == 0 || last.Goroutines == 0 {
		return fmt.Errorf("soak: could not read the goroutine count from /healthz?detail=1")
	}
	flat := func(what string, a, b float64, show func(float64) string) {
		change := 0.0
		if a != 0 {
			change = (b - a) / a
		}
		t.add(fmt.Sprintf("soak %s: %s at %s → %s at %s", what, show(a), first.At, show(b), last.At),
			fmt.Sprintf("%+.1f %%", 100*change), "within ±10 %", change <= 0.10 && change >= -0.10)
	}
	mb := func(v float64) string { return fmt.Sprintf("%.0f MB", v/1e6) }
	count := func(v float64) string { return fmt.Sprintf("%.0f", v) }
	flat("resident memory", float64(first.RSS), float64(last.RSS), mb)
	flat("goroutines", float64(first.Goroutines), float64(last.Goroutines), count)
	flat("open files", float64(first.OpenFiles), float64(last.OpenFiles), count)
	flat("database size", float64(first.DBBytes), float64(last.DBBytes), mb)
	flat("p99 acknowledgement", float64(first.P99), float64(last.P99), func(v float64) string { return ms(time.Duration(v)) })
	var acked, lost int64
	for _, s := range samples {
		acked, lost = acked+s.Acked, lost+s.Lost
	}
	t.add(fmt.Sprintf("soak deliveries acknowledged (%d streams open, pruning every %s)", o.soakStreams, every),
		fmt.Sprintf("%d (%.0f/s), %d not", acked, float64(acked)/o.soakFor.Seconds(), lost), fmt.Sprintf("%d/s, none lost", o.soakRate),
		lost == 0 && float64(acked) >= 0.95*float64(o.soakRate)*o.soakFor.Seconds())
	return nil
}
