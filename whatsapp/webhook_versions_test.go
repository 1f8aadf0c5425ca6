package whatsapp

import "testing"

// Graph v23.0 statuses carry a conversation object, v24.0 and later omit
// it (docs/cloud-api.md#versions): both parse to the same status, and the
// category comes from pricing or, failing that, the conversation origin.
func checkV23Statuses(t *testing.T, p *Payload) {
	v23 := only(t, p, FieldMessages).Statuses
	if len(v23) != 2 {
		t.Fatalf("v23 statuses = %d", len(v23))
	}
	d, r := v23[0], v23[1]
	eq(t, "v23 delivered participant", d.Participant(), "16505551234")
	eq(t, "v23 read participant", r.Participant(), "16505559876")
	if d.Conversation == nil || d.Conversation.ID == "" || d.Conversation.ExpirationTimestamp != 1750350173 {
		t.Fatalf("v23 conversation = %+v", d.Conversation)
	}
	eq(t, "v23 category from pricing", d.Category(), "group_utility")
	eq(t, "v23 category from the conversation origin", r.Category(), "group_utility")
	if r.Pricing != nil {
		t.Errorf("read without pricing got %+v", r.Pricing)
	}
}

func TestStatusShapesAcrossVersions(t *testing.T) {
	checkV23Statuses(t, mustParseFixture(t, "statuses_v23_conversation.json"))

	v24 := only(t, mustParseFixture(t, "statuses_delivered.json"), FieldMessages).Statuses[0]
	if v24.Conversation != nil {
		t.Errorf("v24 status has a conversation: %+v", v24.Conversation)
	}
	eq(t, "v24 category", v24.Category(), "group_service")
	eq(t, "sent has no category", only(t, mustParseFixture(t, "statuses_sent.json"), FieldMessages).Statuses[0].Category(), "")
}
