package handlers

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"groupdeck/store"
	"groupdeck/whatsapp"
)

// TestWebhookDeliveriesOverHTTP posts deliveries as Meta would and checks
// the answer and what was stored for each.
func TestWebhookDeliveriesOverHTTP(t *testing.T) {
	var items []string
	for i := 0; i < 1000; i++ {
		items = append(items, fmt.Sprintf(`{"timestamp":"1","group_id":"G%d","type":"group_suspend"}`, i))
	}
	batch := `{"object":"whatsapp_business_account","entry":[{"id":"W","changes":[{"field":"group_status_update","value":{"groups":[` +
		strings.Join(items, ",") + `]}}]}]}`
	tests := []struct {
		name    string
		body    []byte
		sign    bool
		status  int
		outcome string // of the stored delivery; "" = nothing stored
	}{
		{"signed create", []byte(createdJSON), true, 200, "deferred"},
		{"retried create", []byte(createdJSON), true, 200, "duplicate"},
		{"unsigned", []byte(createdJSON), false, 401, ""},
		{"malformed JSON", []byte(`{"object":`), true, 200, "failed"},
		{"1,000-change batch for unknown groups", []byte(batch), true, 200, "deferred"},
		{"oversized", bytes.Repeat([]byte(" "), 9<<20), true, 413, ""},
	}
	ts := newTestServer(t)
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, _, _ := ts.store.Deliveries(ctx, ts.deliveryFilter())
			sig := ""
			if tt.sign {
				sig = whatsapp.Sign(testSecret, tt.body)
			}
			if st := postWebhook(t, ts, tt.body, sig); st != tt.status {
				t.Fatalf("status %d, want %d", st, tt.status)
			}
			after, _, _ := ts.store.Deliveries(ctx, ts.deliveryFilter())
			switch {
			case tt.outcome == "" && len(after) != len(before):
				t.Error("a refused delivery was stored")
			case tt.outcome != "" && (len(after) != len(before)+1 || after[0].Outcome != tt.outcome):
				t.Errorf("stored %+v, want outcome %s", after[0], tt.outcome)
			}
		})
	}
}

func (ts *testServer) deliveryFilter() store.DeliveryFilter {
	return store.DeliveryFilter{Limit: 10000}
}
