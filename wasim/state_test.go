package wasim

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestListGroupsPaging(t *testing.T) {
	h := newHarness(t, nil)
	var ids []string
	for i := range 5 {
		id, _ := h.createGroup(fmt.Sprintf("G%d", i), "")
		ids = append(ids, id)
	}
	if _, err := h.sim.Tap("x", "y"); err == nil {
		t.Fatal("unknown user tapped")
	}
	// A deleted group disappears from the list.
	h.do("DELETE", "/v23.0/"+ids[2], nil)
	h.wait()
	var got []string
	var pages int
	var prevURL string
	path := phonePath + "/groups?limit=2"
	for path != "" {
		st, b := h.do("GET", path, nil)
		if st != 200 {
			t.Fatalf("list: %d %v", st, b)
		}
		pages++
		for _, g := range b["data"].(map[string]any)["groups"].([]any) {
			gm := g.(map[string]any)
			if _, ok := gm["created_at"].(string); !ok {
				t.Errorf("created_at should be a string: %v", gm)
			}
			got = append(got, gm["id"].(string))
		}
		paging := b["paging"].(map[string]any)
		if pages == 1 && paging["previous"] != nil {
			t.Error("first page has previous")
		}
		if p, ok := paging["previous"].(string); ok {
			prevURL = p
		}
		next, _ := paging["next"].(string)
		path = strings.TrimPrefix(next, h.srv.URL)
	}
	want := []string{ids[0], ids[1], ids[3], ids[4]}
	if pages != 2 || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("pages %d got %v want %v", pages, got, want)
	}
	_, b := h.do("GET", strings.TrimPrefix(prevURL, h.srv.URL), nil)
	back := b["data"].(map[string]any)["groups"].([]any)
	if len(back) != 2 || back[0].(map[string]any)["id"] != ids[0] {
		t.Fatalf("previous page: %v", back)
	}
	if st, b := h.do("GET", "/v23.0/"+ids[2]+"?fields=subject", nil); st != 400 || errCode(b) != 131041 {
		t.Fatalf("deleted group info: %d %v", st, b)
	}
}

func TestDeleteResponseAndWebhook(t *testing.T) {
	for _, withID := range []bool{false, true} {
		h := newHarness(t, func(c *Config) { c.DeleteReturnsRequestID = withID })
		id, link := h.groupWithMembers("16505550001")
		st, b := h.do("DELETE", "/v23.0/"+id, nil)
		if st != 200 || b["success"] != true {
			t.Fatalf("delete: %d %v", st, b)
		}
		if _, has := b["request_id"]; has != withID {
			t.Fatalf("request_id present=%v, want %v", has, withID)
		}
		h.wait()
		evs := h.rc.groupEvents("group_delete")
		if len(evs) != 1 || evs[0]["request_id"] == "" || (withID && evs[0]["request_id"] != b["request_id"]) {
			t.Fatalf("delete webhook %v (response %v)", evs, b)
		}
		if _, err := h.sim.Tap("16505550001", link); err == nil {
			t.Error("joined a deleted group")
		}
		if st, _ := h.do("POST", phonePath+"/messages", map[string]any{"messaging_product": "whatsapp", "recipient_type": "group",
			"to": id, "type": "text", "text": map[string]any{"body": "x"}}); st != 400 {
			t.Errorf("send to deleted group: %d", st)
		}
	}
}

func TestInviteLinkLifecycle(t *testing.T) {
	h := newHarness(t, nil)
	id, first := h.createGroup("Links", "")
	h.sim.AddUser(User{WaID: "16505550001"})
	h.sim.AddUser(User{WaID: "16505550002"})
	_, got := h.do("GET", "/v23.0/"+id+"/invite_link", nil)
	if got["invite_link"] != first {
		t.Fatalf("GET link %v, want %s", got, first)
	}
	_, reset := h.do("POST", "/v23.0/"+id+"/invite_link", map[string]any{"messaging_product": "whatsapp"})
	second := reset["invite_link"].(string)
	if second == first || !strings.HasPrefix(second, "https://chat.whatsapp.com/") {
		t.Fatalf("reset gave %q", second)
	}
	if _, err := h.sim.Tap("16505550001", first); err == nil || !strings.Contains(err.Error(), "reset") {
		t.Fatalf("old link: %v", err)
	}
	if res, err := h.sim.Tap("16505550001", second); err != nil || res != TapJoined {
		t.Fatalf("new link: %v %v", res, err)
	}
	st, del := h.do("DELETE", "/v23.0/"+id+"/invite_link", map[string]any{"messaging_product": "whatsapp"})
	if st != 200 || del["success"] != true {
		t.Fatalf("delete link: %d %v", st, del)
	}
	if _, err := h.sim.Tap("16505550002", second); err == nil || !strings.Contains(err.Error(), "deleted") {
		t.Fatalf("deleted link: %v", err)
	}
	if st, b := h.do("GET", "/v23.0/"+id+"/invite_link", nil); st != 400 {
		t.Fatalf("GET after delete: %d %v", st, b)
	}
	_, again := h.do("POST", "/v23.0/"+id+"/invite_link", nil)
	if res, err := h.sim.Tap("16505550002", again["invite_link"].(string)); err != nil || res != TapJoined {
		t.Fatalf("link after re-create: %v %v", res, err)
	}
	if res, _ := h.sim.Tap("16505550002", again["invite_link"].(string)); res != TapAlreadyMember {
		t.Fatalf("second tap: %v", res)
	}
}

func TestGroupFullAndRemovedUsers(t *testing.T) {
	h := newHarness(t, nil)
	var members []string
	for i := range maxParticipants {
		members = append(members, fmt.Sprintf("1650555000%d", i))
	}
	id, link := h.groupWithMembers(members...)
	h.sim.AddUser(User{WaID: "16505559999"})
	if _, err := h.sim.Tap("16505559999", link); err == nil || !strings.Contains(err.Error(), "full") {
		t.Fatalf("9th join: %v", err)
	}
	st, b := h.do("DELETE", "/v23.0/"+id+"/participants", map[string]any{"messaging_product": "whatsapp",
		"participants": []any{map[string]any{"user": "+" + members[0]}}})
	if st != 200 || b["request_id"] == "" || b["messaging_product"] != "whatsapp" {
		t.Fatalf("remove: %d %v", st, b)
	}
	// Removal is asynchronous: still a member until the outcome.
	if g, _ := h.sim.Group(id); len(g.Participants) != maxParticipants {
		t.Fatalf("removed synchronously")
	}
	h.wait()
	ev := h.rc.groupEvents("group_participants_remove")
	if len(ev) != 1 || ev[0]["request_id"] != b["request_id"] || ev[0]["initiated_by"] != "business" {
		t.Fatalf("remove webhook %v", ev)
	}
	if in := ev[0]["removed_participants"].([]any)[0].(map[string]any)["input"]; in != "+"+members[0] {
		t.Fatalf("input echoed %v", in)
	}
	_, reset := h.do("POST", "/v23.0/"+id+"/invite_link", nil)
	if _, err := h.sim.Tap(members[0], reset["invite_link"].(string)); err == nil || !strings.Contains(err.Error(), "removed") {
		t.Fatalf("removed user rejoined: %v", err)
	}
	// Leaving on your own does not block rejoining.
	if err := h.sim.Leave(members[1], id); err != nil {
		t.Fatal(err)
	}
	if res, err := h.sim.Tap(members[1], reset["invite_link"].(string)); err != nil || res != TapJoined {
		t.Fatalf("rejoin after leave: %v %v", res, err)
	}
	// Removing a non-member only: total failure, per-item 131212.
	h.do("DELETE", "/v23.0/"+id+"/participants", map[string]any{"participants": []any{map[string]any{"user": "1999"}}})
	h.wait()
	ev = h.rc.groupEvents("group_participants_remove")
	last := ev[len(ev)-1]
	failed := last["failed_participants"].([]any)[0].(map[string]any)
	if failed["input"] != "1999" || failed["errors"].([]any)[0].(map[string]any)["code"].(float64) != 131212 {
		t.Fatalf("failed participant %v", failed)
	}
	if _, ok := last["removed_participants"]; ok || last["errors"].([]any)[0].(map[string]any)["code"].(float64) != 131212 {
		t.Fatalf("total failure %v", last)
	}
}

func TestJoinRequests(t *testing.T) {
	h := newHarness(t, nil)
	id, link := h.createGroup("Approval", "approval_required")
	for _, wa := range []string{"16505550001", "16505550002", "16505550003"} {
		h.sim.AddUser(User{WaID: wa, Name: wa})
		if res, err := h.sim.Tap(wa, link); err != nil || res != TapRequested {
			t.Fatalf("tap %s: %v %v", wa, res, err)
		}
	}
	_, list := h.do("GET", "/v23.0/"+id+"/join_requests?limit=2", nil)
	data := list["data"].([]any)
	if len(data) != 2 || list["paging"].(map[string]any)["next"] == nil {
		t.Fatalf("list: %v", list)
	}
	jr0 := data[0].(map[string]any)
	if _, ok := jr0["creation_timestamp"].(float64); !ok || jr0["wa_id"] != "16505550001" {
		t.Fatalf("join request item %v", jr0)
	}
	// Partial approval: 206 + 131201, unknown ID fails with 131213.
	st, b := h.do("POST", "/v23.0/"+id+"/join_requests", map[string]any{"messaging_product": "whatsapp",
		"join_requests": []any{jr0["join_request_id"], "bogus"}})
	if st != 206 || b["errors"].([]any)[0].(map[string]any)["code"].(float64) != 131201 {
		t.Fatalf("partial approve: %d %v", st, b)
	}
	f := b["failed_join_requests"].([]any)[0].(map[string]any)
	if f["join_request_id"] != "bogus" || f["errors"].([]any)[0].(map[string]any)["code"].(float64) != 131213 {
		t.Fatalf("failed item %v", f)
	}
	if g, _ := h.sim.Group(id); len(g.Participants) != 1 || len(g.Pending) != 2 {
		t.Fatalf("after approve: %+v", g)
	}
	// Reject: no webhook, user may ask again.
	jr1 := data[1].(map[string]any)["join_request_id"]
	st, b = h.do("DELETE", "/v23.0/"+id+"/join_requests", map[string]any{"messaging_product": "whatsapp", "join_requests": []any{jr1}})
	if st != 200 || len(b["rejected_join_requests"].([]any)) != 1 || b["errors"] != nil {
		t.Fatalf("reject: %d %v", st, b)
	}
	if res, err := h.sim.Tap("16505550002", link); err != nil || res != TapRequested {
		t.Fatalf("re-request: %v %v", res, err)
	}
	h.wait()
	adds := h.rc.groupEvents("group_participants_add")
	if len(adds) != 1 {
		t.Fatalf("want exactly one add webhook, got %v", adds)
	}
	p := adds[0]["added_participants"].([]any)[0].(map[string]any)
	if p["input"] != "16505550001" || p["wa_id"] != "16505550001" || adds[0]["reason"] != "invite_link" {
		t.Fatalf("add webhook %v", adds[0])
	}
	if n := len(h.rc.groupEvents("group_join_request_created")); n != 4 {
		t.Fatalf("created events %d, want 4", n)
	}
}

func TestInviteTemplateAndMedia(t *testing.T) {
	h := newHarness(t, nil)
	id, link := h.createGroup("Invite", "")
	st, b := h.do("POST", phonePath+"/messages", map[string]any{
		"messaging_product": "whatsapp", "to": "+16505550007", "type": "template",
		"template": map[string]any{"name": "group_invite_link", "language": map[string]any{"code": "en_US"},
			"components": []any{map[string]any{"type": "body", "parameters": []any{map[string]any{"type": "group_id", "group_id": id}}}}},
	})
	if st != 200 || b["contacts"].([]any)[0].(map[string]any)["wa_id"] != "16505550007" {
		t.Fatalf("invite send: %d %v", st, b)
	}
	inbox := h.sim.Inbox("16505550007")
	if len(inbox) != 1 || inbox[0].Text != link || inbox[0].GroupID != id {
		t.Fatalf("inbox %+v, want link %s", inbox, link)
	}
	if res, err := h.sim.Tap("16505550007", inbox[0].Text); err != nil || res != TapJoined {
		t.Fatalf("tap from inbox: %v %v", res, err)
	}

	body, ctype := multipartBody(t, map[string]string{"messaging_product": "whatsapp", "type": "image/jpeg"}, "file", jpegOf(t, 10, 10))
	st, up := h.raw("POST", phonePath+"/media", body, ctype, testToken)
	if st != 200 || up["id"] == "" {
		t.Fatalf("upload %d %v", st, up)
	}
	mid := up["id"].(string)
	st, meta := h.do("GET", "/v23.0/"+mid, nil)
	if st != 200 || meta["mime_type"] != "image/jpeg" || meta["file_size"].(float64) != float64(len(jpegOf(t, 10, 10))) {
		t.Fatalf("media meta %d %v", st, meta)
	}
	req, _ := http.NewRequest("GET", meta["url"].(string), nil)
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(data) != string(jpegOf(t, 10, 10)) {
		t.Fatalf("download %d (%d bytes)", resp.StatusCode, len(data))
	}
	for typ, obj := range map[string]map[string]any{
		"image":    {"id": mid, "caption": "look"},
		"video":    {"link": "https://example.com/v.mp4", "caption": "watch"},
		"audio":    {"link": "https://example.com/a.ogg"},
		"document": {"link": "https://example.com/d.pdf", "filename": "d.pdf"},
		"sticker":  {"link": "https://example.com/s.webp"},
	} {
		if st, b := h.do("POST", phonePath+"/messages", map[string]any{"messaging_product": "whatsapp", "recipient_type": "group",
			"to": id, "type": typ, typ: obj}); st != 200 {
			t.Errorf("send %s: %d %v", typ, st, b)
		}
	}
	if got := len(h.sim.Inbox("16505550007")); got != 6 {
		t.Errorf("inbox has %d items, want 6", got)
	}
}

func TestPins(t *testing.T) {
	h := newHarness(t, nil)
	id, _ := h.groupWithMembers("16505550001")
	var wamids []string
	for i := range 4 {
		_, b := h.do("POST", phonePath+"/messages", map[string]any{"messaging_product": "whatsapp", "recipient_type": "group",
			"to": id, "type": "text", "text": map[string]any{"body": fmt.Sprint(i)}})
		wamids = append(wamids, b["messages"].([]any)[0].(map[string]any)["id"].(string))
	}
	h.wait()
	before := len(h.rc.statuses())
	var pinIDs []string
	for _, w := range wamids {
		st, b := h.do("POST", phonePath+"/messages", map[string]any{"messaging_product": "whatsapp", "recipient_type": "group",
			"to": id, "type": "pin", "pin": map[string]any{"type": "pin", "message_id": w, "expiration_days": 7}})
		if st != 200 || b["contacts"].([]any)[0].(map[string]any)["input"] != id {
			t.Fatalf("pin: %d %v", st, b)
		}
		pinIDs = append(pinIDs, b["messages"].([]any)[0].(map[string]any)["id"].(string))
	}
	g, _ := h.sim.Group(id)
	if fmt.Sprint(g.Pinned) != fmt.Sprint(wamids[1:]) {
		t.Fatalf("pinned %v, want the 3 newest", g.Pinned)
	}
	h.do("POST", phonePath+"/messages", map[string]any{"messaging_product": "whatsapp", "recipient_type": "group",
		"to": id, "type": "pin", "pin": map[string]any{"type": "unpin", "message_id": wamids[2]}})
	h.wait()
	sts := h.rc.statuses()[before:]
	if len(sts) != 5 {
		t.Fatalf("pin statuses %d, want 5 sent only", len(sts))
	}
	for _, st := range sts {
		if st["status"] != "sent" {
			t.Fatalf("pin produced %v", st)
		}
	}
	if g, _ := h.sim.Group(id); len(g.Pinned) != 2 {
		t.Fatalf("after unpin %v", g.Pinned)
	}
	_ = pinIDs
}

func TestForceHooksEmitNothing(t *testing.T) {
	h := newHarness(t, nil)
	id, _ := h.groupWithMembers("16505550001")
	before := len(h.rc.changes())
	if err := h.sim.ForceAddParticipant(id, User{WaID: "16505550002", Name: "B"}); err != nil {
		t.Fatal(err)
	}
	if err := h.sim.ForceSubject(id, "Changed"); err != nil {
		t.Fatal(err)
	}
	if err := h.sim.ForceRemoveParticipant(id, "16505550001"); err != nil {
		t.Fatal(err)
	}
	g, _ := h.sim.Group(id)
	if g.Subject != "Changed" || len(g.Participants) != 1 || g.Participants[0].WaID != "16505550002" {
		t.Fatalf("state %+v", g)
	}
	if got := h.sim.GroupsOf("16505550002"); len(got) != 1 {
		t.Fatalf("GroupsOf %v", got)
	}
	if err := h.sim.ForceDelete(id); err != nil {
		t.Fatal(err)
	}
	h.wait()
	if after := len(h.rc.changes()); after != before {
		t.Fatalf("force hooks emitted %d webhooks", after-before)
	}
	if err := h.sim.ForceSubject(id, "x"); err == nil {
		t.Fatal("force on deleted group succeeded")
	}
}
