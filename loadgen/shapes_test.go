package loadgen

import (
	"testing"

	"groupdeck/whatsapp"
)

// The bodies loadgen builds from docs/cloud-api.md are read by the app's
// parser as the shapes they claim to be: a drift on either side shows
// here, not as a bench that measures refusals.
func TestShapesParseAsDocumented(t *testing.T) {
	w := World{Groups: 20, Active: 3, Members: 2, Sent: 2}
	g := NewGen(w, "t")
	body := Delivery(g.Status(), g.Status(), g.Status(), g.Status(), g.Inbound(), g.People(), g.People(), g.JoinRequest(), g.Unknown())
	p, err := whatsapp.ParseWebhook(body)
	if err != nil {
		t.Fatal(err)
	}
	if p.Object != whatsapp.ObjectWABA || len(p.Entry) != 1 || len(p.Entry[0].Changes) != 9 {
		t.Fatalf("envelope: %+v", p)
	}
	chs := p.Entry[0].Changes
	for i, c := range chs {
		if c.Value.Metadata.PhoneNumberID != phoneNumberID {
			t.Errorf("change %d: phone number id %q", i, c.Value.Metadata.PhoneNumberID)
		}
	}
	// Statuses: group 2's first message, delivered to both members, then
	// group 3's; the fourth carries the contacts array.
	wantStatus := []struct{ id, st, to string }{
		{SentID(2, 0), "delivered", MemberWaID(2, 0)}, {SentID(2, 0), "delivered", MemberWaID(2, 1)},
		{SentID(2, 0), "read", MemberWaID(2, 0)}, {SentID(2, 0), "read", MemberWaID(2, 1)},
	}
	for i, want := range wantStatus {
		c := chs[i]
		if c.Field != whatsapp.FieldMessages || len(c.Value.Statuses) != 1 {
			t.Fatalf("status %d: %+v", i, c)
		}
		s := c.Value.Statuses[0]
		if s.ID != want.id || s.Status != want.st || s.RecipientParticipantID != want.to || s.RecipientID != WAGroupID(2) || s.RecipientType != "group" {
			t.Errorf("status %d: %+v, want %+v", i, s, want)
		}
	}
	if len(chs[3].Value.Contacts) != 1 || chs[3].Value.Contacts[0].WaID != MemberWaID(2, 1) || len(chs[0].Value.Contacts) != 0 {
		t.Errorf("contacts: %+v / %+v", chs[3].Value.Contacts, chs[0].Value.Contacts)
	}
	if m := chs[4].Value.Messages; len(m) != 1 || m[0].GroupID == "" || m[0].Text == nil || m[0].From != chs[4].Value.Contacts[0].WaID {
		t.Errorf("inbound: %+v", chs[4].Value)
	}
	add, leave := chs[5].Value.Groups, chs[6].Value.Groups
	if chs[5].Field != whatsapp.FieldParticipants || len(add) != 1 || add[0].Type != whatsapp.EventParticipantsAdd || len(add[0].AddedParticipants) != 1 ||
		len(leave) != 1 || leave[0].Type != whatsapp.EventParticipantsRemove || leave[0].InitiatedBy != "participant" ||
		leave[0].RemovedParticipants[0].WaID != add[0].AddedParticipants[0].WaID {
		t.Errorf("join then leave: %+v / %+v", add, leave)
	}
	if jr := chs[7].Value.Groups; len(jr) != 1 || jr[0].Type != whatsapp.EventJoinRequestCreated || jr[0].JoinRequestID == "" || jr[0].WaID == "" {
		t.Errorf("join request: %+v", jr)
	}
	if m := chs[8].Value.Messages; len(m) != 1 || m[0].GroupID == WAGroupID(1) || m[0].GroupID[:len("lg-unknown-")] != "lg-unknown-" {
		t.Errorf("unknown group: %+v", m)
	}
}

// The mix has the documented proportions, and no status repeats before
// the world runs out of them.
func TestMixProportionsAndUniqueStatuses(t *testing.T) {
	w := World{Groups: 50, Active: 10, Members: 4, Sent: 5}
	g := NewGen(w, "t")
	kinds := map[string]int{}
	seen := map[string]bool{}
	for i := 0; i < 100; i++ {
		c := g.Mix()
		v := c.Value
		switch {
		case len(v.Statuses) == 1:
			s := v.Statuses[0]
			key := s.ID + s.Status + s.Participant
			if seen[key] {
				t.Fatalf("status %s repeated after %d changes", key, i)
			}
			seen[key] = true
			kinds["delivered and read statuses"]++
		case len(v.Messages) == 1 && v.Messages[0].GroupID[:3] == "lg-" && v.Messages[0].GroupID[3] == 'u':
			kinds["messages for groups not yet known"]++
		case len(v.Messages) == 1:
			kinds["inbound messages"]++
		case len(v.Groups) == 1 && v.Groups[0].Type == whatsapp.EventJoinRequestCreated:
			kinds["join requests"]++
		case len(v.Groups) == 1:
			kinds["participant joins and leaves"]++
		}
	}
	for _, m := range MixShare {
		if kinds[m.What] != 2*m.Of50 {
			t.Errorf("%s: %d in 100 changes, want %d", m.What, kinds[m.What], 2*m.Of50)
		}
	}
	if int64(len(seen)) > w.Statuses() {
		t.Errorf("%d distinct statuses, the world has room for %d", len(seen), w.Statuses())
	}
}
