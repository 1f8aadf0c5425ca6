package store

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Migration 0027 on a database with deliveries from before it: the event
// log's two indexes become one, (outcome, id, fields), the rows stay, the
// log's filters and counts answer as before, and every reader of the old
// indexes searches or covers with the new one instead of reading the
// deliveries' rows (bodies included) from end to end.
func TestDeliveryLogIndexServesTheEventLog(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	db := migrateUntil(t, path, "0027")
	_, err := db.Exec(`INSERT INTO webhook_deliveries (id, received_at, fields, body, outcome, error) VALUES
		(1, 10, 'messages', '{}', 'applied', ''),
		(2, 20, 'group_participants_update', '{}', 'applied', ''),
		(3, 30, 'messages', '{}', 'failed', 'sent for another phone number'),
		(4, 40, 'group_lifecycle_update,messages', '{}', 'duplicate', ''),
		(5, 50, 'messages', '{}', 'deferred', '')`)
	must(t, err)
	must(t, db.Close())

	s, err := Open(t.Context(), path)
	must(t, err)
	t.Cleanup(func() { s.Close() })
	ctx := t.Context()

	var names []string
	rows, err := s.r.QueryContext(ctx, `SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'webhook_deliveries' ORDER BY name`)
	must(t, err)
	for rows.Next() {
		var n string
		must(t, rows.Scan(&n))
		names = append(names, n)
	}
	must(t, rows.Err())
	rows.Close()
	if got := strings.Join(names, ","); got != "webhook_deliveries_log" {
		t.Errorf("indexes on webhook_deliveries: %s, want webhook_deliveries_log alone", got)
	}

	counts, err := s.DeliveryCounts(ctx)
	must(t, err)
	if counts[OutcomeApplied] != 2 || counts[OutcomeFailed] != 1 || counts[OutcomeDuplicate] != 1 || counts[OutcomeDeferred] != 1 {
		t.Errorf("counts %v", counts)
	}
	for _, c := range []struct {
		f    DeliveryFilter
		want []int64
	}{
		{DeliveryFilter{}, []int64{5, 4, 3, 2, 1}},
		{DeliveryFilter{Outcome: OutcomeApplied}, []int64{2, 1}},
		{DeliveryFilter{Field: "messages"}, []int64{5, 4, 3, 1}},
		{DeliveryFilter{Outcome: OutcomeApplied, Field: "messages"}, []int64{1}},
		{DeliveryFilter{Field: "group_lifecycle_update"}, []int64{4}},
	} {
		ds, total, err := s.Deliveries(ctx, c.f)
		must(t, err)
		var ids []int64
		for _, d := range ds {
			ids = append(ids, d.ID)
		}
		if total != len(c.want) || !slices.Equal(ids, c.want) {
			t.Errorf("%+v: ids %v of %d, want %v", c.f, ids, total, c.want)
		}
	}
	if n, err := s.FailedDeliveriesWith(ctx, "another phone number"); err != nil || n != 1 {
		t.Errorf("failed deliveries for another number: %d (%v), want 1", n, err)
	}

	like := `(',' || fields || ',') LIKE '%,messages,%' ESCAPE '\'`
	for q, want := range map[string]string{
		`SELECT outcome, count(*) FROM webhook_deliveries GROUP BY outcome`:                            "COVERING INDEX webhook_deliveries_log",
		`SELECT count(*) FROM webhook_deliveries`:                                                      "COVERING INDEX webhook_deliveries_log",
		`SELECT count(*) FROM webhook_deliveries WHERE ` + like:                                        "COVERING INDEX webhook_deliveries_log",
		`SELECT count(*) FROM webhook_deliveries WHERE outcome = 'failed' AND ` + like:                 "COVERING INDEX webhook_deliveries_log (outcome=?)",
		`SELECT id FROM webhook_deliveries WHERE outcome = 'failed' ORDER BY id DESC LIMIT 50`:         "INDEX webhook_deliveries_log (outcome=?)",
		`SELECT count(*) FROM webhook_deliveries WHERE outcome = 'failed' AND instr(error, 'x') > 0`:   "INDEX webhook_deliveries_log (outcome=?)",
		`SELECT id FROM webhook_deliveries WHERE outcome = 'applied' AND id < 9 ORDER BY id LIMIT 500`: "COVERING INDEX webhook_deliveries_log (outcome=? AND id<?)",
	} {
		plan := queryPlan(t, s, q)
		if !strings.Contains(plan, want) || strings.Contains(plan, "TEMP B-TREE") {
			t.Errorf("%s\n\tplan %q, want %q and no sort", q, plan, want)
		}
	}
}
