package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"time"

	"groupdeck/loadgen"
	"groupdeck/store"
)

// growthSlices is how many turns each shape's time is cut into: the two
// databases take turns (each server running, the idle one waiting), so
// load from neighbours that comes and goes falls on both alike instead of
// on one half of the run, as it did when every shape ran on the empty
// database first and then on the big one. Each pair of turns, one after
// the other, gives a ratio; the row's ratio is their median, which a
// neighbour's burst during one turn cannot move much.
const growthSlices = 8

// growthSettle is the pause after a turn, see growthTurn.
const growthSettle = 300 * time.Millisecond

// growthWarmup is the mix each server gets, uncounted, before the rows:
// the first seconds after a start fill SQLite's page cache and Go's heap,
// and otherwise fell on whichever shape came first.
const growthWarmup = 2 * time.Second

// growth measures whether ingest slows as the database grows (issue 19):
// every shape of the ingest benchmark (single-change deliveries) on a
// database with no stored deliveries and on one seeded with o.stored of
// them (directly, in big transactions; statuses with their receipts and
// inbound messages, like real traffic), taking turns, and how long a
// pruning run over the big database holds the writer.
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
	res, names, err := growthRows(ctx, o, w, [2]string{empty, big}, step)
	if err != nil {
		return err
	}
	for k, name := range names {
		e, b := res[k][0], res[k][1]
		t.info(fmt.Sprintf("ingest, %s, empty database", name), fmt.Sprintf("%.0f deliveries/s (CPU %s each)", e.rate(), us(e.cpuEach())), "reference")
		ratios := make([]float64, len(e.rates))
		for i := range ratios {
			ratios[i] = b.rates[i] / max(e.rates[i], 1e-9)
		}
		sort.Float64s(ratios)
		ratio := (ratios[(len(ratios)-1)/2] + ratios[len(ratios)/2]) / 2
		t.add(fmt.Sprintf("ingest, %s, %d stored deliveries (%.2f GB)", name, o.stored, float64(bigSize)/1e9),
			fmt.Sprintf("%.0f deliveries/s (%.0f %% of empty: median of %d turns, %.0f–%.0f %%; %.0f %% of the totals; CPU %s each)",
				b.rate(), 100*ratio, len(ratios), 100*ratios[0], 100*ratios[len(ratios)-1], 100*b.rate()/e.rate(), us(b.cpuEach())),
			"≥ 80 % of empty", ratio >= 0.8)
	}
	t.note(fmt.Sprintf("the growth rows take turns: each shape %d × %s on each database, alternating, after %s of the mix on each (not counted)",
		growthSlices, o.ingestFor/growthSlices, growthWarmup))
	for k, name := range names {
		t.note(fmt.Sprintf("%s: empty %s; big %s", name, res[k][0].io.Per(res[k][0].acked), res[k][1].io.Per(res[k][1].acked)))
	}
	return prune(ctx, o, big, t, step)
}

// growthSample adds up a shape's turns on one database.
type growthSample struct {
	acked   int64
	elapsed time.Duration
	rates   []float64     // per turn
	cpu     time.Duration // server CPU, which depends far less on the neighbours than the rate
	io      loadgen.ProcIO
}

func (g growthSample) rate() float64 { return float64(g.acked) / max(g.elapsed.Seconds(), 1e-9) }

func (g growthSample) cpuEach() time.Duration {
	if g.acked == 0 {
		return 0
	}
	return g.cpu / time.Duration(g.acked)
}

// growthRows runs both servers and measures every shape on each, taking
// turns; res[shape][0] is the empty database, [1] the big one.
func growthRows(ctx context.Context, o options, w loadgen.World, dbs [2]string, step func(string)) ([][2]growthSample, []string, error) {
	var srvs [2]*loadgen.Server
	defer func() {
		for _, s := range srvs {
			if s != nil {
				s.Stop()
			}
		}
	}()
	var shapes [2][]loadgen.Shape
	for i, db := range dbs {
		srv, err := loadgen.Start(ctx, o.bin, db)
		if err != nil {
			return nil, nil, err
		}
		srvs[i] = srv
		shapes[i] = loadgen.NewGen(w, fmt.Sprintf("growth%d", i)).Shapes()
	}
	step(fmt.Sprintf("warming both servers up with the mix, %s each (not counted)", growthWarmup))
	for i, srv := range srvs {
		if _, err := growthTurn(ctx, o, srv, shapes[i][len(shapes[i])-1], growthWarmup); err != nil {
			return nil, nil, err
		}
	}
	res := make([][2]growthSample, len(shapes[0]))
	names := make([]string, len(shapes[0]))
	for k := range shapes[0] {
		names[k] = shapes[0][k].Name
		step(fmt.Sprintf("ingest %s, concurrency %d, %d turns of %s on each database", names[k], o.conc, growthSlices, o.ingestFor/growthSlices))
		for turn := range growthSlices {
			for j := range 2 {
				i := (j + turn) % 2 // who goes first alternates too
				g, err := growthTurn(ctx, o, srvs[i], shapes[i][k], o.ingestFor/growthSlices)
				if err != nil {
					return nil, nil, fmt.Errorf("ingest %s: %w", names[k], err)
				}
				r := &res[k][i]
				r.acked, r.elapsed, r.cpu, r.io = r.acked+g.acked, r.elapsed+g.elapsed, r.cpu+g.cpu, r.io.Add(g.io)
				r.rates = append(r.rates, g.rate())
			}
		}
	}
	return res, names, nil
}

// growthTurn sends shape sh to srv for d and measures it.
func growthTurn(ctx context.Context, o options, srv *loadgen.Server, sh loadgen.Shape, d time.Duration) (growthSample, error) {
	p := loadgen.NewPoster(srv.URL, sandboxAppSecret, o.conc)
	defer p.Close()
	cpu0, _ := srv.CPU()
	io0, _ := srv.IO()
	r := loadgen.IngestDrained(ctx, p, sh.Body(1), o.conc, d)
	// The background checkpoint (five times a second) copies the turn's
	// last WAL pages: let it finish here, counted to this server, rather
	// than during the other database's turn.
	time.Sleep(growthSettle)
	cpu1, _ := srv.CPU()
	io1, _ := srv.IO()
	if r.Failed > 0 {
		return growthSample{}, fmt.Errorf("%d deliveries not acknowledged (last: %s)", r.Failed, r.LastErr)
	}
	return growthSample{acked: r.Acked, elapsed: r.Elapsed, cpu: cpu1 - cpu0, io: io1.Sub(io0)}, nil
}

// prune runs the retention over the big database as if 25 days had
// passed (every key, the deliveries older than 30 days and, with a
// 14-day message retention, the oldest messages are due) for
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
	res, err := st.Prune(pctx, store.Retention{Applied: 30 * d, Failed: 90 * d, Dedup: 14 * d, Waiting: 14 * d, Messages: 14 * d})
	if err != nil && pctx.Err() == nil {
		return err
	}
	el := time.Since(t0)
	rows := res.Keys + res.Applied + res.Messages + res.Receipts
	t.add(fmt.Sprintf("pruning: longest writer hold (%d keys + %d deliveries + %d messages with %d receipts in %d batches of ≤ 500, %d pages returned, %.1fs)",
		res.Keys, res.Applied, res.Messages, res.Receipts, res.Batches, res.FreedPages, el.Seconds()),
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
