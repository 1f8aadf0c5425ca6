package wasim

import (
	"testing"
)

func TestPhoneNumberNode(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.DisplayPhoneNumber, c.VerifiedName = "15550001111", "Acme Support" })
	st, b := h.do("GET", phonePath, nil)
	if st != 200 || b["id"] != "100000000000001" || b["display_phone_number"] != "+1 555-000-1111" ||
		b["verified_name"] != "Acme Support" || b["quality_rating"] != "GREEN" || b["platform_type"] != "CLOUD_API" {
		t.Fatalf("phone number: %d %v", st, b)
	}
	st, b = h.do("GET", phonePath+"?fields=verified_name", nil)
	if st != 200 || len(b) != 2 || b["verified_name"] != "Acme Support" {
		t.Fatalf("fields=verified_name: %d %v", st, b)
	}
	if st, b := h.do("GET", phonePath+"?fields=bogus", nil); st != 400 || errCode(b) != 100 {
		t.Fatalf("unknown field: %d %v", st, b)
	}
	// Another number is not ours: it is not a group either.
	if st, b := h.do("GET", "/v26.0/100000000000009", nil); st != 400 || errCode(b) == 0 {
		t.Fatalf("foreign number: %d %v", st, b)
	}
}

func TestSubscribedApps(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Unsubscribed = true })
	const edge = "/v26.0/200000000000001/subscribed_apps"
	st, b := h.do("GET", edge, nil)
	if data, _ := b["data"].([]any); st != 200 || data == nil || len(data) != 0 {
		t.Fatalf("unsubscribed list: %d %v", st, b)
	}
	// While unsubscribed nothing is delivered, as with Meta.
	h.do("POST", phonePath+"/groups", map[string]any{"messaging_product": "whatsapp", "subject": "Quiet"})
	h.wait()
	if n := len(h.rc.changes()); n != 0 {
		t.Fatalf("%d webhooks delivered to an unsubscribed app", n)
	}
	if st, b := h.do("POST", edge, nil); st != 200 || b["success"] != true {
		t.Fatalf("subscribe: %d %v", st, b)
	}
	st, b = h.do("GET", edge, nil)
	data, _ := b["data"].([]any)
	if st != 200 || len(data) != 1 {
		t.Fatalf("subscribed list: %d %v", st, b)
	}
	app := data[0].(map[string]any)["whatsapp_business_api_data"].(map[string]any)
	if app["id"] != defaultAppID || app["name"] != defaultAppName {
		t.Fatalf("app: %v", app)
	}
	if st, b := h.do("GET", "/v26.0/app", nil); st != 200 || b["id"] != defaultAppID {
		t.Fatalf("token's app: %d %v", st, b)
	}
	h.do("POST", phonePath+"/groups", map[string]any{"messaging_product": "whatsapp", "subject": "Heard"})
	h.wait()
	if n := len(h.rc.changes()); n != 1 {
		t.Fatalf("%d webhooks after subscribing, want 1", n)
	}
}
