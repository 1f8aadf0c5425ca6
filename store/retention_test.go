package store

import (
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

const day = int64(24 * time.Hour / time.Millisecond)

// keep is the default retention (see app/config.go).
var keep = Retention{Applied: 30 * 24 * time.Hour, Failed: 90 * 24 * time.Hour,
	Dedup: 14 * 24 * time.Hour, Waiting: 14 * 24 * time.Hour, Pause: time.Microsecond}

// saveKeyed stores a delivery that applies (or fails, or waits on) one
// change with de-duplication key key.
func saveKeyed(t *testing.T, s *Store, key string, how string) DeliveryResult {
	t.Helper()
	res, err := s.SaveDelivery(t.Context(), []byte(`{"k":"`+key+`"}`), "test", func(tx *Tx) error {
		if dup, err := tx.Seen(key); err != nil || dup {
			return err
		}
		switch how {
		case "fail":
			return os.ErrInvalid
		case "wait":
			if err := tx.Forget(key); err != nil {
				return err
			}
			return tx.Defer("group:NEVER", "test", key, 0)
		}
		return nil
	})
	must(t, err)
	return res
}

func prune(t *testing.T, s *Store, r Retention) PruneResult {
	t.Helper()
	res, err := s.Prune(t.Context(), r)
	must(t, err)
	return res
}

func exists(t *testing.T, s *Store, id int64) bool {
	_, err := s.DeliveryByID(t.Context(), id)
	return err == nil
}

func TestRetentionDedupKeyCoversRetries(t *testing.T) {
	s := mustOpen(t)
	advance := clockAt(s, 1_000*day)
	first := saveKeyed(t, s, "m:1", "")
	advance(7 * day) // Meta retries for up to 7 days
	prune(t, s, keep)
	if res := saveKeyed(t, s, "m:1", ""); res.Outcome != OutcomeDuplicate {
		t.Fatalf("retry inside the window: %s, want duplicate", res.Outcome)
	}
	advance(8 * day) // 15 days after the first: the key is past 14 days
	if res := prune(t, s, keep); res.Keys != 1 {
		t.Fatalf("pruned %d keys, want 1 (the first delivery's)", res.Keys)
	}
	if !exists(t, s, first.ID) {
		t.Fatal("the delivery went with its key; it is kept 30 days")
	}
	if res := saveKeyed(t, s, "m:1", ""); res.Outcome != OutcomeApplied {
		t.Fatalf("after the window the key is unknown again: %s (the change's own apply must be idempotent, see ingest)", res.Outcome)
	}
}

func TestRetentionAppliedAndFailedDeliveries(t *testing.T) {
	s := mustOpen(t)
	advance := clockAt(s, 1_000*day)
	applied := saveKeyed(t, s, "a", "")
	dup := saveKeyed(t, s, "a", "")
	failed := saveKeyed(t, s, "f", "fail")
	if failed.Outcome != OutcomeFailed {
		t.Fatalf("failed delivery is %s", failed.Outcome)
	}
	advance(29 * day)
	prune(t, s, keep)
	if !exists(t, s, applied.ID) || !exists(t, s, dup.ID) {
		t.Fatal("an applied delivery went before 30 days")
	}
	advance(2 * day)
	res := prune(t, s, keep)
	if exists(t, s, applied.ID) || exists(t, s, dup.ID) || res.Applied != 2 {
		t.Fatalf("applied and duplicate deliveries kept after 30 days (%+v)", res)
	}
	if !exists(t, s, failed.ID) {
		t.Fatal("a failed delivery went before it was replayed or 90 days passed")
	}
	advance(60 * day)
	if res := prune(t, s, keep); res.Failed != 1 || exists(t, s, failed.ID) {
		t.Fatalf("failed delivery kept after 90 days (%+v)", res)
	}
}

func TestRetentionReplayedFailedFollowsApplied(t *testing.T) {
	s := mustOpen(t)
	advance := clockAt(s, 1_000*day)
	failed := saveKeyed(t, s, "f", "fail")
	_, err := s.ReplayDelivery(t.Context(), failed.ID, func(tx *Tx, _ []byte) error { _, err := tx.Seen("f"); return err })
	must(t, err)
	advance(31 * day)
	prune(t, s, keep)
	if exists(t, s, failed.ID) {
		t.Fatal("a replayed (now applied) delivery is kept like a failed one")
	}
}

func TestRetentionWaitingChangeExpires(t *testing.T) {
	s := mustOpen(t)
	advance := clockAt(s, 1_000*day)
	w := saveKeyed(t, s, "g:1", "wait")
	if w.Outcome != OutcomeDeferred {
		t.Fatalf("outcome %s, want deferred", w.Outcome)
	}
	advance(13 * day)
	if res := prune(t, s, keep); res.Expired != 0 {
		t.Fatal("a waiting change expired before 14 days")
	}
	advance(2 * day)
	if res := prune(t, s, keep); res.Expired != 1 {
		t.Fatalf("expired %d, want 1", res.Expired)
	}
	d, err := s.DeliveryByID(t.Context(), w.ID)
	must(t, err)
	if d.Outcome != OutcomeFailed || !strings.HasPrefix(d.Error, NeverAppeared) || !strings.Contains(d.Error, "group:NEVER") {
		t.Fatalf("expired delivery is %s %q; want failed, %q", d.Outcome, d.Error, NeverAppeared)
	}
	ds, _, err := s.Deliveries(t.Context(), DeliveryFilter{Outcome: OutcomeFailed})
	must(t, err)
	if len(ds) != 1 || ds[0].ID != w.ID {
		t.Fatalf("the event log's failed list does not show it: %+v", ds)
	}
	withTx(t, s, func(tx *Tx) error {
		evs, err := tx.TakeDeferred("group:NEVER")
		if len(evs) != 0 {
			t.Errorf("still waiting: %+v", evs)
		}
		return err
	})
}

func TestRetentionSmallBatchesAndSpaceBack(t *testing.T) {
	s := mustOpen(t)
	advance := clockAt(s, 1_000*day)
	pad := strings.Repeat("x", 4000)
	for i := 0; i < 1200; i++ {
		_, err := s.SaveDelivery(t.Context(), []byte(`{"pad":"`+pad+`"}`), "test", func(tx *Tx) error {
			_, err := tx.Seen("k" + pad[:1] + string(rune('a'+i%26)) + strings.Repeat("y", i%7) + itoaTest(i))
			return err
		})
		must(t, err)
	}
	size := func() (pages, free int64) {
		must(t, s.r.QueryRowContext(t.Context(), `SELECT (SELECT page_count FROM pragma_page_count), (SELECT freelist_count FROM pragma_freelist_count)`).Scan(&pages, &free))
		return
	}
	before, _ := size()
	advance(31 * day)
	r := keep
	r.Batch = 500
	r.Budget = time.Minute // rows, not time, bound the batches here
	res := prune(t, s, r)
	if res.Applied != 1200 || res.Keys != 1200 {
		t.Fatalf("pruned %+v, want 1200 deliveries and keys", res)
	}
	// 1200 keys and 1200 deliveries at 500 a transaction: 3 + 3 batches
	// that delete, plus one empty probe per other rule at most.
	if res.Batches < 6 || res.Batches > 10 {
		t.Errorf("%d batches for 2400 rows at 500 a batch", res.Batches)
	}
	if res.LongestHold <= 0 {
		t.Error("longest writer hold not measured")
	}
	after, free := size()
	// Up to vacuumReserve per cent of the file stays free for reuse.
	if res.FreedPages == 0 || after >= before/2 || free > after*vacuumReserve/100+1 {
		t.Errorf("space not returned: %d pages before, %d after (%d free, %d freed)", before, after, free, res.FreedPages)
	}
}

func itoaTest(i int) string { return strconv.Itoa(i) }

func TestRetentionZeroKeepsForever(t *testing.T) {
	s := mustOpen(t)
	advance := clockAt(s, 1_000*day)
	a := saveKeyed(t, s, "a", "")
	advance(1000 * day)
	if res := prune(t, s, Retention{}); res.Applied+res.Keys+res.Failed+res.Expired != 0 || !exists(t, s, a.ID) {
		t.Fatalf("retention 0 deleted rows: %+v", res)
	}
}

func TestStorageShowsSizesAndOldestRows(t *testing.T) {
	s := mustOpen(t)
	advance := clockAt(s, 1_000*day)
	saveKeyed(t, s, "a", "")
	advance(day)
	saveKeyed(t, s, "w", "wait")
	if _, err := s.MeasureTables(t.Context()); err != nil {
		t.Fatal(err)
	}
	st, err := s.Storage(t.Context())
	must(t, err)
	if st.FileBytes <= 0 || st.OldestDelivery != 1_000*day || st.OldestDedupKey != 1_000*day || st.OldestWaiting != 1_001*day || st.Waiting != 1 {
		t.Fatalf("storage %+v", st)
	}
	found := false
	for _, tb := range st.Tables {
		if tb.Name == "webhook_deliveries" && tb.Bytes > 0 {
			found = true
		}
		if strings.HasPrefix(tb.Name, "webhook_deliveries_") {
			t.Errorf("index %s listed apart from its table", tb.Name)
		}
	}
	if !found {
		t.Errorf("no size for webhook_deliveries: %+v", st.Tables)
	}
}

// A batch stops at its time budget, not only at its row count, and the
// writer is back at synchronous=FULL and its checkpoint bound after
// pruning committed without either: webhook acknowledgements keep their
// durability.
func TestRetentionTimeBudgetAndDurableWriter(t *testing.T) {
	s := mustOpen(t)
	advance := clockAt(s, 1_000*day)
	for i := 0; i < 300; i++ {
		saveKeyed(t, s, "k"+itoaTest(i), "")
	}
	advance(15 * day) // keys due, deliveries (30 days) not yet
	r := keep
	r.Budget = time.Nanosecond // spent after the first statement of each batch
	res := prune(t, s, r)
	if res.Keys != 300 || res.Applied != 0 {
		t.Fatalf("pruned %+v, want the 300 keys only", res)
	}
	// One statement (pruneChunk rows) per transaction: 300/50 batches that
	// delete, and one that finds nothing left.
	if want := 300/pruneChunk + 1; res.Batches < want {
		t.Errorf("%d batches, want at least %d: the time budget did not end them", res.Batches, want)
	}
	var sync int
	must(t, s.w.QueryRowContext(t.Context(), `PRAGMA synchronous`).Scan(&sync))
	if sync != 2 {
		t.Fatalf("writer left at synchronous=%d after pruning, want 2 (FULL)", sync)
	}
	var bound int
	must(t, s.w.QueryRowContext(t.Context(), `PRAGMA wal_autocheckpoint`).Scan(&bound))
	if bound != writerAutoCheckpoint {
		t.Fatalf("writer left at wal_autocheckpoint=%d after pruning, want %d", bound, writerAutoCheckpoint)
	}
}
