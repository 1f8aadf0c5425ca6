package contract

import (
	"net/http"
	"slices"
	"testing"

	"groupdeck/wasim"
	"groupdeck/whatsapp"
)

func TestInviteLinkGetResetDelete(t *testing.T) {
	e := newEnv(t)
	id, created := e.createGroup("Links", "")
	got, err := e.c.InviteLink(ctx(), id)
	if err != nil || got != created {
		t.Fatalf("InviteLink = %q, %v; want the link from group_create %q", got, err, created)
	}
	fresh, err := e.c.ResetInviteLink(ctx(), id)
	if err != nil || fresh == created {
		t.Fatalf("ResetInviteLink = %q, %v", fresh, err)
	}
	if got, _ := e.c.InviteLink(ctx(), id); got != fresh {
		t.Errorf("after reset InviteLink = %q, want %q", got, fresh)
	}
	e.sim.AddUser(wasim.User{WaID: "15550000001"})
	if _, err := e.sim.Tap("15550000001", created); err == nil {
		t.Error("the link from before the reset still works")
	}
	e.join(fresh, "15550000001")

	if err := e.c.DeleteInviteLink(ctx(), id); err != nil {
		t.Fatal(err)
	}
	e.sim.AddUser(wasim.User{WaID: "15550000002"})
	if _, err := e.sim.Tap("15550000002", fresh); err == nil {
		t.Error("a deleted link still works")
	}
	// No link until a new one is made; the simulator calls that 131009.
	_, err = e.c.InviteLink(ctx(), id)
	wantAPIError(t, err, 131009, http.StatusBadRequest)
	again, err := e.c.ResetInviteLink(ctx(), id)
	if err != nil {
		t.Fatal(err)
	}
	e.join(again, "15550000002")

	_, err = e.c.InviteLink(ctx(), "unknown-group")
	wantAPIError(t, err, 131041, http.StatusBadRequest)
	err = e.c.DeleteInviteLink(ctx(), "unknown-group")
	wantAPIError(t, err, 131041, http.StatusBadRequest)
	_, err = e.c.InviteLink(ctx(), "")
	wantValidation(t, err, "group_id")
	// Link operations emit no webhooks.
	for _, ch := range e.hook.changes() {
		for _, g := range ch.Value.Groups {
			if g.Type != whatsapp.EventGroupCreate && g.Type != whatsapp.EventParticipantsAdd {
				t.Errorf("unexpected webhook %s", g.Type)
			}
		}
	}
}

func TestJoinRequestsListApproveReject(t *testing.T) {
	e := newEnv(t)
	id, link := e.createGroup("Vetted", whatsapp.JoinApprovalRequired)
	users := []string{"15550000001", "15550000002", "15550000003"}
	for _, wa := range users {
		e.sim.AddUser(wasim.User{WaID: wa})
		if res, err := e.sim.Tap(wa, link); err != nil || res != wasim.TapRequested {
			t.Fatalf("tap in approval_required group: %v %v", res, err)
		}
	}
	e.settle()
	created := e.groupEvents(whatsapp.EventJoinRequestCreated)
	if len(created) != 3 {
		t.Fatalf("%d join_request_created webhooks", len(created))
	}

	page1, after, err := e.c.JoinRequests(ctx(), id, whatsapp.ListGroupsOptions{Limit: 2})
	if err != nil || len(page1) != 2 || after == "" {
		t.Fatalf("page 1: %+v %q %v", page1, after, err)
	}
	page2, after2, err := e.c.JoinRequests(ctx(), id, whatsapp.ListGroupsOptions{Limit: 2, After: after})
	if err != nil || len(page2) != 1 || after2 != "" {
		t.Fatalf("page 2: %+v %q %v", page2, after2, err)
	}
	reqs := append(page1, page2...)
	for i, jr := range reqs {
		if jr.WaID != users[i] || jr.ID != created[i].JoinRequestID || jr.CreatedAt == 0 {
			t.Errorf("request %d: %+v, webhook %+v", i, jr, created[i])
		}
	}
	_, _, err = e.c.JoinRequests(ctx(), id, whatsapp.ListGroupsOptions{After: "bad-cursor"})
	wantAPIError(t, err, 131059, http.StatusBadRequest)

	// Partial approval: HTTP 206, 131201 on top, 131213 for the unknown ID.
	res, err := e.c.ApproveJoinRequests(ctx(), id, []string{reqs[0].ID, "bm8tc3VjaC1yZXF1ZXN0"})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Partial || !slices.Equal(res.Done, []string{reqs[0].ID}) || len(res.Failed) != 1 ||
		res.Failed[0].ID != "bm8tc3VjaC1yZXF1ZXN0" || len(res.Failed[0].Errors) != 1 || res.Failed[0].Errors[0].Code != 131213 ||
		len(res.Errors) != 1 || res.Errors[0].Code != 131201 {
		t.Errorf("partial approve: %+v", res)
	}
	e.settle()
	add := e.oneEvent(whatsapp.EventParticipantsAdd, nil)
	if add.GroupID != id || len(add.AddedParticipants) != 1 || add.AddedParticipants[0].WaID != users[0] ||
		add.AddedParticipants[0].Input != users[0] || add.Reason != "invite_link" {
		t.Errorf("approval webhook: %+v", add)
	}

	// Rejection is silent; the user may ask again.
	res, err = e.c.RejectJoinRequests(ctx(), id, []string{reqs[1].ID})
	if err != nil || res.Partial || !slices.Equal(res.Done, []string{reqs[1].ID}) || len(res.Errors) != 0 {
		t.Fatalf("reject: %+v %v", res, err)
	}
	if res, err := e.sim.Tap(users[1], link); err != nil || res != wasim.TapRequested {
		t.Fatalf("re-request after rejection: %v %v", res, err)
	}
	e.settle()
	if n := len(e.groupEvents(whatsapp.EventParticipantsAdd)); n != 1 {
		t.Errorf("rejection emitted a participants webhook (%d adds)", n)
	}

	// Nothing processable: no 206, every item failed.
	res, err = e.c.RejectJoinRequests(ctx(), id, []string{reqs[1].ID})
	if err != nil || !res.Partial || len(res.Done) != 0 || len(res.Failed) != 1 || res.Failed[0].Errors[0].Code != 131213 {
		t.Errorf("reject stale ID: %+v %v", res, err)
	}
	info, err := e.c.GroupInfo(ctx(), id)
	if err != nil || info.TotalParticipantCount != 1 {
		t.Errorf("after approval: %+v %v", info, err)
	}
	list, _, err := e.c.JoinRequests(ctx(), id, whatsapp.ListGroupsOptions{})
	if err != nil || len(list) != 2 || list[0].WaID != users[2] || list[1].WaID != users[1] {
		t.Errorf("pending after decisions: %+v %v", list, err)
	}

	_, err = e.c.ApproveJoinRequests(ctx(), id, nil)
	wantValidation(t, err, "join_requests")
	e.wantRaw(http.MethodPost, id+"/join_requests", map[string]any{"messaging_product": "whatsapp", "join_requests": []string{}}, 400, 100)
	_, err = e.c.ApproveJoinRequests(ctx(), "unknown-group", []string{reqs[2].ID})
	wantAPIError(t, err, 131041, http.StatusBadRequest)
}

func TestApproveIntoFullGroup(t *testing.T) {
	e := newEnv(t)
	id, link := e.createGroup("Small", whatsapp.JoinApprovalRequired)
	for i := range 9 {
		wa := "1555000001" + string(rune('0'+i))
		e.sim.AddUser(wasim.User{WaID: wa})
		if _, err := e.sim.Tap(wa, link); err != nil {
			t.Fatal(err)
		}
	}
	list, _, err := e.c.JoinRequests(ctx(), id, whatsapp.ListGroupsOptions{})
	if err != nil || len(list) != 9 {
		t.Fatalf("%d requests, %v", len(list), err)
	}
	var ids []string
	for _, jr := range list {
		ids = append(ids, jr.ID)
	}
	res, err := e.c.ApproveJoinRequests(ctx(), id, ids)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Done) != 8 || !res.Partial || len(res.Failed) != 1 || res.Failed[0].Errors[0].Code != 131204 {
		t.Errorf("approving 9 into a group of 8: %+v", res)
	}
	if h := whatsapp.Human(res.Failed[0].Errors[0]); h == "" {
		t.Error("per-item error has no human sentence")
	}
}

func TestInviteTemplateOneToOne(t *testing.T) {
	e := newEnv(t)
	id, _ := e.createGroup("Invited", "")
	link, err := e.c.ResetInviteLink(ctx(), id)
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.c.SendInviteTemplate(ctx(), "+15550000009", whatsapp.Template{Name: "group_invite_link", Language: "en_US"}, id)
	if err != nil {
		t.Fatal(err)
	}
	if res.MessageID == "" {
		t.Fatal("no message id")
	}
	inbox := e.sim.Inbox("15550000009")
	if len(inbox) != 1 || inbox[0].Text != link || inbox[0].GroupID != id || inbox[0].ID != res.MessageID {
		t.Fatalf("the user's inbox should hold the live link %s: %+v", link, inbox)
	}
	if r, err := e.sim.Tap("15550000009", inbox[0].Text); err != nil || r != wasim.TapJoined {
		t.Fatalf("tapping the received link: %v %v", r, err)
	}
	e.settle()
	e.oneEvent(whatsapp.EventParticipantsAdd, byGroup(id))
	// A 1:1 send is reported for the user, not a group.
	sts := e.statuses(res.MessageID)
	if len(sts) == 0 || sts[0].Status != "sent" || sts[0].RecipientID != "15550000009" || sts[0].RecipientType == "group" {
		t.Errorf("1:1 statuses: %+v", sts)
	}

	_, err = e.c.SendInviteTemplate(ctx(), "15550000009", whatsapp.Template{Name: "group_invite_link", Language: "en_US"}, "unknown-group")
	wantAPIError(t, err, 131041, http.StatusBadRequest)
	_, err = e.c.SendInviteTemplate(ctx(), "15550000009", whatsapp.Template{Name: "", Language: "en_US"}, id)
	wantValidation(t, err, "template")
}

func TestJoinRefusals(t *testing.T) {
	e := newEnv(t)
	id, link := e.createGroup("Full", "")
	var eight []string
	for i := range 8 {
		eight = append(eight, "1555000002"+string(rune('0'+i)))
	}
	e.join(link, eight...)
	e.sim.AddUser(wasim.User{WaID: "15550000099"})
	if _, err := e.sim.Tap("15550000099", link); err == nil {
		t.Error("a ninth participant joined a group of 8")
	}
	info, err := e.c.GroupInfo(ctx(), id)
	if err != nil || info.TotalParticipantCount != 8 {
		t.Errorf("full group: %+v %v", info, err)
	}
	// A removed user cannot even ask to join an approval-required group.
	vetted, vlink := e.createGroup("Vetted", whatsapp.JoinApprovalRequired)
	must(t, e.sim.ForceAddParticipant(vetted, wasim.User{WaID: "15550000098"}))
	if _, err := e.c.RemoveParticipants(ctx(), vetted, []whatsapp.RemoveTarget{{User: "15550000098"}}); err != nil {
		t.Fatal(err)
	}
	e.settle()
	if _, err := e.sim.Tap("15550000098", vlink); err == nil {
		t.Error("a removed user filed a join request")
	}
	if list, _, err := e.c.JoinRequests(ctx(), vetted, whatsapp.ListGroupsOptions{}); err != nil || len(list) != 0 {
		t.Errorf("requests: %+v %v", list, err)
	}
}
