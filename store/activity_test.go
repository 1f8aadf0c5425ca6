package store

import (
	"context"
	"testing"
)

func TestPruneActivityKeepsRecentLines(t *testing.T) {
	s := mustOpen(t)
	clockAt(s, 1_000*day) // "recent" stays recent however slow the run (-race)
	ctx := context.Background()
	// 12,000 old lines of two kinds (more than one batch) and two recent ones.
	_, err := s.exec(ctx, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 12000)
		INSERT INTO activity (at, kind, detail) SELECT 1000 + i, CASE WHEN i % 1000 = 0 THEN 'join' ELSE 'drift' END, 'old' FROM n`)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := s.RecordActivity(ctx, 0, ActDrift, "", "recent"); err != nil {
			t.Fatal(err)
		}
	}
	n, err := s.PruneActivity(ctx, s.now()-1000)
	if err != nil || n != 12000 {
		t.Fatalf("pruned %d, %v; want 12000", n, err)
	}
	left, err := s.RecentActivity(ctx, 0, 100)
	if err != nil || len(left) != 2 || left[0].Detail != "recent" {
		t.Fatalf("left %+v %v", left, err)
	}
	if n, err := s.PruneActivity(ctx, s.now()-1000); err != nil || n != 0 {
		t.Errorf("second prune %d %v", n, err)
	}
}
