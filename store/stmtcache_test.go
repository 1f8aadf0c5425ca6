package store

import (
	"context"
	"fmt"
	"testing"
)

// The group commit's statements are prepared on the writer connection
// after the first batch that used them, and later batches run them from
// there: the results must be the same as when they were prepared per
// batch, including the savepoint statements of an isolated retry.
func TestGroupCommitStatementsPreparedOnce(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	save := func(i int, fail bool) DeliveryResult {
		t.Helper()
		res, err := s.SaveDelivery(ctx, []byte(fmt.Sprintf(`{"n":%d}`, i)), "messages", func(tx *Tx) error {
			if _, err := tx.Seen(fmt.Sprintf("k:%d", i)); err != nil {
				return err
			}
			if fail {
				return fmt.Errorf("cannot apply %d", i)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	if res := save(1, false); res.Outcome != OutcomeApplied {
		t.Fatalf("first: %+v", res)
	}
	s.stmtc.mu.Lock()
	cached := len(s.stmtc.stmts)
	s.stmtc.mu.Unlock()
	if cached == 0 {
		t.Fatal("no statement kept prepared after the first batch")
	}
	for i := 2; i < 6; i++ {
		want := OutcomeApplied
		if i%2 == 0 {
			want = OutcomeFailed
		}
		if res := save(i, i%2 == 0); res.Outcome != want || res.ID == 0 {
			t.Errorf("delivery %d: %+v, want %s", i, res, want)
		}
	}
	if res := save(3, false); res.Outcome != OutcomeDuplicate {
		t.Errorf("retry of 3: %+v, want duplicate", res)
	}
	var keys int
	if err := s.r.QueryRow(`SELECT count(*) FROM webhook_events`).Scan(&keys); err != nil {
		t.Fatal(err)
	}
	if keys != 3 { // 1, 3 and 5; the failed ones rolled back
		t.Errorf("%d keys, want 3", keys)
	}
}
