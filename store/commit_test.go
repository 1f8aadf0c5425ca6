package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
)

// Deliveries saved at the same time share commits, but each keeps its
// own outcome: a failing or panicking one is stored as failed without
// undoing the others, and every caller is answered.
func TestGroupCommitIsolatesDeliveries(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	const n = 200
	results := make([]DeliveryResult, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := []byte(fmt.Sprintf(`{"n":%d}`, i))
			results[i], errs[i] = s.SaveDelivery(ctx, body, "messages", func(t *Tx) error {
				if _, err := t.Seen(fmt.Sprintf("k:%d", i)); err != nil {
					return err
				}
				switch i % 10 {
				case 3:
					return errors.New("cannot apply")
				case 7:
					panic("bug")
				}
				return nil
			})
		}()
	}
	wg.Wait()
	for i := 0; i < n; i++ {
		want := OutcomeApplied
		if i%10 == 3 || i%10 == 7 {
			want = OutcomeFailed
		}
		if errs[i] != nil || results[i].Outcome != want || results[i].ID == 0 {
			t.Errorf("delivery %d: %+v %v, want %s", i, results[i], errs[i], want)
		}
	}
	var stored, keys int
	s.r.QueryRow(`SELECT count(*) FROM webhook_deliveries`).Scan(&stored)
	s.r.QueryRow(`SELECT count(*) FROM webhook_events`).Scan(&keys)
	if stored != n || keys != n-n/5 {
		t.Errorf("%d deliveries stored (want %d), %d changes applied (want %d)", stored, n, keys, n-n/5)
	}
}

// A caller that gives up before its delivery is taken gets an error and
// stores nothing; a closed store refuses.
func TestSaveDeliveryCancelledAndClosed(t *testing.T) {
	s := mustOpen(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	noop := func(*Tx) error { return nil }
	// The loop may or may not take a cancelled request; either answer is
	// consistent: stored with an id, or refused with the context's error.
	res, err := s.SaveDelivery(ctx, []byte(`{}`), "", noop)
	if (err == nil) == (res.ID == 0) {
		t.Fatalf("cancelled: %+v %v", res, err)
	}
	s.Close()
	if _, err := s.SaveDelivery(context.Background(), []byte(`{}`), "", noop); !errors.Is(err, ErrClosed) {
		t.Fatalf("closed store: %v", err)
	}
}
