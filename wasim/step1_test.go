package wasim

import (
	"testing"
)

func TestCreateTapSayAndSend(t *testing.T) {
	h := newHarness(t, nil)
	id, link := h.groupWithMembers("16505551234", "16505559876")
	if !contains(link, "https://chat.whatsapp.com/") {
		t.Fatalf("link %q", link)
	}
	st, info := h.do("GET", "/v23.0/"+id+"?fields=subject,participants,total_participant_count,suspended,creation_timestamp,join_approval_mode", nil)
	if st != 200 || info["total_participant_count"].(float64) != 2 || info["subject"] != "Test group" {
		t.Fatalf("info %d %v", st, info)
	}
	if _, err := h.sim.Say("16505551234", id, "text", "hello"); err != nil {
		t.Fatal(err)
	}
	st, sent := h.do("POST", phonePath+"/messages", map[string]any{
		"messaging_product": "whatsapp", "recipient_type": "group", "to": id,
		"type": "text", "text": map[string]any{"body": "hi all"},
	})
	if st != 200 {
		t.Fatalf("send %d %v", st, sent)
	}
	h.wait()
	var kinds []string
	for _, s := range h.rc.statuses() {
		kinds = append(kinds, s["status"].(string))
	}
	if len(kinds) != 5 || kinds[0] != "sent" {
		t.Fatalf("statuses %v", kinds)
	}
}
