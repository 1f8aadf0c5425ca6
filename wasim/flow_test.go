package wasim

import "testing"

// TestCreateJoinTalkAndSend walks the step-1 flow the app depends on first.
func TestCreateJoinTalkAndSend(t *testing.T) {
	h := newHarness(t, nil)
	id, link := h.groupWithMembers("16505551234", "16505559876")
	if !contains(link, "https://chat.whatsapp.com/") {
		t.Fatalf("link %q", link)
	}
	st, info := h.do("GET", "/v23.0/"+id+"?fields=subject,description,participants,total_participant_count,suspended,creation_timestamp,join_approval_mode", nil)
	if st != 200 || info["total_participant_count"].(float64) != 2 || info["subject"] != "Test group" ||
		info["suspended"] != false || info["join_approval_mode"] != "auto_approve" || info["messaging_product"] != "whatsapp" {
		t.Fatalf("info %d %v", st, info)
	}
	if _, ok := info["creation_timestamp"].(float64); !ok {
		t.Fatalf("creation_timestamp should be an integer: %v", info)
	}
	if ps := info["participants"].([]any); len(ps) != 2 || ps[0].(map[string]any)["wa_id"] != "16505551234" {
		t.Fatalf("participants %v", ps)
	}
	if _, bare := h.do("GET", "/v23.0/"+id, nil); len(bare) != 2 || bare["id"] != id {
		t.Fatalf("no fields: %v", bare)
	}
	wamid, err := h.sim.Say("16505551234", id, "text", "hello")
	if err != nil {
		t.Fatal(err)
	}
	h.wait()
	in := findChange(t, h.rc, "messages", messageOfType("text")).(map[string]any)["value"].(map[string]any)
	contact := in["contacts"].([]any)[0].(map[string]any)
	msg := in["messages"].([]any)[0].(map[string]any)
	if contact["profile"].(map[string]any)["name"] != "Name 16505551234" || msg["group_id"] != id || msg["id"] != wamid {
		t.Fatalf("inbound %v", in)
	}
	sent := sendText(t, h, id, "hi all")
	h.wait()
	if got := h.sim.Sent(); len(got) != 1 || got[0].ID != sent || got[0].GroupID != id || got[0].Category != "group_service" {
		t.Fatalf("Sent() = %+v", got)
	}
	for _, wa := range []string{"16505551234", "16505559876"} {
		if inbox := h.sim.Inbox(wa); len(inbox) != 1 || inbox[0].Text != "hi all" {
			t.Fatalf("inbox of %s: %+v", wa, inbox)
		}
	}
	var kinds []string
	for _, s := range h.rc.statuses() {
		kinds = append(kinds, s["status"].(string))
	}
	if len(kinds) != 5 || kinds[0] != "sent" {
		t.Fatalf("statuses %v", kinds)
	}
}
