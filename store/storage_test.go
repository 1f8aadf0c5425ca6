package store

import (
	"strings"
	"testing"
)

// The per-b-tree measurement (one short read each) adds up to what one
// dbstat walk over the whole file counts, and folds indexes into their
// tables.
func TestMeasureTablesMatchesWholeFile(t *testing.T) {
	s := mustOpen(t)
	pad := strings.Repeat("x", 3000)
	for i := 0; i < 200; i++ {
		_, err := s.SaveDelivery(t.Context(), []byte(`{"pad":"`+pad+`"}`), "test", func(tx *Tx) error {
			_, err := tx.Seen("key-" + itoaTest(i))
			return err
		})
		must(t, err)
	}
	got, err := s.MeasureTables(t.Context())
	must(t, err)
	var sum int64
	byName := map[string]int64{}
	for _, ts := range got {
		sum += ts.Bytes
		byName[ts.Name] = ts.Bytes
	}
	var whole, deliveries int64
	must(t, s.r.QueryRowContext(t.Context(), `SELECT sum(pgsize) FROM dbstat`).Scan(&whole))
	must(t, s.r.QueryRowContext(t.Context(), `SELECT sum(d.pgsize) FROM dbstat d JOIN sqlite_schema m ON m.name = d.name
		WHERE m.tbl_name = 'webhook_deliveries'`).Scan(&deliveries))
	if sum != whole {
		t.Errorf("tables add up to %d bytes, dbstat over the file counts %d", sum, whole)
	}
	if byName["webhook_deliveries"] != deliveries || deliveries < 200*3000 {
		t.Errorf("webhook_deliveries %d bytes, want %d with its indexes (≥ 600,000)", byName["webhook_deliveries"], deliveries)
	}
	if _, ok := byName["webhook_deliveries_fields"]; ok {
		t.Error("an index is listed on its own, not with its table")
	}
}
