package whatsapp_test

import (
	"context"
	"fmt"
	"io"
	"net/http"

	"groupdeck/whatsapp"
)

// A webhook receiver verifies the raw body before parsing and then walks
// every entry, change and event, because Meta batches deliveries.
func Example_webhookReceiver() {
	const appSecret = "app-secret"
	handler := func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 10<<20))
		if err != nil {
			http.Error(w, "read", http.StatusBadRequest)
			return
		}
		if err := whatsapp.VerifySignature(appSecret, body, r.Header.Get(whatsapp.SignatureHeader)); err != nil {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		p, err := whatsapp.ParseWebhook(body)
		if err != nil {
			http.Error(w, "bad payload", http.StatusBadRequest)
			return
		}
		for _, e := range p.Entry {
			for _, ch := range e.Changes {
				for _, g := range ch.Value.Groups {
					fmt.Println(ch.Field, g.Type, g.GroupID, g.RequestID)
				}
				for _, s := range ch.Value.Statuses {
					fmt.Println(s.ID, s.Status, s.Participant())
				}
			}
		}
		w.WriteHeader(http.StatusOK)
	}
	_ = handler
}

// Errors from the client carry the Graph code; Human gives the sentence to
// show in the dashboard.
func ExampleHuman() {
	err := &whatsapp.APIError{HTTPStatus: 429, Code: 131208}
	fmt.Println(whatsapp.Human(err))
	// Output: Too many group changes in a short time (131208)
}

func ExampleClient_SendText() {
	c := whatsapp.New("http://127.0.0.1:1/v23.0", "106540352242922", "token")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.SendText(ctx, "GROUP_ID", "", false); err != nil {
		fmt.Println(whatsapp.Human(err))
	}
	// Output: Text: must not be empty
}
