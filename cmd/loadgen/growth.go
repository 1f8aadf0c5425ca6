package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"groupdeck/loadgen"
	"groupdeck/store"
)

// growth measures whether ingest slows as the database grows (issue 19):
// every shape of the ingest benchmark (single-change deliveries) on a
// database with no stored deliveries, then on one seeded with o.stored of
// them (directly, in big transactions; statuses with their receipts and
// inbound messages, like real traffic), and how long a pruning run over
// that database holds the writer.
func growth(ctx context.Context, o options, t *table, log io.Writer) error {
	step := func(s string) { fmt.Fprintf(log, "· %s\n", s) }
	empty := filepath.Join(o.dir, "empty.db")
	big := filepath.Join(o.dir, "big.db")
	w := loadgen.BenchWorld(o.groups)
	for _, db := range []string{empty, big} {
		if err := loadgen.Fill(ctx, db, w.Seed(0, 0)); err != nil {
			return err
		}
	}
	step(fmt.Sprintf("seeding %d stored deliveries (8 in 10 statuses with their receipts, 2 in 10 inbound messages)", o.stored))
	t0 := time.Now()
	if err := loadgen.SeedDeliveries(ctx, big, o.stored, o.groups, 13*24*time.Hour); err != nil {
		return err
	}
	bigSize := fileSize(big)
	t.note(fmt.Sprintf("seeding %d deliveries took %s; database %.2f GB", o.stored, time.Since(t0).Round(time.Second), float64(bigSize)/1e9))
	var names []string
	rates := map[string][2]float64{}
	cpus := map[string][2]time.Duration{} // server CPU per delivery: steadier than the rate on a busy machine
	ios := map[string]string{}             // where the CPU goes: page reads, WAL and checkpoint writes
	dbName := [2]string{"empty", "big"}
	for i, db := range []string{empty, big} {
		srv, err := loadgen.Start(ctx, o.bin, db)
		if err != nil {
			return err
		}
		gen := loadgen.NewGen(w, fmt.Sprintf("growth%d", i))
		names = names[:0]
		for _, sh := range gen.Shapes() {
			names = append(names, sh.Name)
			step(fmt.Sprintf("ingest %s, %s, concurrency %d, %s", sh.Name, []string{"empty database", "big database"}[i], o.conc, o.ingestFor))
			p := loadgen.NewPoster(srv.URL, sandboxAppSecret, o.conc)
			cpu0, _ := srv.CPU()
			io0, _ := srv.IO()
			r := loadgen.IngestDrained(ctx, p, sh.Body(1), o.conc, o.ingestFor)
			cpu1, _ := srv.CPU()
			io1, _ := srv.IO()
			ios[sh.Name+dbName[i]] = io1.Per(io0, r.Acked)
			p.Close()
			if r.Failed > 0 {
				srv.Kill()
				return fmt.Errorf("ingest %s: %d deliveries not acknowledged (last: %s)", sh.Name, r.Failed, r.LastErr)
			}
			v := rates[sh.Name]
			v[i] = r.Rate()
			rates[sh.Name] = v
			c := cpus[sh.Name]
			if r.Acked > 0 {
				c[i] = (cpu1 - cpu0) / time.Duration(r.Acked)
			}
			cpus[sh.Name] = c
		}
		srv.Stop()
	}
	for _, name := range names {
		v := rates[name]
		c := cpus[name]
		t.info(fmt.Sprintf("ingest, %s, empty database", name), fmt.Sprintf("%.0f deliveries/s (CPU %s each)", v[0], us(c[0])), "reference")
		ratio := v[1] / v[0]
		t.add(fmt.Sprintf("ingest, %s, %d stored deliveries (%.2f GB)", name, o.stored, float64(bigSize)/1e9),
			fmt.Sprintf("%.0f deliveries/s (%.0f %% of empty; CPU %s each)", v[1], 100*ratio, us(c[1])), "≥ 80 % of empty", ratio >= 0.8)
	}
	for _, name := range names {
		t.note(fmt.Sprintf("%s: empty %s; big %s", name, ios[name+"empty"], ios[name+"big"]))
	}
	return prune(ctx, o, big, t, step)
}

// prune runs the retention over the big database as if 25 days had
// passed (every key, and the deliveries older than 30 days, are due) for
// at most o.pruneFor, and reports the longest single writer hold: the
// most a webhook acknowledgement can wait behind pruning.
func prune(ctx context.Context, o options, db string, t *table, step func(string)) error {
	step(fmt.Sprintf("pruning the big database as if 25 days had passed, for at most %s", o.pruneFor))
	st, err := store.Open(ctx, db)
	if err != nil {
		return err
	}
	defer st.Close()
	st.Now = func() time.Time { return time.Now().Add(25 * 24 * time.Hour) }
	d := 24 * time.Hour
	pctx, cancel := context.WithTimeout(ctx, o.pruneFor)
	defer cancel()
	t0 := time.Now()
	res, err := st.Prune(pctx, store.Retention{Applied: 30 * d, Failed: 90 * d, Dedup: 14 * d, Waiting: 14 * d})
	if err != nil && pctx.Err() == nil {
		return err
	}
	el := time.Since(t0)
	rows := res.Keys + res.Applied
	t.add(fmt.Sprintf("pruning: longest writer hold (%d keys + %d deliveries in %d batches of ≤ 500, %d pages returned, %.1fs)",
		res.Keys, res.Applied, res.Batches, res.FreedPages, el.Seconds()),
		ms(res.LongestHold), "≤ 50 ms (p99 ack target)", res.LongestHold <= 50*time.Millisecond)
	t.note(fmt.Sprintf("pruning deleted %.0f rows/s while nothing else ran; %d of its %d transactions held the writer over 50 ms",
		float64(rows)/el.Seconds(), res.SlowHolds, res.Batches))
	return nil
}

func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

func us(d time.Duration) string { return fmt.Sprintf("%.0f µs", float64(d.Nanoseconds())/1000) }
