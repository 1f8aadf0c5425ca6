package contract

import (
	"testing"
	"time"

	"groupdeck/wasim"
	"groupdeck/whatsapp"
)

// The tests in this file trigger every group webhook variant the simulator
// emits and check the typed fields the client's parser yields, beyond the
// ones the endpoint tests already look at.

func TestWebhookCreateFailure(t *testing.T) {
	e := newEnv(t, func(c *wasim.Config) { c.FailCreates = true })
	reqID, err := e.c.CreateGroup(ctx(), whatsapp.CreateGroupRequest{Subject: "Never", Description: "made"})
	if err != nil {
		t.Fatal(err)
	}
	e.settle()
	ev := e.oneEvent(whatsapp.EventGroupCreate, byRequest(reqID))
	// Meta's failure sample carries a group_id although no group exists.
	if ev.GroupID == "" || ev.InviteLink != "" || ev.Subject != "Never" || ev.Description != "made" ||
		len(ev.Errors) != 1 || ev.Errors[0].Code != 131000 || ev.Errors[0].Details == "" || ev.Errors[0].Title == "" {
		t.Errorf("failed group_create: %+v", ev)
	}
	if p, _ := e.c.ListGroups(ctx(), whatsapp.ListGroupsOptions{}); len(p.Groups) != 0 {
		t.Errorf("a failed creation left a group: %+v", p.Groups)
	}
	if _, err := e.c.GroupInfo(ctx(), ev.GroupID); err == nil {
		t.Errorf("the failed create's group_id %s answers as a group", ev.GroupID)
	}
}

func TestWebhookDeleteFailure(t *testing.T) {
	// Two deletes accepted before the first takes effect: the second one's
	// outcome is a failed group_delete.
	e := newEnv(t, func(c *wasim.Config) { c.WebhookDelay = 30 * time.Millisecond })
	id, _ := e.createGroup("Twice", "")
	e.sim.Configure(func(c *wasim.Config) { c.DeleteReturnsRequestID = true })
	first, err := e.c.DeleteGroup(ctx(), id)
	if err != nil {
		t.Fatal(err)
	}
	second, err := e.c.DeleteGroup(ctx(), id)
	if err != nil {
		t.Fatal(err)
	}
	e.settle()
	// Timers of equal delay may fire in either order: one outcome succeeds,
	// the other reports the group gone.
	a := e.oneEvent(whatsapp.EventGroupDelete, byRequest(first))
	b := e.oneEvent(whatsapp.EventGroupDelete, byRequest(second))
	if len(a.Errors) > len(b.Errors) {
		a, b = b, a
	}
	if a.GroupID != id || len(a.Errors) != 0 {
		t.Errorf("successful delete: %+v", a)
	}
	if b.GroupID != id || len(b.Errors) != 1 || b.Errors[0].Code != 131041 {
		t.Errorf("failed delete: %+v", b)
	}
}

func TestWebhookParticipantsVariants(t *testing.T) {
	e := newEnv(t)
	open, openLink := e.createGroup("Open", "")
	e.join(openLink, "15550000001")
	add := e.oneEvent(whatsapp.EventParticipantsAdd, byGroup(open))
	if add.Reason != "invite_link" || len(add.AddedParticipants) != 1 || add.AddedParticipants[0].WaID != "15550000001" ||
		add.AddedParticipants[0].Input != "" || add.RequestID != "" {
		t.Errorf("join via link: %+v", add)
	}

	if err := e.sim.Leave("15550000001", open); err != nil {
		t.Fatal(err)
	}
	e.settle()
	leave := e.oneEvent(whatsapp.EventParticipantsRemove, byGroup(open))
	if leave.InitiatedBy != whatsapp.InitiatedByParticipant || leave.RequestID != "" || len(leave.RemovedParticipants) != 1 ||
		leave.RemovedParticipants[0].WaID != "15550000001" || leave.RemovedParticipants[0].Input != "" {
		t.Errorf("self-leave: %+v", leave)
	}
	// Leaving on one's own does not block rejoining.
	e.join(openLink, "15550000001")

	vetted, vettedLink := e.createGroup("Vetted", whatsapp.JoinApprovalRequired)
	e.sim.AddUser(wasim.User{WaID: "15550000002"})
	if _, err := e.sim.Tap("15550000002", vettedLink); err != nil {
		t.Fatal(err)
	}
	if err := e.sim.CancelRequest("15550000002", vetted); err != nil {
		t.Fatal(err)
	}
	e.settle()
	created := e.oneEvent(whatsapp.EventJoinRequestCreated, byGroup(vetted))
	revoked := e.oneEvent(whatsapp.EventJoinRequestRevoked, byGroup(vetted))
	if created.JoinRequestID == "" || created.WaID != "15550000002" || created.Reason == "" {
		t.Errorf("join request created: %+v", created)
	}
	if revoked.JoinRequestID != created.JoinRequestID || revoked.WaID != "15550000002" {
		t.Errorf("join request revoked: %+v", revoked)
	}
	if list, _, err := e.c.JoinRequests(ctx(), vetted, whatsapp.ListGroupsOptions{}); err != nil || len(list) != 0 {
		t.Errorf("a revoked request is still listed: %+v %v", list, err)
	}
}

func TestWebhookSuspendAndCleared(t *testing.T) {
	e := newEnv(t)
	id, _ := e.createGroup("Flagged", "")
	if err := e.sim.SetSuspended(id, true); err != nil {
		t.Fatal(err)
	}
	if err := e.sim.SetSuspended(id, false); err != nil {
		t.Fatal(err)
	}
	e.settle()
	s := e.oneEvent(whatsapp.EventSuspend, byGroup(id))
	c := e.oneEvent(whatsapp.EventSuspendCleared, byGroup(id))
	if len(s.Errors) != 0 || len(c.Errors) != 0 || c.Timestamp < s.Timestamp {
		t.Errorf("suspend %+v cleared %+v", s, c)
	}
}

func TestWebhookSettingsTotalFailureOnSuspendedGroup(t *testing.T) {
	// A group suspended between the call and its outcome fails every setting.
	e := newEnv(t, func(c *wasim.Config) { c.WebhookDelay = 30 * time.Millisecond })
	id, _ := e.createGroup("Race", "")
	reqID, err := e.c.UpdateSettings(ctx(), id, whatsapp.SettingsUpdate{Subject: strp("Late")})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.sim.SetSuspended(id, true); err != nil {
		t.Fatal(err)
	}
	e.settle()
	ev := e.oneEvent(whatsapp.EventSettingsUpdate, byRequest(reqID))
	if len(ev.Errors) != 1 || ev.Errors[0].Code != 131207 {
		t.Errorf("settings on a suspended group: %+v", ev)
	}
}

func TestWebhookBSUIDParticipants(t *testing.T) {
	e := newEnv(t, func(c *wasim.Config) { c.BSUID = true })
	open, link := e.createGroup("Scoped", "")
	e.sim.AddUser(wasim.User{WaID: "15550000001", UserID: "US.111", Username: "ana"})
	e.join(link, "15550000001")
	add := e.oneEvent(whatsapp.EventParticipantsAdd, byGroup(open))
	if p := add.AddedParticipants[0]; p.UserID != "US.111" || p.Username != "ana" || p.WaID != "15550000001" {
		t.Errorf("BSUID add: %+v", p)
	}
	vetted, vlink := e.createGroup("Scoped vetted", whatsapp.JoinApprovalRequired)
	e.sim.AddUser(wasim.User{WaID: "15550000002", UserID: "US.222"})
	if _, err := e.sim.Tap("15550000002", vlink); err != nil {
		t.Fatal(err)
	}
	e.settle()
	if jr := e.oneEvent(whatsapp.EventJoinRequestCreated, byGroup(vetted)); jr.UserID != "US.222" {
		t.Errorf("BSUID join request event: %+v", jr)
	}
	list, _, err := e.c.JoinRequests(ctx(), vetted, whatsapp.ListGroupsOptions{})
	if err != nil || len(list) != 1 || list[0].UserID != "US.222" {
		t.Errorf("BSUID join request list: %+v %v", list, err)
	}
	if err := e.sim.Leave("15550000001", open); err != nil {
		t.Fatal(err)
	}
	e.settle()
	if ev := e.oneEvent(whatsapp.EventParticipantsRemove, byGroup(open)); ev.RemovedParticipants[0].UserID != "US.111" {
		t.Errorf("BSUID self-leave: %+v", ev)
	}
}

// A user whose phone number cannot be shared is known only by user_id: no
// wa_id, from or recipient_participant_id anywhere (docs/cloud-api.md#identifiers),
// and the client still identifies them.
func TestWebhookBSUIDHiddenPhone(t *testing.T) {
	e := newEnv(t, func(c *wasim.Config) { c.BSUID = true })
	const bsuid = "US.13491208655302741918"
	open, link := e.createGroup("Private", "")
	e.sim.AddUser(wasim.User{WaID: "15550000001", UserID: bsuid, Username: "ana.k", PhoneHidden: true})
	e.join(link, "15550000001")
	if p := e.oneEvent(whatsapp.EventParticipantsAdd, byGroup(open)).AddedParticipants[0]; p.WaID != "" || p.UserID != bsuid || p.Username != "ana.k" {
		t.Errorf("join of a hidden-phone user: %+v", p)
	}
	info, err := e.c.GroupInfo(ctx(), open)
	if err != nil || len(info.Participants) != 1 || info.Participants[0].WaID != "" || info.Participants[0].UserID != bsuid {
		t.Errorf("participants: %+v %v", info, err)
	}

	mid, err := e.sim.Say("15550000001", open, "text", "hi")
	must(t, err)
	sent, err := e.c.SendText(ctx(), open, "welcome", false)
	must(t, err)
	e.settle()
	in := e.inbound(mid)
	if in.Msg.From != "" || in.Msg.FromUserID != bsuid || in.Contacts[0].WaID != "" || in.Contacts[0].UserID != bsuid ||
		in.Contacts[0].Profile.Username != "ana.k" {
		t.Errorf("inbound from a hidden-phone user: %+v %+v", in.Msg, in.Contacts)
	}
	for _, st := range e.statuses(sent.MessageID) {
		if st.Status != "sent" && (st.RecipientParticipantID != "" || st.Participant() != bsuid) {
			t.Errorf("status for a hidden-phone user: %+v", st)
		}
	}

	vetted, vlink := e.createGroup("Private vetted", whatsapp.JoinApprovalRequired)
	e.sim.AddUser(wasim.User{WaID: "15550000002", UserID: "US.222", PhoneHidden: true})
	_, err = e.sim.Tap("15550000002", vlink)
	must(t, err)
	e.settle()
	if jr := e.oneEvent(whatsapp.EventJoinRequestCreated, byGroup(vetted)); jr.WaID != "" || jr.UserID != "US.222" {
		t.Errorf("join request event: %+v", jr)
	}
	list, _, err := e.c.JoinRequests(ctx(), vetted, whatsapp.ListGroupsOptions{})
	if err != nil || len(list) != 1 || list[0].WaID != "" || list[0].UserID != "US.222" {
		t.Fatalf("join requests: %+v %v", list, err)
	}
	_, err = e.c.ApproveJoinRequests(ctx(), vetted, []string{list[0].ID})
	must(t, err)
	e.settle()
	if p := e.oneEvent(whatsapp.EventParticipantsAdd, byGroup(vetted)).AddedParticipants[0]; p.WaID != "" || p.UserID != "US.222" || p.Input != "US.222" {
		t.Errorf("approval of a hidden-phone user: %+v", p)
	}

	// The business can only name them by user_id; the removal echoes it.
	reqID, err := e.c.RemoveParticipants(ctx(), open, []whatsapp.RemoveTarget{{UserID: bsuid}})
	must(t, err)
	e.settle()
	if ev := e.oneEvent(whatsapp.EventParticipantsRemove, byRequest(reqID)); len(ev.RemovedParticipants) != 1 || ev.RemovedParticipants[0].Input != bsuid {
		t.Errorf("removal by user_id: %+v", ev)
	}
}
