package store

import (
	"context"
	"errors"
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
