package ingest

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"groupdeck/store"
)

// FuzzApply feeds arbitrary delivery bodies to the ingester against a
// real store that knows one group. Whatever arrives is stored (Apply only
// fails when storing fails), the outcome is one of the known ones, and the
// same body a second time never applies anything again.
func FuzzApply(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("..", "whatsapp", "testdata", "*.json"))
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messages":[{"from":"1555","group_id":"fz-g","id":"wamid.f1","timestamp":"1744345400","type":"text","text":{"body":"hi"}}]}}]}]}`))
	f.Add([]byte(`{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"group_participants_update","value":{"groups":[{"timestamp":"1744345400","group_id":"fz-g","type":"group_participants_add","added_participants":[{"wa_id":"1555"}]}]}}]}]}`))
	f.Add([]byte(`{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"statuses":[{"id":"wamid.f1","status":"read","timestamp":"1744345400","recipient_participant_id":"1555"}]}}]}]}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`not json`))

	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(f.TempDir(), "fuzz.db"))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { st.Close() })
	in := &Ingester{Store: st}
	g := &store.Group{Subject: "Fuzz", JoinApprovalMode: "auto_approve"}
	if err := st.CreateGroup(ctx, g); err != nil {
		f.Fatal(err)
	}
	if _, err := in.GroupRequested(ctx, g.ID, "fz-req"); err != nil {
		f.Fatal(err)
	}
	created := []byte(`{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"group_lifecycle_update","value":{"groups":[{"timestamp":"1744345400","group_id":"fz-g","type":"group_create","request_id":"fz-req","subject":"Fuzz","invite_link":"https://chat.whatsapp.com/fz"}]}}]}]}`)
	if res, err := in.Apply(ctx, created); err != nil || res.Outcome != store.OutcomeApplied {
		f.Fatalf("group_create: %+v %v", res, err)
	}

	f.Fuzz(func(t *testing.T, body []byte) {
		res, err := in.Apply(ctx, body)
		if err != nil {
			t.Fatalf("not stored: %v", err)
		}
		switch res.Outcome {
		case store.OutcomeApplied, store.OutcomeDuplicate, store.OutcomeDeferred, store.OutcomeFailed:
		default:
			t.Fatalf("outcome %q", res.Outcome)
		}
		if res.ID == 0 {
			t.Fatal("no delivery id")
		}
		again, err := in.Apply(ctx, body)
		if err != nil {
			t.Fatalf("replay not stored: %v", err)
		}
		if again.Outcome == store.OutcomeApplied {
			t.Fatalf("replay applied again (first: %s)", res.Outcome)
		}
	})
}
