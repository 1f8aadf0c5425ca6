package wasim

import "testing"

func TestBSUIDRollout(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.BSUID = true })
	id, _ := h.groupWithMembers("16505550001", "16505550002")
	u := h.sim.AddUser(User{WaID: "16505550001"})
	_, info := h.do("GET", "/v23.0/"+id+"?fields=participants", nil)
	p := info["participants"].([]any)[0].(map[string]any)
	if p["user_id"] != u.UserID || p["wa_id"] != u.WaID {
		t.Fatalf("participant %v, want user_id %s", p, u.UserID)
	}
	if _, err := h.sim.Say(u.WaID, id, "text", "hi"); err != nil {
		t.Fatal(err)
	}
	// Removal by BSUID echoes the BSUID as input.
	st, b := h.do("DELETE", "/v23.0/"+id+"/participants", map[string]any{"messaging_product": "whatsapp",
		"participants": []any{map[string]any{"user_id": u.UserID}}})
	if st != 200 {
		t.Fatalf("remove: %d %v", st, b)
	}
	h.wait()
	in := findChange(t, h.rc, "messages", messageOfType("text")).(map[string]any)["value"].(map[string]any)
	if in["contacts"].([]any)[0].(map[string]any)["user_id"] != u.UserID || in["messages"].([]any)[0].(map[string]any)["from_user_id"] != u.UserID {
		t.Fatalf("inbound without BSUID: %v", in)
	}
	adds := h.rc.groupEvents("group_participants_add")
	if adds[0]["added_participants"].([]any)[0].(map[string]any)["user_id"] == nil {
		t.Fatalf("add event without user_id: %v", adds[0])
	}
	rm := h.rc.groupEvents("group_participants_remove")
	if len(rm) != 1 || rm[0]["removed_participants"].([]any)[0].(map[string]any)["input"] != u.UserID {
		t.Fatalf("remove event %v", rm)
	}
	if g, _ := h.sim.Group(id); len(g.Participants) != 1 || len(g.Removed) != 1 {
		t.Fatalf("state %+v", g)
	}
}

// A user whose phone cannot be shared appears by user_id only.
func TestBSUIDHiddenPhone(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.BSUID = true })
	id, link := h.createGroup("Private", "")
	u := h.sim.AddUser(User{WaID: "16505550001", Username: "ana", PhoneHidden: true})
	if _, err := h.sim.Tap(u.WaID, link); err != nil {
		t.Fatal(err)
	}
	if _, err := h.sim.Say(u.WaID, id, "text", "hi"); err != nil {
		t.Fatal(err)
	}
	h.wait()
	_, info := h.do("GET", "/v23.0/"+id+"?fields=participants", nil)
	if p := info["participants"].([]any)[0].(map[string]any); p["wa_id"] != nil || p["user_id"] != u.UserID {
		t.Fatalf("participant %v", p)
	}
	add := h.rc.groupEvents("group_participants_add")[0]["added_participants"].([]any)[0].(map[string]any)
	if add["wa_id"] != nil || add["user_id"] != u.UserID || add["username"] != "ana" {
		t.Fatalf("add %v", add)
	}
	in := findChange(t, h.rc, "messages", messageOfType("text")).(map[string]any)["value"].(map[string]any)
	msg := in["messages"].([]any)[0].(map[string]any)
	contact := in["contacts"].([]any)[0].(map[string]any)
	if msg["from"] != nil || msg["from_user_id"] != u.UserID || contact["wa_id"] != nil || contact["user_id"] != u.UserID {
		t.Fatalf("inbound %v", in)
	}
}

func TestDeleteMedia(t *testing.T) {
	h := newHarness(t, nil)
	body, ctype := multipartBody(t, map[string]string{"messaging_product": "whatsapp", "type": "application/pdf"}, "file", []byte("%PDF-1.4"))
	_, up := h.raw("POST", phonePath+"/media", body, ctype, testToken)
	mid := up["id"].(string)
	if st, b := h.do("DELETE", "/v23.0/"+mid, nil); st != 200 || b["success"] != true {
		t.Fatalf("delete media %d %v", st, b)
	}
	if st, _ := h.do("GET", "/v23.0/"+mid, nil); st != 400 {
		t.Fatalf("deleted media still served: %d", st)
	}
	body, ctype = multipartBody(t, map[string]string{"messaging_product": "whatsapp"}, "", nil)
	if st, b := h.raw("POST", phonePath+"/media", body, ctype, testToken); st != 400 || errCode(b) != 100 {
		t.Fatalf("upload without file: %d %v", st, b)
	}
}
