package whatsapp

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// FuzzWireDecoding holds ParseWebhook's one-pass decoding into the wire
// types to decoding into the public types, whose UnmarshalJSON methods
// define the accepted variants: on any body both accept or both refuse,
// and what they accept is the same payload.
func FuzzWireDecoding(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"object":"whatsapp_business_account","entry":[{"id":12,"changes":[{"value":{"statuses":[{"participant_recipient_id":"1","pricing":{"billable":"true"}}]}}]}]}`))
	f.Add([]byte(`{"object":"whatsapp_business_account","entry":[{"changes":[{"value":{"groups":[{"request_id":1.5,"group_subject":{"update_successful":"0"}}]}}]}]}`))
	f.Add([]byte(`{"object":"whatsapp_business_account","entry":[{"changes":[{"value":{"statuses":[{"conversation":{"pricing":{"billable":"1"}}}],"metadata":{"phone_number_id":"\u0031\n"}}}]}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var w wirePayload
		var want Payload
		errWire, errWant := json.Unmarshal(body, &w), json.Unmarshal(body, &want)
		if (errWire == nil) != (errWant == nil) {
			t.Fatalf("wire types: %v; public types: %v", errWire, errWant)
		}
		if errWire == nil && !reflect.DeepEqual(w.payload(), &want) {
			t.Fatalf("decoded differently:\n%+v\n%+v", w.payload(), &want)
		}
	})
}
