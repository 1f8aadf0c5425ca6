package campaigns

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"groupdeck/store"
	"groupdeck/whatsapp"
)

// A list may name people by business-scoped user id when they share no
// number: the invite goes to it as is (in "recipient"), and someone whose
// phone is stored under their BSUID is recognised as already a member.
func TestInvitesToBSUIDs(t *testing.T) {
	lines, err := ParsePhones(strings.NewReader("user_id\nBR.1502576394655843\n+1 650 555 0002\nbr.123\nBR.1502576394655843\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := Valid(lines); !slices.Equal(got, []string{"BR.1502576394655843", "16505550002"}) {
		t.Fatalf("valid %v (lines %+v)", got, lines)
	}
	if lines[2].Err == "" || !lines[3].Duplicate {
		t.Errorf("lines %+v", lines)
	}

	st := openStore(t)
	g := activeGroup(t, st, "wa-g1", "https://chat.whatsapp.com/A")
	// A member known by phone and BSUID: the list names them by phone.
	_, err = st.WithTx(context.Background(), func(tx *store.Tx) error {
		return tx.ParticipantJoined(g.ID, store.Member{WaID: "5511900000001", UserID: "BR.9999999999999"}, "invite_link", time.Now().UnixMilli())
	})
	if err != nil {
		t.Fatal(err)
	}
	c := newCampaign(t, st, g.ID)
	wa := &fakeSender{}
	j := inviteJob(t, st, c.ID, []string{"BR.1502576394655843", "5511900000001", "16505550002"})
	j = runUntilDone(t, st, &Inviter{Store: st, WA: wa, Template: whatsapp.Template{Name: "group_invite_link", Language: "en_US"}}, j.ID)
	if j.Done != 2 || j.Skipped != 1 {
		t.Fatalf("job %+v", j)
	}
	if got := wa.sent(); !slices.Equal(got, []string{"BR.1502576394655843", "+16505550002"}) {
		t.Fatalf("sent to %v", got)
	}
}

// Attribution is keyed by the person: an invite sent by phone credits the
// person whose row is keyed by their BSUID, and an invite sent to a BSUID
// credits a username member with no phone.
func TestAttributeByIdentity(t *testing.T) {
	as := Attribute(Inputs{
		Sends: []store.InviteSend{sent(1, 10, "5511900000001", 100*sec), sent(2, 10, "IN.4242424242424", 100*sec)},
		Memberships: []store.Membership{
			{GroupID: 10, Key: "BR.9999999999999", WaID: "5511900000001", State: "member", JoinedAt: 200 * sec},
			{GroupID: 10, Key: "IN.4242424242424", Username: "ravi", State: "member", JoinedAt: 210 * sec},
		},
	})
	got := map[string]int64{}
	for _, a := range as {
		if a.Attribution != nil {
			got[a.Key] = a.Attribution.CampaignID
		}
	}
	if got["BR.9999999999999"] != 1 || got["IN.4242424242424"] != 2 {
		t.Fatalf("credited %v", got)
	}
}
