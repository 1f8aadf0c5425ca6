package whatsapp

import "testing"

func TestIsBSUID(t *testing.T) {
	for id, want := range map[string]bool{
		"US.13491208655302741918":     true,
		"BR.1502576394655843":         true,
		"IN.9876543210123":            true,
		"DE.abcDEF123":                true,
		"US.ENT.11815799212886844830": true,
		"16505551234":                 false,
		"+16505551234":                false,
		"us.1234":                     false,
		"USA.1234":                    false,
		"BR.":                         false,
		"BR.ENT.":                     false,
		"BR.15-02":                    false,
		"":                            false,
	} {
		if got := IsBSUID(id); got != want {
			t.Errorf("IsBSUID(%q) = %v, want %v", id, got, want)
		}
	}
	if !IsParentBSUID("US.ENT.11815799212886844830") || IsParentBSUID("US.13491208655302741918") {
		t.Error("IsParentBSUID")
	}
}

// bsuidFixtures are TestParseWebhookFixtures' cases for the BSUID shapes
// of docs/cloud-api.md#identifiers.
var bsuidFixtures = []struct {
	file  string
	check func(t *testing.T, p *Payload)
}{
	{"bsuid_system_user_changed_user_id.json", func(t *testing.T, p *Payload) {
		v := only(t, p, FieldMessages)
		m := v.Messages[0]
		eq(t, "type", m.Type, "system")
		if m.System == nil {
			t.Fatal("no system object")
		}
		eq(t, "system type", m.System.Type, SystemUserChangedUserID)
		eq(t, "user_id", m.System.UserID, "BR.2209876543210987654")
		eq(t, "previous_user_id", m.System.PreviousUserID, "BR.1502576394655843")
		eq(t, "previous_parent_user_id", m.System.PreviousParentUserID, "BR.ENT.11815799212886844830")
		eq(t, "contacts", len(v.Contacts), 0)
	}},
	{"bsuid_participants_remove_business_br.json", func(t *testing.T, p *Payload) {
		g := onlyGroup(t, p, FieldParticipants, EventParticipantsRemove)
		eq(t, "initiated_by", g.InitiatedBy, InitiatedByBusiness)
		eq(t, "BR input is a BSUID", IsBSUID(g.RemovedParticipants[0].Input), true)
		eq(t, "phone input is not", IsBSUID(g.RemovedParticipants[1].Input), false)
	}},
	{"bsuid_participants_remove_self_leave.json", func(t *testing.T, p *Payload) {
		g := onlyGroup(t, p, FieldParticipants, EventParticipantsRemove)
		// request_id is there, yet initiated_by says the person left.
		eq(t, "request_id", g.RequestID, "106540352242922")
		eq(t, "initiated_by", g.InitiatedBy, InitiatedByParticipant)
		r := g.RemovedParticipants[0]
		eq(t, "user_id", r.UserID, "IN.9876543210123")
		eq(t, "parent", r.ParentUserID, "IN.ENT.11815799212886844830")
		eq(t, "wa_id", r.WaID, "")
	}},
}
