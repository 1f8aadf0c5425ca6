package wasim

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestVerifyWebhook(t *testing.T) {
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("hub.mode") != "subscribe" || q.Get("hub.verify_token") != "right" {
			w.WriteHeader(http.StatusForbidden)
			return
		}
		_, _ = w.Write([]byte(q.Get("hub.challenge")))
	})
	srv := httptest.NewServer(app)
	defer srv.Close()
	sim := New(Config{WebhookURL: srv.URL + "/webhook?x=1"})
	if err := sim.VerifyWebhook(context.Background(), "right"); err != nil {
		t.Fatalf("good token: %v", err)
	}
	if err := sim.VerifyWebhook(context.Background(), "wrong"); err == nil {
		t.Fatal("bad token verified")
	}
	sim.SetWebhookURL("")
	if err := sim.VerifyWebhook(context.Background(), "right"); err == nil {
		t.Fatal("verified without URL")
	}
}
