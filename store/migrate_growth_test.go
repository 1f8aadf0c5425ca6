package store

import (
	"database/sql"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// migrateUntil applies the embedded migrations before first (by name) to
// a new database at path, as an older groupdeck would have.
func migrateUntil(t *testing.T, path, first string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(ON)&_pragma=journal_mode(WAL)")
	must(t, err)
	db.SetMaxOpenConns(1)
	_, err = db.Exec(`CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)`)
	must(t, err)
	names, err := fs.Glob(migrations, "migrations/*.sql")
	must(t, err)
	sort.Strings(names)
	for _, name := range names {
		if name >= "migrations/"+first {
			break
		}
		body, err := migrations.ReadFile(name)
		must(t, err)
		if _, err := db.Exec(string(body)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		_, err = db.Exec(`INSERT INTO schema_migrations VALUES (?, 0)`, name)
		must(t, err)
	}
	return db
}

// Migrations 0021 and 0022 on a database that holds data from before
// them: the last inbound time is filled in from the stored messages, the
// receipts survive the table's rebuild, and the outbox's queries use the
// new partial indexes instead of reading every message.
func TestMigrateGrowthKeepsDataAndUsesIndexes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	db := migrateUntil(t, path, "0021")
	for _, q := range []string{
		`INSERT INTO groups (id, wa_group_id, request_id, subject, status, created_at, updated_at, last_activity_at) VALUES
			(1, 'wa1', 'r1', 'One', 'active', 1, 1, 1), (2, 'wa2', 'r2', 'Two', 'active', 1, 1, 1)`,
		`INSERT INTO messages (group_id, direction, wamid, kind, body, state, created_at) VALUES
			(1, 'in', 'w1', 'text', 'a', 'received', 100), (1, 'in', 'w2', 'text', 'b', 'received', 300),
			(1, 'out', 'w3', 'text', 'c', 'sent', 500), (2, 'out', 'w4', 'text', 'd', 'sent', 700)`,
		`INSERT INTO messages (group_id, direction, kind, body, state, created_at, next_attempt_at) VALUES
			(2, 'out', 'text', 'queued', 'queued', 800, 900)`,
		`INSERT INTO receipts (wamid, participant, delivered_at, read_at, failed) VALUES
			('w3', 'p1', 510, 520, ''), ('w3', 'p2', 530, 0, ''), ('w4', '', 0, 0, 'gone')`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	must(t, db.Close())

	s, err := Open(t.Context(), path)
	must(t, err)
	t.Cleanup(func() { s.Close() })
	ctx := t.Context()
	for gid, want := range map[int64]int64{1: 300, 2: 0} {
		got, err := s.LastInbound(ctx, gid)
		must(t, err)
		if got != want {
			t.Errorf("group %d: last inbound %d, want %d (from the stored messages)", gid, got, want)
		}
	}
	// A new inbound message moves it; an older one arriving late does not.
	for _, at := range []int64{1000, 400} {
		_, err := s.WithTx(ctx, func(tx *Tx) error {
			return tx.InboundMessage(2, "late"+itoaTest(int(at)), "text", "hi", Member{WaID: "15550001"}, at)
		})
		must(t, err)
	}
	if got, err := s.LastInbound(ctx, 2); err != nil || got != 1000 {
		t.Errorf("group 2: last inbound %d (%v), want 1000", got, err)
	}
	open, err := s.GroupsWithOpenWindow(ctx, 200)
	must(t, err)
	if !open[1] || !open[2] || len(open) != 2 {
		t.Errorf("open windows since 200: %v, want groups 1 and 2", open)
	}
	if open, err = s.GroupsWithOpenWindow(ctx, 500); err != nil || open[1] || !open[2] {
		t.Errorf("open windows since 500: %v (%v), want group 2 only", open, err)
	}
	var n, delivered, read int64
	must(t, s.r.QueryRowContext(ctx, `SELECT count(*), sum(delivered_at), sum(read_at) FROM receipts`).Scan(&n, &delivered, &read))
	if n != 3 || delivered != 1040 || read != 520 {
		t.Errorf("receipts after the rebuild: %d rows, delivered %d, read %d", n, delivered, read)
	}
	var sqlText string
	must(t, s.r.QueryRowContext(ctx, `SELECT sql FROM sqlite_schema WHERE name = 'receipts'`).Scan(&sqlText))
	if !strings.Contains(sqlText, "WITHOUT ROWID") {
		t.Errorf("receipts is still a rowid table: %s", sqlText)
	}
	if at, ok, err := s.NextAttempt(ctx); err != nil || !ok || at != 900 {
		t.Errorf("next attempt %d %v %v, want 900", at, ok, err)
	}
	for q, index := range map[string]string{
		`SELECT id FROM messages WHERE state = 'queued' AND next_attempt_at <= 1 ORDER BY id LIMIT 1`: "messages_due",
		`SELECT min(next_attempt_at) FROM messages WHERE state = 'queued'`:                            "messages_due",
		`SELECT group_id FROM messages WHERE state = 'sending' AND in_doubt = 0`:                      "messages_sending",
	} {
		if plan := queryPlan(t, s, q); !strings.Contains(plan, index) {
			t.Errorf("%s\n\tplan %q, want it to use %s", q, plan, index)
		}
	}
	var inbound int
	must(t, s.r.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE name = 'messages_inbound'`).Scan(&inbound))
	if inbound != 0 {
		t.Error("messages_inbound still written by every inbound message")
	}
}

func queryPlan(t *testing.T, s *Store, q string) string {
	t.Helper()
	rows, err := s.r.QueryContext(t.Context(), `EXPLAIN QUERY PLAN `+q)
	must(t, err)
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		must(t, rows.Scan(&id, &parent, &unused, &detail))
		out = append(out, detail)
	}
	return strings.Join(out, "; ")
}
