package whatsapp

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// Fixtures double as the simulator's contract, so each must survive a
// marshal/parse round trip without losing fields we model.
func TestWebhookRoundTrip(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			p := mustParseFixture(t, filepath.Base(f))
			b, err := json.Marshal(p)
			if err != nil {
				t.Fatal(err)
			}
			again, err := ParseWebhook(b)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(p, again) {
				t.Fatalf("round trip changed payload:\n%+v\n%+v", p, again)
			}
		})
	}
}

func TestParseWebhookTolerance(t *testing.T) {
	tests := []struct {
		name string
		body string
		want func(*Payload) bool
	}{
		{"empty and null timestamps",
			`{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"group_status_update","value":{"groups":[{"timestamp":"","type":"group_suspend"},{"timestamp":null,"type":"group_suspend"}]}}]}]}`,
			func(p *Payload) bool {
				g := p.Entry[0].Changes[0].Value.Groups
				return len(g) == 2 && g[0].Timestamp == 0 && g[1].Timestamp == 0
			}},
		{"numeric request id and quoted flags",
			`{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"group_settings_update","value":{"groups":[{"request_id":106540352242922,"type":"group_settings_update","group_subject":{"text":"x","update_successful":"true"}}]}}]}]}`,
			func(p *Payload) bool {
				g := p.Entry[0].Changes[0].Value.Groups[0]
				return g.RequestID == "106540352242922" && g.GroupSubject.UpdateSuccessful
			}},
		{"quoted error code and string error_data",
			`{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"errors":[{"code":"131000","error_data":"{\"details\":\"d\"}"}]}}]}]}`,
			func(p *Payload) bool {
				e := p.Entry[0].Changes[0].Value.Errors[0]
				return e.Code == 131000 && e.Details == "d"
			}},
		{"numeric account and phone IDs",
			`{"object":"whatsapp_business_account","entry":[{"id":102290129340398,"changes":[{"field":"messages","value":{"metadata":{"display_phone_number":15550783881,"phone_number_id":106540352242922}}}]}]}`,
			func(p *Payload) bool {
				e := p.Entry[0]
				return e.ID == "102290129340398" && e.Changes[0].Value.Metadata.PhoneNumberID == "106540352242922" &&
					e.Changes[0].Value.Metadata.DisplayPhoneNumber == "15550783881"
			}},
		{"no entries", `{"object":"whatsapp_business_account"}`, func(p *Payload) bool { return len(p.Entry) == 0 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParseWebhook([]byte(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if !tt.want(p) {
				t.Fatalf("unexpected payload %+v", p)
			}
		})
	}
}

func TestParseWebhookRejects(t *testing.T) {
	for name, body := range map[string]string{
		"empty":        ``,
		"not json":     `hello`,
		"truncated":    `{"object":"whatsapp_business_account","entry":[`,
		"wrong object": `{"object":"page","entry":[]}`,
		"null":         `null`,
		"array":        `[]`,
		"bad stamp":    `{"object":"whatsapp_business_account","entry":[{"changes":[{"value":{"groups":[{"timestamp":"soon"}]}}]}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			p, err := ParseWebhook([]byte(body))
			if err == nil {
				t.Fatalf("want error, got %+v", p)
			}
			if !strings.HasPrefix(err.Error(), "whatsapp: ") {
				t.Fatalf("error %q lacks prefix", err)
			}
		})
	}
	_, err := ParseWebhook([]byte(`{"object":"instagram"}`))
	if !errors.Is(err, ErrNotWhatsApp) {
		t.Fatalf("want ErrNotWhatsApp, got %v", err)
	}
}

func TestTimestamp(t *testing.T) {
	for in, want := range map[string]Timestamp{`"1755548877"`: 1755548877, `1755548877`: 1755548877, `""`: 0, `null`: 0, `" 42 "`: 42, `1.7e9`: 1700000000} {
		var ts Timestamp
		if err := json.Unmarshal([]byte(in), &ts); err != nil || ts != want {
			t.Errorf("Unmarshal(%s) = %d, %v", in, ts, err)
		}
	}
	for _, bad := range []string{`"soon"`, `true`, `{}`, `1e40`} {
		var ts Timestamp
		if err := json.Unmarshal([]byte(bad), &ts); err == nil {
			t.Errorf("Unmarshal(%s) accepted", bad)
		}
	}
	b, _ := json.Marshal(Timestamp(1755548877))
	if string(b) != `"1755548877"` {
		t.Fatalf("Marshal = %s", b)
	}
	if !Timestamp(0).Time().IsZero() || Timestamp(1755548877).Time().Year() != 2025 {
		t.Fatal("Time conversion")
	}
}
