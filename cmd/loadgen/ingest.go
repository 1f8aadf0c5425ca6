package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"groupdeck/loadgen"
)

// Ingest targets of the design, for the realistic mix of single-change
// deliveries at concurrency 64.
const (
	targetIngestRate  = 10000
	targetIngestRatio = 0.4
	targetIngestCPU   = 100 * time.Microsecond
)

// blast is one measured stretch of deliveries against one server.
type blast struct {
	loadgen.IngestResult
	cpu time.Duration // server CPU (user+system) per acknowledged delivery
}

func measure(ctx context.Context, srv *loadgen.Server, body func(int64) []byte, conc int, d time.Duration) (blast, error) {
	p := loadgen.NewPoster(srv.URL, sandboxAppSecret, conc)
	defer p.Close()
	cpu0, _ := srv.CPU()
	r := loadgen.IngestDrained(ctx, p, body, conc, d)
	cpu1, _ := srv.CPU()
	b := blast{IngestResult: r}
	if r.Failed > 0 {
		return b, fmt.Errorf("%d deliveries not acknowledged (last: %s)", r.Failed, r.LastErr)
	}
	if r.Acked == 0 {
		return b, fmt.Errorf("no delivery acknowledged in %s (%d answered busy)", d, r.Busy)
	}
	b.cpu = (cpu1 - cpu0) / time.Duration(r.Acked)
	return b, nil
}

// ingest measures every shape of the ingest benchmark, single-change
// deliveries and batches, against srv, between two runs of the bare
// loopback handler driven by the same client at the same concurrency;
// every row gives its ratio to that baseline.
func ingest(ctx context.Context, o options, t *table, srv *loadgen.Server, w loadgen.World, log io.Writer) error {
	step := func(s string) { fmt.Fprintf(log, "· %s\n", s) }
	self, err := os.Executable()
	if err != nil {
		return err
	}
	bare, err := loadgen.StartBare(ctx, self, "-only", "bare-server")
	if err != nil {
		return err
	}
	defer bare.Kill()
	bareGen := loadgen.NewGen(w, "bare")
	bareMix := bareGen.Shapes()[len(bareGen.Shapes())-1]
	var base [2][2]blast // [single, batch][before, after]
	baseline := func(i int) error {
		step(fmt.Sprintf("bare loopback handler, concurrency %d, %s (%s)", o.conc, o.ingestFor, []string{"before", "after"}[i]))
		b, err := measure(ctx, bare, bareMix.Body(1), o.conc, o.ingestFor)
		if err != nil {
			return fmt.Errorf("bare handler: %w", err)
		}
		base[0][i] = b
		b, err = measure(ctx, bare, bareMix.Body(o.batch), o.batchConc, o.batchFor)
		if err != nil {
			return fmt.Errorf("bare handler: %w", err)
		}
		base[1][i] = b
		return nil
	}
	if err := baseline(0); err != nil {
		return err
	}
	gen := loadgen.NewGen(w, "ingest")
	type row struct {
		shape loadgen.Shape
		size  int
		b     blast
	}
	var rows []row
	for _, sh := range gen.Shapes() {
		step(fmt.Sprintf("ingest %s, single-change deliveries, concurrency %d, %s", sh.Name, o.conc, o.ingestFor))
		b, err := measure(ctx, srv, sh.Body(1), o.conc, o.ingestFor)
		if err != nil {
			return fmt.Errorf("ingest %s: %w", sh.Name, err)
		}
		rows = append(rows, row{sh, 1, b})
	}
	for _, sh := range gen.Shapes() {
		step(fmt.Sprintf("ingest %s, batches of %d changes, concurrency %d, %s", sh.Name, o.batch, o.batchConc, o.batchFor))
		b, err := measure(ctx, srv, sh.Body(o.batch), o.batchConc, o.batchFor)
		if err != nil {
			return fmt.Errorf("ingest %s in batches: %w", sh.Name, err)
		}
		rows = append(rows, row{sh, o.batch, b})
	}
	if err := baseline(1); err != nil {
		return err
	}
	bareRate := [2]float64{(base[0][0].Rate() + base[0][1].Rate()) / 2, (base[1][0].Rate() + base[1][1].Rate()) / 2}
	t.info(fmt.Sprintf("bare loopback handler (reads the body, answers 200), single-change deliveries, concurrency %d", o.conc),
		fmt.Sprintf("%.0f/s before, %.0f/s after (CPU %s each)", base[0][0].Rate(), base[0][1].Rate(), us(base[0][0].cpu)), "baseline")
	t.info(fmt.Sprintf("bare loopback handler, deliveries of %d changes, concurrency %d", o.batch, o.batchConc),
		fmt.Sprintf("%.0f/s before, %.0f/s after (CPU %s each)", base[1][0].Rate(), base[1][1].Rate(), us(base[1][0].cpu)), "baseline")
	for _, r := range rows {
		busy := ""
		if r.b.Busy > 0 {
			busy = fmt.Sprintf("; %d answered 503", r.b.Busy)
		}
		if r.size == 1 {
			ratio := r.b.Rate() / bareRate[0]
			measured := fmt.Sprintf("%.0f deliveries/s, %.2f of bare, CPU %s per delivery%s", r.b.Rate(), ratio, us(r.b.cpu), busy)
			what := fmt.Sprintf("webhook ingest, %s, single-change deliveries, concurrency %d", r.shape.Name, o.conc)
			if r.shape.Name == "realistic mix" {
				t.add(what, measured, fmt.Sprintf("≥ %d/s, ≥ %.1f of bare, ≤ %s", targetIngestRate, targetIngestRatio, us(targetIngestCPU)),
					r.b.Rate() >= targetIngestRate && ratio >= targetIngestRatio && r.b.cpu <= targetIngestCPU)
			} else {
				t.info(what, measured, "(the target is the mix's)")
			}
			continue
		}
		changes := r.b.Rate() * float64(r.size)
		t.info(fmt.Sprintf("webhook ingest, %s, deliveries of %d changes, concurrency %d", r.shape.Name, r.size, o.batchConc),
			fmt.Sprintf("%.0f changes/s (%.1f deliveries/s, %.3f of bare), CPU %s per change%s", changes, r.b.Rate(),
				r.b.Rate()/bareRate[1], us(r.b.cpu/time.Duration(r.size)), busy), "(the target is the mix's)")
	}
	t.note(fmt.Sprintf("load average during the ingest rows %s; the mix is, per 50 changes, %s", loadavg(), mixText()))
	return nil
}

func mixText() string {
	s := ""
	for i, m := range loadgen.MixShare {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("%d %s", m.Of50, m.What)
	}
	return s
}
