package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"groupdeck/loadgen"
)

// The retention the soak runs with: the shortest the settings allow.
const (
	soakKeepBookkeeping = 8 * 24 * time.Hour // deliveries and de-duplication keys
	soakKeepContent     = 24 * time.Hour     // messages with their receipts, feed lines
)

// soakProbeEvery is how often the server's state is read inside a window.
const soakProbeEvery = 5 * time.Second

// soak runs mixed webhook load at o.soakRate for o.soakWarm+o.soakFor
// with o.soakStreams open event streams while pruning runs, and compares
// the server's state in the first and the last window (the median of
// each window's readings). The database is seeded with what a deployment
// older than every retention holds and what comes due during the soak at
// the rate the soak adds it: raw deliveries and keys received just inside
// 8 days (the soak's own mix, without the messages they once wrote,
// which the 1-day message retention deleted; those for unknown groups
// failed, "group never appeared"), received messages, join/leave feed
// lines and changes waiting for a group just inside 1 day.
func soak(ctx context.Context, o options, t *table, log io.Writer) error {
	step := func(s string) { fmt.Fprintf(log, "· %s\n", s) }
	db := filepath.Join(o.dir, "soak.db")
	// Group 1's history (the messages the soak's statuses name) stays
	// well inside the message retention: 5,000 messages 5 s apart.
	seed := loadgen.Seed{Groups: o.groups, Participants: 8, Messages: o.messages, Spacing: 5 * time.Second}
	if err := loadgen.Fill(ctx, db, seed); err != nil {
		return err
	}
	run := o.soakWarm + o.soakFor
	n := int(float64(o.soakRate) * run.Seconds())
	// The load starts when seeding is done, about 30,000 rows a second
	// here; an early or late guess moves the first rows' due time into
	// the warm-up, not the measured part.
	start := time.Now().Add(10*time.Second + time.Duration(n/25000)*time.Second)
	t0 := time.Now()
	step(fmt.Sprintf("seeding %d deliveries and keys, %d received messages, %d join/leave lines and %d waiting changes that come due during the soak",
		n, 3*n/10, n/10, n/20))
	if err := loadgen.SeedSoakDeliveries(ctx, db, n, o.groups, start.Add(-soakKeepBookkeeping+run), run); err != nil {
		return err
	}
	if err := loadgen.SeedContent(ctx, db, 3*n/10, n/10, n/20, o.groups, start.Add(-soakKeepContent+run), run); err != nil {
		return err
	}
	step(fmt.Sprintf("seeded in %s", time.Since(t0).Round(time.Second)))
	every := min(time.Minute, o.soakFor/10)
	srv, err := loadgen.Start(ctx, o.bin, db, "GROUPDECK_KEEP_DELIVERIES=8d", "GROUPDECK_KEEP_DEDUP=8d", "GROUPDECK_KEEP_FAILED=8d",
		"GROUPDECK_KEEP_MESSAGES=1d", "GROUPDECK_ACTIVITY_RETENTION=1d", "GROUPDECK_KEEP_WAITING=1d",
		"GROUPDECK_PRUNE_INTERVAL="+every.String(), "GROUPDECK_LOG_LEVEL=info", "GROUPDECK_LOG_FORMAT=json")
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
	step(fmt.Sprintf("soak: %d mixed deliveries/s, %d open streams, pruning every %s; %s warm-up, then %s in windows of %s (state read every %s)",
		o.soakRate, o.soakStreams, every, o.soakWarm, o.soakFor, window, soakProbeEvery))
	p := loadgen.NewPoster(srv.URL, sandboxAppSecret, 64)
	defer p.Close()
	res := loadgen.Soak(ctx, p, func(n int64) []byte { return loadgen.MixedBody("soak", n, o.groups) }, o.soakRate,
		o.soakWarm, o.soakFor, window, soakProbeEvery, func() loadgen.Gauges { return srv.Probe(db) },
		func(w loadgen.SoakWindow) { step(soakWindowLine(w)) })
	step(fmt.Sprintf("warm-up: %d acked, %d lost", res.WarmAcked, res.WarmLost))
	soakTail(res, srv.Passes(), step)
	ws := res.Windows
	if len(ws) < 2 {
		return fmt.Errorf("soak: %d windows, need two (is -soak-duration too short?)", len(ws))
	}
	first, last := ws[0], ws[len(ws)-1]
	if first.Median.Goroutines == 0 || last.Median.Goroutines == 0 {
		return fmt.Errorf("soak: could not read the goroutine count from /healthz?detail=1")
	}
	flat := func(what string, a, b float64, show func(float64) string) {
		change := 0.0
		if a != 0 {
			change = (b - a) / a
		}
		t.add(fmt.Sprintf("soak %s: %s in the window to %s → %s in the window to %s", what, show(a), first.At, show(b), last.At),
			fmt.Sprintf("%+.1f %%", 100*change), "within ±10 %", change <= 0.10 && change >= -0.10)
	}
	mb := func(v float64) string { return fmt.Sprintf("%.0f MB", v/1e6) }
	count := func(v float64) string { return fmt.Sprintf("%.0f", v) }
	flat("resident memory (median)", float64(first.Median.RSS), float64(last.Median.RSS), mb)
	flat("goroutines (median)", float64(first.Median.Goroutines), float64(last.Median.Goroutines), count)
	flat("open files (median)", float64(first.Median.OpenFiles), float64(last.Median.OpenFiles), count)
	flat("database size, file + WAL (median)", float64(first.Median.DBFile+first.Median.WAL), float64(last.Median.DBFile+last.Median.WAL), mb)
	flat("p99 acknowledgement", float64(first.P99), float64(last.P99), func(v float64) string { return ms(time.Duration(v)) })
	var acked, lost int64
	for _, w := range ws {
		acked, lost = acked+w.Acked, lost+w.Lost
	}
	t.add(fmt.Sprintf("soak deliveries acknowledged (%d streams open, pruning every %s)", o.soakStreams, every),
		fmt.Sprintf("%d (%.0f/s), %d not", acked, float64(acked)/o.soakFor.Seconds(), lost), fmt.Sprintf("%d/s, none lost", o.soakRate),
		lost == 0 && float64(acked) >= 0.95*float64(o.soakRate)*o.soakFor.Seconds())
	for _, w := range []loadgen.SoakWindow{first, last} {
		t.note(fmt.Sprintf("window to %s: %s", w.At, soakTables(w.Last)))
	}
	return nil
}

// soakWindowLine is one window: medians (max) of what was read in it.
func soakWindowLine(w loadgen.SoakWindow) string {
	mb := func(v int64) string { return fmt.Sprintf("%.0f", float64(v)/1e6) }
	m, x := w.Median, w.Max
	return fmt.Sprintf("window to %s (%d readings): %d acked, %d lost, p99 %s; median (max): RSS %s (%s) MB, Go total %s (%s) MB, Go heap %s (%s) MB, "+
		"%d (%d) goroutines, %d (%d) open files, database %s (%s) MB + WAL %s (%s) MB, of it free %s (%s) MB; %s",
		w.At, w.Probes, w.Acked, w.Lost, ms(w.P99), mb(m.RSS), mb(x.RSS), mb(m.GoTotal), mb(x.GoTotal), mb(m.GoHeap), mb(x.GoHeap),
		m.Goroutines, x.Goroutines, m.OpenFiles, x.OpenFiles, mb(m.DBFile), mb(x.DBFile), mb(m.WAL), mb(x.WAL), mb(m.Free), mb(x.Free), soakTables(w.Last))
}

// soakTables splits the last measured per-table sizes into what webhook
// retention governs and content, largest first.
func soakTables(h loadgen.Health) string {
	if len(h.Database.TableBytes) == 0 {
		return "tables not measured yet"
	}
	var ret, content int64
	var names []string
	for name, b := range h.Database.TableBytes {
		if slices.Contains(loadgen.RetentionTables, name) {
			ret += b
		} else {
			content += b
		}
		names = append(names, name)
	}
	slices.SortFunc(names, func(a, b string) int { return int(h.Database.TableBytes[b] - h.Database.TableBytes[a]) })
	var top []string
	for _, name := range names[:min(8, len(names))] {
		top = append(top, fmt.Sprintf("%s %.0f", name, float64(h.Database.TableBytes[name])/1e6))
	}
	return fmt.Sprintf("tables (measured %s) retention-governed %.0f MB, content %.0f MB; largest (MB): %s; oldest delivery %s, key %s, message %s; %d waiting",
		h.Database.TablesMeasured, float64(ret)/1e6, float64(content)/1e6, strings.Join(top, ", "),
		h.Database.OldestDelivery, h.Database.OldestDedupKey, h.Database.OldestMessage, h.Database.Waiting)
}

// soakTail says what makes the tail: the worst seconds, and the p99 of
// the acknowledgements in seconds while a pruning run was going against
// the rest.
func soakTail(res loadgen.SoakRun, passes []loadgen.Pass, step func(string)) {
	worst, p99 := res.WorstSeconds(8)
	pruning := make([]bool, len(res.Acks))
	var holds []string
	for _, ps := range passes {
		from := int(ps.End.Add(-ps.Took).Sub(res.Start) / time.Second)
		to := int(ps.End.Sub(res.Start) / time.Second)
		for i := max(from, 0); i <= to && i < len(pruning); i++ {
			pruning[i] = true
		}
		if to >= 0 && from < len(pruning) {
			holds = append(holds, fmt.Sprintf("%s %ds–%ds (longest hold %s)", strings.TrimSuffix(ps.What, " retention"), from, to, ms(ps.LongestHold)))
		}
	}
	var ws []string
	for _, s := range worst {
		mark := ""
		if pruning[s] {
			mark = " pruning"
		}
		ws = append(ws, fmt.Sprintf("%ds %s%s", s, ms(p99[s]), mark))
	}
	step("worst seconds by p99 (seconds after the warm-up): " + strings.Join(ws, ", "))
	step("pruning runs: " + strings.Join(holds, "; "))
	in, out, nIn, nOut := res.SplitP99(func(s int) bool { return pruning[s] })
	step(fmt.Sprintf("p99 in seconds while pruning ran %s (%d acknowledgements), in the others %s (%d)", ms(in), nIn, ms(out), nOut))
}
