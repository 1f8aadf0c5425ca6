package ingest

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"groupdeck/store"
)

// Shapes from Meta's BSUID page (docs/cloud-api.md#identifiers): user_id
// beside or instead of wa_id, usernames, parent BSUIDs, a contacts array
// beside group statuses, and the user_changed_user_id system message.

func joinedAs(gid, ref string, ts int) []byte {
	return envelope("group_participants_update", fmt.Sprintf(`"groups":[{"timestamp":"%d","group_id":%q,"type":"group_participants_add",
		"reason":"invite_link","added_participants":[%s]}]`, ts, gid, ref))
}

func leftAs(gid, ref, extra string, ts int) []byte {
	return envelope("group_participants_update", fmt.Sprintf(`"groups":[{"timestamp":"%d","group_id":%q,"type":"group_participants_remove",
		%s"removed_participants":[%s]}]`, ts, gid, extra, ref))
}

func groupStatus(wamid, st, participantFields, contacts string, ts int) []byte {
	return envelope("messages", fmt.Sprintf(`"contacts":[%s],"statuses":[{"id":%q,"status":%q,"timestamp":"%d","recipient_id":"G1",
		"recipient_type":"group",%s}]`, contacts, wamid, st, ts, participantFields))
}

func (f *fixture) people() []store.Participant {
	f.t.Helper()
	ps, err := f.st.Participants(context.Background(), f.g.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	return ps
}

func TestPhoneThatStopsAppearingIsOnePerson(t *testing.T) {
	f := newFixture(t)
	f.requested("r1")
	f.apply(created("r1", "G1"))
	// Known by phone first (before the rollout), then the contacts array of
	// a message gives phone and BSUID together, then only the BSUID.
	f.apply(joined("G1", "5511987654321", 300))
	f.apply(envelope("messages", `"contacts":[{"profile":{"name":"Bea","username":"bea.s"},"wa_id":"5511987654321","user_id":"BR.1502576394655843"}],
		"messages":[{"from":"5511987654321","from_user_id":"BR.1502576394655843","group_id":"G1","id":"wamid.IN1","timestamp":"310","type":"text","text":{"body":"oi"}}]`))
	ps := f.people()
	if len(ps) != 1 || ps[0].Key != "BR.1502576394655843" || ps[0].WaID != "5511987654321" || ps[0].Username != "bea.s" || ps[0].Name != "Bea" {
		t.Fatalf("after the contacts array: %+v", ps)
	}
	ctx := context.Background()
	m := &store.Message{GroupID: f.g.ID, Kind: "text", Body: "hi"}
	if err := f.st.QueueMessage(ctx, m); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.MessageSent(ctx, m.ID, "wamid.OUT"); err != nil {
		t.Fatal(err)
	}
	// delivered names the phone only, read names the BSUID only: one receipt.
	f.apply(status("wamid.OUT", "delivered", "5511987654321", 400))
	f.apply(groupStatus("wamid.OUT", "read", `"recipient_participant_user_id":"BR.1502576394655843"`,
		`{"profile":{"name":"Bea","username":"bea.s"},"user_id":"BR.1502576394655843"}`, 401))
	rs, err := f.st.Receipts(ctx, f.g.ID, "wamid.OUT")
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 || rs[0].DeliveredAt == 0 || rs[0].ReadAt == 0 || rs[0].Member != "BR.1502576394655843" {
		t.Fatalf("receipts split or lost: %+v", rs)
	}
	// A self-leave that names only the BSUID (phone withheld) removes her.
	f.apply(leftAs("G1", `{"user_id":"BR.1502576394655843","username":"bea.s"}`, `"initiated_by":"participant",`, 500))
	if ps := f.people(); len(ps) != 0 {
		t.Fatalf("still listed after leaving: %+v", ps)
	}
	if g := f.group(); g.ParticipantCount != 0 {
		t.Errorf("count %d", g.ParticipantCount)
	}
}

func TestBusinessRemovalByBSUIDOfAnyCountry(t *testing.T) {
	for _, id := range []string{"BR.1502576394655843", "IN.9876543210123", "DE.55501234567890", "US.ENT.11815799212886844830"} {
		t.Run(id, func(t *testing.T) {
			f := newFixture(t)
			f.requested("r1")
			f.apply(created("r1", "G1"))
			f.apply(joinedAs("G1", fmt.Sprintf(`{"user_id":%q,"username":"someone"}`, id), 300))
			f.apply(leftAs("G1", fmt.Sprintf(`{"input":%q}`, id), `"request_id":"77","initiated_by":"business",`, 400))
			if ps := f.people(); len(ps) != 0 {
				t.Fatalf("a removed member stays listed: %+v", ps)
			}
			acts, _ := f.st.RecentActivity(context.Background(), f.g.ID, 10)
			if len(acts) == 0 || acts[0].Kind != store.ActRemoved {
				t.Errorf("last activity %+v, want a removal", acts)
			}
		})
	}
}

func TestSelfLeaveWithRequestIDIsALeave(t *testing.T) {
	f := newFixture(t)
	f.requested("r1")
	f.apply(created("r1", "G1"))
	f.apply(joinedAs("G1", `{"wa_id":"16505551234","user_id":"US.13491208655302741918"}`, 300))
	// Meta's BSUID sample shows request_id in a self-leave block.
	f.apply(leftAs("G1", `{"wa_id":"16505551234","user_id":"US.13491208655302741918"}`, `"request_id":"9","initiated_by":"participant",`, 400))
	acts, _ := f.st.RecentActivity(context.Background(), f.g.ID, 10)
	if len(acts) == 0 || acts[0].Kind != store.ActLeave {
		t.Fatalf("last activity %+v, want a self-leave", acts)
	}
}

func TestUserChangedUserID(t *testing.T) {
	f := newFixture(t)
	f.requested("r1")
	f.apply(created("r1", "G1"))
	f.apply(joinedAs("G1", `{"user_id":"IN.1111111111111","username":"ravi"}`, 300))
	f.apply(envelope("messages", `"messages":[{"from_user_id":"IN.1111111111111","id":"wamid.SYS","timestamp":"350","type":"system",
		"system":{"body":"User ravi changed","type":"user_changed_user_id","user_id":"IN.2222222222222","previous_user_id":"IN.1111111111111"}}]`))
	ps := f.people()
	if len(ps) != 1 || ps[0].Key != "IN.2222222222222" || ps[0].Username != "ravi" {
		t.Fatalf("after user_changed_user_id: %+v", ps)
	}
	// An event still naming the old id finds the same person.
	f.apply(leftAs("G1", `{"input":"IN.1111111111111"}`, `"request_id":"5","initiated_by":"business",`, 400))
	if ps := f.people(); len(ps) != 0 {
		t.Fatalf("old BSUID made a second person: %+v", ps)
	}
}

func TestJoinRequestByUsernameOnlyThenJoin(t *testing.T) {
	f := newFixture(t)
	f.requested("r1")
	f.apply(created("r1", "G1"))
	f.apply(envelope("group_participants_update", `"groups":[{"timestamp":"300","group_id":"G1","type":"group_join_request_created",
		"reason":"admin_approval","join_request_id":"JR1","user_id":"DE.4242424242424242","parent_user_id":"DE.ENT.999999999999","username":"kai"}]`))
	if g := f.group(); g.PendingRequests != 1 {
		t.Fatalf("pending %d", g.PendingRequests)
	}
	f.apply(joinedAs("G1", `{"user_id":"DE.4242424242424242","username":"kai"}`, 310))
	if g := f.group(); g.PendingRequests != 0 {
		t.Errorf("request not closed by the join: %d pending", g.PendingRequests)
	}
	if keys := f.members(); !slices.Equal(keys, []string{"DE.4242424242424242"}) {
		t.Errorf("members %v", keys)
	}
}
