package wasim

import (
	"testing"
	"time"
)

func sendText(t *testing.T, h *harness, groupID, body string) string {
	t.Helper()
	st, b := h.do("POST", phonePath+"/messages", map[string]any{"messaging_product": "whatsapp", "recipient_type": "group",
		"to": groupID, "type": "text", "text": map[string]any{"body": body}})
	if st != 200 {
		t.Fatalf("send: %d %v", st, b)
	}
	m := b["messages"].([]any)[0].(map[string]any)
	if m["group_id"] != groupID {
		t.Fatalf("send response %v", b)
	}
	return m["id"].(string)
}

func sendTemplate(t *testing.T, h *harness, groupID, name string) {
	t.Helper()
	st, b := h.do("POST", phonePath+"/messages", map[string]any{"messaging_product": "whatsapp", "recipient_type": "group",
		"to": groupID, "type": "template", "template": map[string]any{"name": name, "language": map[string]any{"code": "en_US"}}})
	if st != 200 {
		t.Fatalf("send template: %d %v", st, b)
	}
}

func TestStatusSequenceAndPricing(t *testing.T) {
	h := newHarness(t, nil)
	id, _ := h.groupWithMembers("16505550001", "16505550002")
	wamid := sendText(t, h, id, "outside the window")
	h.wait()
	sts := h.rc.statuses()
	var order []string
	priced := map[string]int{}
	for _, st := range sts {
		if st["id"] != wamid {
			t.Fatalf("foreign status %v", st)
		}
		order = append(order, st["status"].(string))
		if st["status"] == "sent" {
			if _, ok := st["recipient_participant_id"]; ok {
				t.Error("sent status names a participant")
			}
			continue
		}
		if p, ok := st["pricing"].(map[string]any); ok {
			priced[st["recipient_participant_id"].(string)]++
			if p["category"] != "group_service" || p["type"] != "regular" || p["billable"] != true {
				t.Errorf("pricing outside window %v", p)
			}
		}
	}
	want := []string{"sent", "delivered", "delivered", "read", "read"}
	if len(order) != len(want) {
		t.Fatalf("statuses %v, want %v", order, want)
	}
	for i := range want {
		if order[i] != want[i] {
			t.Fatalf("statuses %v, want %v", order, want)
		}
	}
	if priced["16505550001"] != 1 || priced["16505550002"] != 1 {
		t.Fatalf("pricing should ride on each participant's first status once: %v", priced)
	}

	// A participant message opens the group window: service and utility are
	// free inside it, marketing never is.
	if _, err := h.sim.Say("16505550002", id, "text", "question"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, category, typ string }{
		{"", "group_service", "free_group_customer_service"},
		{"shipping_update", "group_utility", "free_group_customer_service"},
		{"autumn_promo", "group_marketing", "regular"},
	} {
		n := len(h.rc.statuses())
		if c.name == "" {
			sendText(t, h, id, "inside")
		} else {
			sendTemplate(t, h, id, c.name)
		}
		h.wait()
		for _, st := range h.rc.statuses()[n:] {
			if p, ok := st["pricing"].(map[string]any); ok {
				if p["category"] != c.category || p["type"] != c.typ || p["billable"] != (c.typ == "regular") {
					t.Errorf("%q: pricing %v", c.name, p)
				}
			}
		}
	}
}

func TestManualReadAggregatesMessagesPerParticipant(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.ManualRead, c.AggregateStatuses = true, true })
	id, _ := h.groupWithMembers("16505550001", "16505550002")
	sendText(t, h, id, "one")
	second := sendText(t, h, id, "two")
	h.wait()
	n := len(h.rc.changes())
	for _, st := range h.rc.statuses() {
		if st["status"] == "read" {
			t.Fatalf("read without Read(): %v", st)
		}
	}
	if err := h.sim.Read("16505550001", second); err != nil {
		t.Fatal(err)
	}
	h.wait()
	changes := h.rc.changes()[n:]
	if len(changes) != 1 {
		t.Fatalf("want one aggregated read webhook, got %d", len(changes))
	}
	sts := changes[0].Value["statuses"].([]any)
	if len(sts) != 2 {
		t.Fatalf("want 2 messages × 1 participant, got %v", sts)
	}
	for _, s := range sts {
		st := s.(map[string]any)
		if st["status"] != "read" || st["recipient_participant_id"] != "16505550001" {
			t.Fatalf("status %v", st)
		}
		if _, ok := st["pricing"]; ok {
			t.Fatalf("pricing repeated after delivered: %v", st)
		}
	}
	if err := h.sim.Read("16505559999", second); err == nil {
		t.Fatal("a non-recipient read the message")
	}
	// Mark-as-read of a participant message is accepted and invisible.
	wamid, _ := h.sim.Say("16505550001", id, "text", "hey")
	st, b := h.do("POST", phonePath+"/messages", map[string]any{"messaging_product": "whatsapp", "status": "read", "message_id": wamid})
	if st != 200 || b["success"] != true {
		t.Fatalf("mark read %d %v", st, b)
	}
}

func TestAggregatedDeliveredAndSpelling(t *testing.T) {
	h := newHarness(t, func(c *Config) {
		c.AggregateStatuses, c.ParticipantRecipientID, c.ManualRead = true, true, true
	})
	id, _ := h.groupWithMembers("16505550001", "16505550002", "16505550003")
	sendText(t, h, id, "hi")
	h.wait()
	var delivered []any
	for _, c := range h.rc.changes() {
		sts, _ := c.Value["statuses"].([]any)
		if len(sts) > 0 && sts[0].(map[string]any)["status"] == "delivered" {
			if delivered != nil {
				t.Fatal("delivered split across webhooks")
			}
			delivered = sts
		}
	}
	if len(delivered) != 3 {
		t.Fatalf("want 1 message × 3 participants, got %v", delivered)
	}
	for _, s := range delivered {
		st := s.(map[string]any)
		if _, ok := st["participant_recipient_id"]; !ok {
			t.Fatalf("alternate spelling missing: %v", st)
		}
		if _, ok := st["recipient_participant_id"]; ok {
			t.Fatalf("both spellings: %v", st)
		}
	}
}

func TestConversationObject(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.ConversationObject = true })
	id, _ := h.groupWithMembers("16505550001")
	sendTemplate(t, h, id, "shipping_update")
	h.wait()
	var withConv int
	for _, st := range h.rc.statuses() {
		conv, ok := st["conversation"].(map[string]any)
		if !ok {
			continue
		}
		withConv++
		if st["pricing"] == nil || conv["id"] == "" || conv["origin"].(map[string]any)["type"] != "group_utility" {
			t.Fatalf("conversation %v", st)
		}
	}
	if withConv != 1 {
		t.Fatalf("%d statuses carry conversation, want 1 (the priced one)", withConv)
	}
}

func TestFailedAfterDelete(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.SentDelay = 100 * time.Millisecond })
	id, _ := h.groupWithMembers("16505550001")
	sendText(t, h, id, "too late")
	h.do("DELETE", "/v23.0/"+id, nil)
	h.wait()
	sts := h.rc.statuses()
	if len(sts) != 1 || sts[0]["status"] != "failed" {
		t.Fatalf("statuses %v, want one failed", sts)
	}
	e := sts[0]["errors"].([]any)[0].(map[string]any)
	if e["code"].(float64) != 131041 || e["href"] == "" {
		t.Fatalf("failed error %v", e)
	}
}

func TestOneToOneStatuses(t *testing.T) {
	h := newHarness(t, nil)
	st, b := h.do("POST", phonePath+"/messages", map[string]any{"messaging_product": "whatsapp", "to": "16505550001",
		"type": "text", "text": map[string]any{"body": "hello"}})
	if st != 200 {
		t.Fatalf("%d %v", st, b)
	}
	h.wait()
	sts := h.rc.statuses()
	if len(sts) != 3 || sts[0]["recipient_id"] != "16505550001" || sts[2]["status"] != "read" {
		t.Fatalf("1:1 statuses %v", sts)
	}
	if _, ok := sts[0]["recipient_type"]; ok {
		t.Fatalf("1:1 status has recipient_type: %v", sts[0])
	}
}
