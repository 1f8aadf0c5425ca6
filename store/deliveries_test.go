package store

import (
	"context"
	"errors"
	"slices"
	"testing"
)

func TestDeliveriesFilterAndPages(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	fail := errors.New("boom")
	for i := 0; i < 120; i++ {
		fields := "messages"
		if i%3 == 0 {
			fields = "group_participants_update,messages"
		}
		var apply func(*Tx) error
		if i%10 == 0 {
			apply = func(*Tx) error { return fail }
		} else {
			apply = func(t *Tx) error { _, err := t.Seen(fields + string(rune('a'+i%26)) + string(rune(i))); return err }
		}
		if _, err := s.SaveDelivery(ctx, []byte(`{}`), fields, apply); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name        string
		f           DeliveryFilter
		rows, total int
	}{
		{"first page", DeliveryFilter{Limit: 50}, 50, 120},
		{"last page", DeliveryFilter{Limit: 50, Offset: 100}, 20, 120},
		{"failed", DeliveryFilter{Outcome: OutcomeFailed}, 12, 12},
		{"field", DeliveryFilter{Field: "group_participants_update"}, 40, 40},
		{"field is a whole name", DeliveryFilter{Field: "participants"}, 0, 0},
		{"both", DeliveryFilter{Field: "messages", Outcome: OutcomeFailed, Limit: 5}, 5, 12},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds, total, err := s.Deliveries(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			if len(ds) != tt.rows || total != tt.total {
				t.Errorf("%d rows of %d, want %d of %d", len(ds), total, tt.rows, tt.total)
			}
			for i := 1; i < len(ds); i++ {
				if ds[i].ID >= ds[i-1].ID {
					t.Fatal("not newest first")
				}
			}
		})
	}
	if _, err := s.DeliveryByID(ctx, 99999); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing delivery: %v", err)
	}
}

func TestDeliveryOutcomes(t *testing.T) {
	// Each delivery applies its changes by de-duplication key; the
	// outcome says whether anything was new.
	type change struct {
		key  string
		wait bool // not applicable yet: forgotten and kept waiting
		fail bool
	}
	steps := []struct {
		name    string
		changes []change
		want    string
	}{
		{"new key applies", []change{{key: "a"}}, OutcomeApplied},
		{"same key again is a duplicate", []change{{key: "a"}}, OutcomeDuplicate},
		{"one new key among old ones applies", []change{{key: "a"}, {key: "b"}}, OutcomeApplied},
		{"a change kept waiting defers", []change{{key: "c", wait: true}}, OutcomeDeferred},
		{"a deferred key was forgotten, so it applies later", []change{{key: "c"}}, OutcomeApplied},
		{"a failing change fails the delivery but not the others", []change{{key: "d"}, {key: "e", fail: true}}, OutcomeFailed},
		{"the failed key was rolled back, the other kept", []change{{key: "d"}, {key: "e"}}, OutcomeApplied},
		{"both now known", []change{{key: "d"}, {key: "e"}}, OutcomeDuplicate},
	}
	s := mustOpen(t)
	for _, st := range steps {
		res, err := s.SaveDelivery(t.Context(), []byte(`{}`), "test", func(tx *Tx) error {
			for _, c := range st.changes {
				if err := tx.Isolate(func() error {
					if dup, err := tx.Seen(c.key); err != nil || dup {
						return err
					}
					if c.fail {
						return errors.New("cannot apply " + c.key)
					}
					if c.wait {
						if err := tx.Forget(c.key); err != nil {
							return err
						}
						return tx.Defer("group:W9", "test", c.key, 0)
					}
					return nil
				}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if res.Outcome != st.want {
			t.Errorf("%s: outcome %s (%s), want %s", st.name, res.Outcome, res.Error, st.want)
		}
	}
}

func TestDeferredEvents(t *testing.T) {
	s := mustOpen(t)
	deferAll := func(keys []string, payloads ...string) DeliveryResult {
		res, err := s.SaveDelivery(t.Context(), []byte(`{}`), "test", func(tx *Tx) error {
			for i, p := range payloads {
				if err := tx.Defer(keys[i], "test", p, i); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	d1 := deferAll([]string{"group:W1", "request:R1"}, "join", "created")
	d2 := deferAll([]string{"group:W1", "group:W2"}, "join", "leave") // "join" for W1 repeats d1's
	if d1.Outcome != OutcomeDeferred || d2.Outcome != OutcomeDeferred {
		t.Fatalf("outcomes %s, %s; want deferred", d1.Outcome, d2.Outcome)
	}
	tests := []struct {
		keys      []string
		want      []string // keys taken, in order
		resolved  []int64  // deliveries that are applied afterwards
		stillWait []int64
	}{
		{[]string{"group:W1"}, []string{"join"}, []int64{}, []int64{d1.ID, d2.ID}},
		{[]string{"group:W1", "", "request:R1"}, []string{"created"}, []int64{d1.ID}, []int64{d2.ID}},
		{[]string{"group:W2"}, []string{"leave"}, []int64{d1.ID, d2.ID}, nil},
		{[]string{"group:W2"}, nil, []int64{d1.ID, d2.ID}, nil},
	}
	for _, tt := range tests {
		var got []string
		withTx(t, s, func(tx *Tx) error {
			evs, err := tx.TakeDeferred(tt.keys...)
			if err != nil {
				return err
			}
			for _, e := range evs {
				got = append(got, e.DedupKey)
				if err := tx.ResolveDeferredDelivery(e.DeliveryID); err != nil {
					return err
				}
			}
			return nil
		})
		if !slices.Equal(got, tt.want) {
			t.Errorf("take %v: got %v, want %v", tt.keys, got, tt.want)
		}
		for _, id := range tt.resolved {
			if d, _ := s.DeliveryByID(t.Context(), id); d.Outcome != OutcomeApplied {
				t.Errorf("after %v: delivery %d is %s, want applied", tt.keys, id, d.Outcome)
			}
		}
		for _, id := range tt.stillWait {
			if d, _ := s.DeliveryByID(t.Context(), id); d.Outcome != OutcomeDeferred {
				t.Errorf("after %v: delivery %d is %s, want deferred", tt.keys, id, d.Outcome)
			}
		}
	}
}

func TestResumedChangeCountsForItsDelivery(t *testing.T) {
	// A change that waited is recorded under the delivery that brought it,
	// not the one that let it apply.
	s := mustOpen(t)
	first, err := s.SaveDelivery(t.Context(), []byte(`{}`), "test", func(tx *Tx) error { return tx.Defer("group:W1", "test", "x", 0) })
	must(t, err)
	_, err = s.SaveDelivery(t.Context(), []byte(`{}`), "test", func(tx *Tx) error {
		evs, err := tx.TakeDeferred("group:W1")
		if err != nil || len(evs) != 1 {
			t.Fatalf("took %v, %v", evs, err)
		}
		return tx.WithDelivery(evs[0].DeliveryID, func() error { _, err := tx.Seen("k:x"); return err })
	})
	must(t, err)
	var owner int64
	must(t, s.r.QueryRowContext(t.Context(), `SELECT delivery_id FROM webhook_events WHERE dedup_key = 'k:x'`).Scan(&owner))
	if owner != first.ID {
		t.Errorf("change recorded under delivery %d, want %d", owner, first.ID)
	}
}
