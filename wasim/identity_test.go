package wasim

import (
	"strings"
	"testing"
)

func TestBSUIDCountriesAndParents(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.BSUID, c.ParentBSUID = true, true })
	for wa, cc := range map[string]string{"5511987654321": "BR.", "919876543210": "IN.", "4915112345678": "DE.", "16505550001": "US."} {
		u := h.sim.AddUser(User{WaID: wa})
		if !strings.HasPrefix(u.UserID, cc) || !isBSUID(u.UserID) {
			t.Errorf("%s: BSUID %q, want prefix %s", wa, u.UserID, cc)
		}
		if !strings.HasPrefix(u.ParentUserID, cc+"ENT.") {
			t.Errorf("%s: parent BSUID %q", wa, u.ParentUserID)
		}
	}
	// A username user with no phone the business may see.
	u := h.sim.AddUser(User{Username: "kai.m"})
	if !u.PhoneHidden || u.Name != "" || !isBSUID(u.UserID) {
		t.Fatalf("username user %+v", u)
	}
	id, link := h.createGroup("Mixed", "")
	if _, err := h.sim.Tap(u.WaID, link); err != nil {
		t.Fatal(err)
	}
	h.wait()
	add := h.rc.groupEvents("group_participants_add")[0]["added_participants"].([]any)[0].(map[string]any)
	if add["wa_id"] != nil || add["user_id"] != u.UserID || add["parent_user_id"] != u.ParentUserID || add["username"] != "kai.m" {
		t.Fatalf("added participant %v", add)
	}
	if _, err := h.sim.Say(u.WaID, id, "text", "hi"); err != nil {
		t.Fatal(err)
	}
	wamid := sendText(t, h, id, "welcome")
	h.wait()
	// Delivered/read statuses name the participant by BSUID (the phone is
	// withheld) and carry a contacts array beside them.
	v := findChange(t, h.rc, "messages", statusOf("read", nil))
	if v == nil {
		t.Fatal("no read status")
	}
	val := v.(map[string]any)["value"].(map[string]any)
	st := val["statuses"].([]any)[0].(map[string]any)
	if st["id"] != wamid || st["recipient_participant_id"] != nil || st["recipient_participant_user_id"] != u.UserID ||
		st["recipient_participant_parent_user_id"] != u.ParentUserID {
		t.Fatalf("status %v", st)
	}
	cs, _ := val["contacts"].([]any)
	if len(cs) != 1 {
		t.Fatalf("contacts beside statuses: %v", val)
	}
	c := cs[0].(map[string]any)
	if c["user_id"] != u.UserID || c["wa_id"] != nil || c["profile"].(map[string]any)["username"] != "kai.m" {
		t.Fatalf("contact %v", c)
	}
}

func TestUserChangedUserID(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.BSUID = true })
	u := h.sim.AddUser(User{WaID: "5511987654321", Name: "Bea"})
	nu, err := h.sim.ChangeUserID(u.WaID)
	if err != nil {
		t.Fatal(err)
	}
	if nu.UserID == u.UserID || !strings.HasPrefix(nu.UserID, "BR.") {
		t.Fatalf("new BSUID %q (was %q)", nu.UserID, u.UserID)
	}
	h.wait()
	v := findChange(t, h.rc, "messages", messageOfType("system"))
	if v == nil {
		t.Fatal("no system webhook")
	}
	val := v.(map[string]any)["value"].(map[string]any)
	msg := val["messages"].([]any)[0].(map[string]any)
	sys := msg["system"].(map[string]any)
	if sys["type"] != "user_changed_user_id" || sys["user_id"] != nu.UserID || sys["previous_user_id"] != u.UserID ||
		msg["from"] != nil || val["contacts"] != nil {
		t.Fatalf("system message %v", val)
	}
}

func TestInviteToBSUIDWithRecipient(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.BSUID = true })
	id, link := h.createGroup("Invite", "")
	u := h.sim.AddUser(User{Username: "ravi"})
	tmpl := map[string]any{"name": "group_invite_link", "language": map[string]any{"code": "en_US"},
		"components": []any{map[string]any{"type": "body", "parameters": []any{map[string]any{"type": "group_id", "group_id": id}}}}}
	st, b := h.do("POST", phonePath+"/messages", map[string]any{"messaging_product": "whatsapp", "recipient": u.UserID,
		"type": "template", "template": tmpl})
	if st != 200 {
		t.Fatalf("send by recipient: %d %v", st, b)
	}
	c := b["contacts"].([]any)[0].(map[string]any)
	if c["input"] != u.UserID || c["user_id"] != u.UserID || c["wa_id"] != nil {
		t.Fatalf("contacts %v", c)
	}
	if inbox := h.sim.Inbox(u.WaID); len(inbox) != 1 || inbox[0].Text != link {
		t.Fatalf("inbox %+v", inbox)
	}
	for _, bad := range []map[string]any{
		{"messaging_product": "whatsapp", "recipient": u.UserID, "to": "16505550001", "type": "template", "template": tmpl},
		{"messaging_product": "whatsapp", "recipient": "16505550001", "type": "template", "template": tmpl},
		{"messaging_product": "whatsapp", "recipient": "BR.00000000000000000001", "type": "template", "template": tmpl},
	} {
		if st, b := h.do("POST", phonePath+"/messages", bad); st != 400 {
			t.Errorf("%v: %d %v, want 400", bad, st, b)
		}
	}
}
