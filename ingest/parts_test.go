package ingest

import (
	"context"
	"fmt"
	"testing"

	"groupdeck/store"
)

func failedStatus(wamid, participant string, ts int) []byte {
	return envelope("messages", fmt.Sprintf(`"statuses":[{"id":%q,"status":"failed","timestamp":"%d","recipient_id":"G1",
		"recipient_type":"group","recipient_participant_id":%q,"errors":[{"code":131026,"title":"Message undeliverable"}]}]`, wamid, ts, participant))
}

// A delivery says which parts of its group it changed, so open pages
// re-fetch only the fragments showing them (notify.EventNames).
func TestDeliveryNamesThePartsItChanged(t *testing.T) {
	f := newFixture(t)
	f.requested("r1")
	ctx := context.Background()
	parts := func(what string, body []byte) store.Part {
		t.Helper()
		res := f.apply(body)
		if res.Outcome != store.OutcomeApplied {
			t.Fatalf("%s: %+v", what, res)
		}
		var p store.Part
		for _, g := range res.Parts {
			if g.Group != f.g.ID {
				t.Errorf("%s: changed group %d too", what, g.Group)
			}
			p |= g.Parts
		}
		return p
	}
	if p := parts("create", created("r1", "G1")); p != store.AllParts {
		t.Errorf("a group's creation changed %b, want every part (its status)", p)
	}
	if p := parts("join", joined("G1", "111", 150)); p != store.PartParticipants|store.PartActivity {
		t.Errorf("a join changed %b, want participants and activity", p)
	}
	// The first message with a profile name names the participant in the
	// list; the next one changes only the timeline and the history.
	if p := parts("first message", inbound("G1", "wamid.IN1", "111", "Tiago", "hello")); p != store.PartMessages|store.PartActivity|store.PartParticipants {
		t.Errorf("a message revealing a name changed %b, want messages, activity and participants", p)
	}
	if p := parts("second message", inbound("G1", "wamid.IN2", "111", "Tiago", "again")); p != store.PartMessages|store.PartActivity {
		t.Errorf("a message changed %b, want messages and activity", p)
	}
	m := &store.Message{GroupID: f.g.ID, Kind: "text", Body: "hi"}
	if err := f.st.QueueMessage(ctx, m); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.MessageSent(ctx, m.ID, "wamid.X"); err != nil {
		t.Fatal(err)
	}
	// Statuses, the bulk of traffic: receipts only, not the participants
	// list nor the history.
	if p := parts("delivered", status("wamid.X", "delivered", "111", 500)); p != store.PartReceipts {
		t.Errorf("a delivered status changed %b, want receipts only", p)
	}
	if p := parts("read", status("wamid.X", "read", "111", 501)); p != store.PartReceipts {
		t.Errorf("a read status changed %b, want receipts only", p)
	}
	// A failure is also a history line.
	if p := parts("failed", failedStatus("wamid.X", "222", 502)); p != store.PartReceipts|store.PartActivity {
		t.Errorf("a failed status changed %b, want receipts and activity", p)
	}
	if p := parts("join request", joinRequest("G1", "group_join_request_created", "JR3", "333", 600)); p&^(store.PartRequests|store.PartActivity) != 0 || p&store.PartRequests == 0 {
		t.Errorf("a join request changed %b, want requests (and activity)", p)
	}
	if p := parts("leave", left("G1", "111", 700)); p != store.PartParticipants|store.PartActivity {
		t.Errorf("a leave changed %b, want participants and activity", p)
	}
	// A retried delivery changes nothing, so it re-fetches nothing.
	if res := f.apply(left("G1", "111", 700)); res.Outcome != store.OutcomeDuplicate || len(res.Parts) != 0 {
		t.Errorf("a duplicate: %+v", res)
	}
}
