package whatsapp

import (
	"context"
	"net/http"
	"testing"
)

func TestGraphVersion(t *testing.T) {
	for base, want := range map[string]string{
		"https://graph.facebook.com/v26.0":  "v26.0",
		"https://graph.facebook.com/v23.0/": "v23.0",
		"http://127.0.0.1:9/proxy":          "",
		"http://127.0.0.1:9":                "",
	} {
		if got := New(base, "1", "t").GraphVersion(); got != want {
			t.Errorf("GraphVersion(%q) = %q, want %q", base, got, want)
		}
	}
}

func TestPhoneNumberInfo(t *testing.T) {
	// Response shape from Meta's phone number reference.
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		expect(t, r, "GET", "/v23.0/"+testPhone)
		if f := r.URL.Query().Get("fields"); f == "" {
			t.Error("no fields asked for")
		}
		reply(w, 200, `{"verified_name":"Jasper's Market","code_verification_status":"VERIFIED",
			"display_phone_number":"+1 631-555-5555","quality_rating":"GREEN","platform_type":"CLOUD_API",
			"throughput":{"level":"STANDARD"},"id":"`+testPhone+`"}`)
	})
	p, err := c.PhoneNumberInfo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if p.ID != testPhone || p.DisplayPhoneNumber != "+1 631-555-5555" || p.VerifiedName != "Jasper's Market" ||
		p.QualityRating != "GREEN" || p.Throughput.Level != "STANDARD" {
		t.Fatalf("phone number = %+v", p)
	}
}

func TestSubscribedApps(t *testing.T) {
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case "GET":
			expect(t, r, "GET", "/v23.0/WABA1/subscribed_apps")
			reply(w, 200, `{"data":[{"whatsapp_business_api_data":{"link":"https://www.facebook.com/games/?app_id=67","name":"Jaspers Market","id":"67"}}]}`)
		case "POST":
			expect(t, r, "POST", "/v23.0/WABA1/subscribed_apps")
			reply(w, 200, `{"success":true}`)
		}
	})
	apps, err := c.SubscribedApps(context.Background(), "WABA1")
	if err != nil || len(apps) != 1 || apps[0].ID != "67" || apps[0].Name != "Jaspers Market" {
		t.Fatalf("SubscribedApps = %+v, %v", apps, err)
	}
	if err := c.SubscribeApp(context.Background(), "WABA1"); err != nil {
		t.Fatal(err)
	}
	if err := c.SubscribeApp(context.Background(), " "); err == nil {
		t.Fatal("empty WABA ID accepted")
	}
}

func TestSubscribeAppRefused(t *testing.T) {
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		reply(w, 403, graphError(200, "(#200) Permissions error", "The app lacks whatsapp_business_management."))
	})
	err := c.SubscribeApp(context.Background(), "WABA1")
	mustAPIError(t, err, 200, 403)
}
