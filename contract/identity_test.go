package contract

import (
	"testing"

	"groupdeck/wasim"
	"groupdeck/whatsapp"
)

// One person, one identity (docs/cloud-api.md#identifiers): the simulator's
// BSUID shapes against Meta's, parsed with the client's types.

func bsuidEnv(t *testing.T) *env {
	return newEnv(t, func(c *wasim.Config) { c.BSUID, c.ParentBSUID = true, true })
}

// A username user with no phone joins, writes, reads and leaves: every
// webhook names them by the same BSUID and none carries a phone number.
func TestUsernameOnlyMemberWebhooks(t *testing.T) {
	e := bsuidEnv(t)
	id, link := e.createGroup("Usernames", "")
	u := e.sim.AddUser(wasim.User{Username: "kai.m"})
	if !whatsapp.IsBSUID(u.UserID) || !whatsapp.IsParentBSUID(u.ParentUserID) {
		t.Fatalf("simulated ids %q %q", u.UserID, u.ParentUserID)
	}
	e.join(link, u.WaID)
	said, err := e.sim.Say(u.WaID, id, "text", "hello")
	if err != nil {
		t.Fatal(err)
	}
	sent, err := e.c.SendText(ctx(), id, "welcome", false)
	if err != nil {
		t.Fatal(err)
	}
	e.settle()
	if err := e.sim.Leave(u.WaID, id); err != nil {
		t.Fatal(err)
	}
	e.settle()

	add := e.oneEvent(whatsapp.EventParticipantsAdd, byGroup(id)).AddedParticipants[0]
	if add.WaID != "" || add.UserID != u.UserID || add.ParentUserID != u.ParentUserID || add.Username != "kai.m" {
		t.Errorf("added %+v", add)
	}
	in := e.inbound(said)
	if in.Msg.From != "" || in.Msg.FromUserID != u.UserID || in.Msg.FromParentUserID != u.ParentUserID ||
		len(in.Contacts) != 1 || in.Contacts[0].WaID != "" || in.Contacts[0].Profile.Username != "kai.m" {
		t.Errorf("inbound %+v", in)
	}
	var read *whatsapp.Status
	for _, ch := range e.hook.changes() {
		for i, s := range ch.Value.Statuses {
			if s.ID == sent.MessageID && s.Status == "read" {
				read = &ch.Value.Statuses[i]
				if len(ch.Value.Contacts) != 1 || ch.Value.Contacts[0].UserID != u.UserID || ch.Value.Contacts[0].Profile.Username != "kai.m" {
					t.Errorf("contacts beside the read status: %+v", ch.Value.Contacts)
				}
			}
		}
	}
	if read == nil || read.RecipientParticipantID != "" || read.Participant() != u.UserID || read.RecipientParticipantParentUserID != u.ParentUserID {
		t.Fatalf("read status %+v", read)
	}
	leave := e.oneEvent(whatsapp.EventParticipantsRemove, byGroup(id))
	if leave.InitiatedBy != whatsapp.InitiatedByParticipant || leave.RemovedParticipants[0].UserID != u.UserID || leave.RemovedParticipants[0].WaID != "" {
		t.Errorf("self-leave %+v", leave)
	}
}

// Every BSUID the simulator mints is one the client recognises, whatever
// the country, and a business removal by BSUID echoes it in input.
func TestRemoveByBSUIDOfSeveralCountries(t *testing.T) {
	e := bsuidEnv(t)
	id, link := e.createGroup("Countries", "")
	var targets []whatsapp.RemoveTarget
	countries := map[string]bool{}
	for _, wa := range []string{"5511987654321", "919876543210", "4915112345678"} {
		u := e.sim.AddUser(wasim.User{WaID: wa})
		e.join(link, wa)
		countries[u.UserID[:3]] = true
		targets = append(targets, whatsapp.RemoveTarget{UserID: u.UserID})
	}
	if len(countries) != 3 || !countries["BR."] || !countries["IN."] || !countries["DE."] {
		t.Fatalf("countries %v", countries)
	}
	if _, err := e.c.RemoveParticipants(ctx(), id, targets); err != nil {
		t.Fatal(err)
	}
	e.settle()
	ev := e.oneEvent(whatsapp.EventParticipantsRemove, byGroup(id))
	if ev.InitiatedBy != whatsapp.InitiatedByBusiness || len(ev.RemovedParticipants) != 3 {
		t.Fatalf("removal %+v", ev)
	}
	for i, p := range ev.RemovedParticipants {
		if p.Input != targets[i].UserID || !whatsapp.IsBSUID(p.Input) {
			t.Errorf("input %q, want %q", p.Input, targets[i].UserID)
		}
	}
}

func TestUserChangedUserIDWebhook(t *testing.T) {
	e := bsuidEnv(t)
	u := e.sim.AddUser(wasim.User{WaID: "5511987654321", Name: "Bea"})
	nu, err := e.sim.ChangeUserID(u.WaID)
	if err != nil {
		t.Fatal(err)
	}
	e.settle()
	var sys *whatsapp.System
	for _, ch := range e.hook.changes() {
		for _, m := range ch.Value.Messages {
			if m.Type == "system" {
				sys = m.System
				if len(ch.Value.Contacts) != 0 || m.From != "" {
					t.Errorf("a system message carries no contacts and no phone: %+v", ch.Value)
				}
			}
		}
	}
	if sys == nil || sys.Type != whatsapp.SystemUserChangedUserID || sys.PreviousUserID != u.UserID || sys.UserID != nu.UserID ||
		sys.PreviousParentUserID != u.ParentUserID {
		t.Fatalf("system %+v", sys)
	}
}

// Since July 2026 the invite template can address a user by BSUID in
// "recipient" when there is no phone number.
func TestInviteTemplateToBSUID(t *testing.T) {
	e := bsuidEnv(t)
	id, _ := e.createGroup("Invited", "")
	link, err := e.c.InviteLink(ctx(), id)
	if err != nil {
		t.Fatal(err)
	}
	u := e.sim.AddUser(wasim.User{Username: "ravi"})
	res, err := e.c.SendInviteTemplate(ctx(), u.UserID, whatsapp.Template{Name: "group_invite_link", Language: "en_US"}, id)
	if err != nil {
		t.Fatal(err)
	}
	inbox := e.sim.Inbox(u.WaID)
	if len(inbox) != 1 || inbox[0].Text != link || inbox[0].ID != res.MessageID {
		t.Fatalf("inbox %+v", inbox)
	}
	e.settle()
	sts := e.statuses(res.MessageID)
	if len(sts) == 0 || sts[0].RecipientUserID != u.UserID || sts[0].RecipientID != "" {
		t.Errorf("statuses of a send by BSUID: %+v", sts)
	}
}

// The simulator's BSUID shapes have the keys and types of the fixtures
// written from Meta's pages (whatsapp/testdata/bsuid_*.json).
func TestBSUIDShapesMatchFixtures(t *testing.T) {
	e := bsuidEnv(t)
	id, link := e.createGroup("Shapes", "")
	u := e.sim.AddUser(wasim.User{Username: "tiago.m"})
	e.join(link, u.WaID)
	if _, err := e.sim.Say(u.WaID, id, "text", "hi"); err != nil {
		t.Fatal(err)
	}
	sent, err := e.c.SendText(ctx(), id, "hello", false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.sim.ChangeUserID(u.WaID); err != nil {
		t.Fatal(err)
	}
	e.settle()
	fx := fixtureValue(t, "bsuid_status_read.json")
	st, val := e.find("statuses", is("id", sent.MessageID, "status", "read"))
	if st == nil {
		t.Fatal("no read status")
	}
	fst := fx["statuses"].([]any)[0]
	for _, d := range shapeDiff("status", fst, st) {
		t.Error(d)
	}
	for _, d := range shapeDiff("contacts", fx["contacts"], val["contacts"]) {
		// The fixture's contact has no name: this user has none either.
		t.Error(d)
	}
	sfx := fixtureValue(t, "bsuid_system_user_changed_user_id.json")
	sys, _ := e.find("messages", is("type", "system"))
	for _, d := range shapeDiff("system", sfx["messages"].([]any)[0], sys) {
		t.Error(d)
	}
}
