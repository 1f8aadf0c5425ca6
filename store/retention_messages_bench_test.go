package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkPruneMessages measures the message retention at its shortest
// (1 day) over a database of 100 groups holding 200,000 messages that are
// 1 to 3 days old (half received, half sent with 8 receipts each): how
// long it takes per message deleted, and the longest time one of its
// transactions held the writer (longest-hold-ms, which a webhook
// acknowledgement may wait behind it; the target is well under 50 ms).
// Each iteration seeds afresh, untimed, and prunes.
func BenchmarkPruneMessages(b *testing.B) {
	const n = 200_000
	ctx := context.Background()
	var longest time.Duration
	var deleted int64
	for range b.N {
		b.StopTimer()
		s, err := Open(ctx, filepath.Join(b.TempDir(), "p.db"))
		if err != nil {
			b.Fatal(err)
		}
		now := 1_000 * day
		s.Now = func() time.Time { return time.UnixMilli(now) }
		seedOldMessages(b, s, n, now)
		b.StartTimer()
		res, err := s.Prune(ctx, Retention{Messages: 24 * time.Hour})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if res.Messages < n/2 {
			b.Fatalf("pruned %+v, want most of %d messages", res, n)
		}
		longest, deleted = max(longest, res.LongestHold), deleted+res.Messages
		s.Close()
	}
	b.ReportMetric(float64(longest.Microseconds())/1000, "longest-hold-ms")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(deleted), "ns/message")
}

// seedOldMessages stores n messages in 100 groups, created from 3 days
// before now to 1 day before it in time order, the sent ones with 8
// receipts each: in SQL, not through the ingest, to be quick.
func seedOldMessages(b *testing.B, s *Store, n int, now int64) {
	b.Helper()
	if _, err := s.WithTx(context.Background(), func(t *Tx) error {
		for i, q := range []string{
			`WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 100)
				INSERT INTO groups (id, subject, created_at, updated_at, last_activity_at) SELECT i, 'G' || i, 0, 0, 0 FROM k`,
			`WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ?1)
				INSERT INTO messages (id, group_id, direction, wamid, kind, body, sender_key, state, created_at, sent_at)
				SELECT i, 1 + i % 100, CASE i % 2 WHEN 0 THEN 'in' ELSE 'out' END, 'wamid.' || i, 'text',
					'a message of some length, as people write them', CASE i % 2 WHEN 0 THEN 'p' || (i % 5000) ELSE '' END,
					CASE i % 2 WHEN 0 THEN 'received' ELSE 'sent' END, ?2 + i * ?3, ?2 + i * ?3 FROM k`,
			`WITH RECURSIVE p(j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM p WHERE j < 8)
				INSERT INTO receipts (wamid, participant, delivered_at, read_at)
				SELECT m.wamid, '1555000000' || p.j, m.created_at + 1000, m.created_at + 2000
				FROM messages m, p WHERE m.direction = 'out'`,
		} {
			var args []any
			if i == 1 {
				args = []any{n, now - 3*day, 2 * day / int64(n)}
			}
			if _, err := t.exec(q, args...); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		b.Fatal(err)
	}
}
