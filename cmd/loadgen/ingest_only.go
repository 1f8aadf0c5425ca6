package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"

	"groupdeck/loadgen"
)

// ingestOnly (-only ingest) seeds the bench database and runs only the
// single-change ingest rows, without the baseline, the batches or the
// other rows: the quick loop for work on the writer's CPU per delivery,
// which it prints per shape.
func ingestOnly(ctx context.Context, o options, t *table, log io.Writer) error {
	db := filepath.Join(o.dir, "bench.db")
	w := loadgen.BenchWorld(o.groups)
	fmt.Fprintf(log, "· seeding %d groups\n", o.groups)
	if err := loadgen.Fill(ctx, db, w.Seed(8, o.messages)); err != nil {
		return err
	}
	srv, err := loadgen.Start(ctx, o.bin, db)
	if err != nil {
		return err
	}
	defer func() { srv.Kill() }()
	gen := loadgen.NewGen(w, "ingest")
	for _, sh := range gen.Shapes() {
		fmt.Fprintf(log, "· ingest %s, single-change deliveries, concurrency %d, %s\n", sh.Name, o.conc, o.ingestFor)
		b, err := measure(ctx, srv, sh.Body(1), o.conc, o.ingestFor)
		if err != nil {
			return fmt.Errorf("ingest %s: %w", sh.Name, err)
		}
		t.info(fmt.Sprintf("webhook ingest, %s, single-change deliveries, concurrency %d", sh.Name, o.conc),
			fmt.Sprintf("%.0f deliveries/s, CPU %s per delivery", b.Rate(), us(b.cpu)), "(no baseline in -only ingest)")
	}
	t.note(fmt.Sprintf("load average during the ingest rows %s", loadavg()))
	return nil
}
