package ingest

import (
	"context"
	"testing"

	"groupdeck/store"
)

// WhatsApp reports a join after an approved join request like a join
// through the invite link; groupdeck tells them apart by the request it
// closes (or the approval's "input" echo) and says so on the participant
// row, in the person's history and on the feed line, which links to them.
func TestJoinedViaJoinRequest(t *testing.T) {
	const approvedLine = "joined after their join request was approved"
	tests := []struct {
		name    string
		setup   func(f *fixture)
		via     string // of 222's participant row and latest join event
		line    string // 222's latest join line
		pending int
	}{
		{"a plain link join", func(f *fixture) { f.apply(joined("G1", "222", 170)) },
			store.ViaInviteLink, "joined", 0},
		{"a join that closes the person's pending request", func(f *fixture) {
			f.apply(joinRequest("G1", "group_join_request_created", "JR1", "222", 160))
			f.apply(joined("G1", "222", 170))
		}, store.ViaJoinRequest, approvedLine, 0},
		{"the business's approval (input echoed)", func(f *fixture) {
			f.apply(joinRequest("G1", "group_join_request_created", "JR1", "222", 160))
			f.apply(approved("G1", "222", 170))
		}, store.ViaJoinRequest, approvedLine, 0},
		{"staff approved through the API before the webhook came", func(f *fixture) {
			f.apply(joinRequest("G1", "group_join_request_created", "JR1", "222", 160))
			if err := f.st.DecideJoinRequests(context.Background(), f.g.ID, []string{"JR1"}, store.JoinApproved); err != nil {
				t.Fatal(err)
			}
			f.apply(approved("G1", "222", 170))
		}, store.ViaJoinRequest, approvedLine, 0},
		{"someone else's request stays open", func(f *fixture) {
			f.apply(joinRequest("G1", "group_join_request_created", "JR1", "333", 160))
			f.apply(joined("G1", "222", 170))
		}, store.ViaInviteLink, "joined", 1},
		{"a request made after the join is not answered by it", func(f *fixture) {
			f.apply(joinRequest("G1", "group_join_request_created", "JR1", "222", 180))
			f.apply(joined("G1", "222", 170))
		}, store.ViaInviteLink, "joined", 1},
		{"a later rejoin through the link", func(f *fixture) {
			f.apply(joinRequest("G1", "group_join_request_created", "JR1", "222", 160))
			f.apply(joined("G1", "222", 170))
			f.apply(left("G1", "222", 180))
			f.apply(joined("G1", "222", 190))
		}, store.ViaInviteLink, "joined", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.requested("r1")
			f.apply(created("r1", "G1"))
			tt.setup(f)
			ctx := context.Background()
			ps, err := f.st.Participants(ctx, f.g.ID)
			if err != nil || len(ps) != 1 || ps[0].Key != "222" || ps[0].JoinedVia != tt.via {
				t.Fatalf("participants: %+v, %v; want 222 joined via %s", ps, err, tt.via)
			}
			evs, err := f.st.PersonEvents(ctx, "222", store.EventCursor{}, 10)
			if err != nil || len(evs) == 0 || evs[0].Kind != store.EventJoined || evs[0].Via != tt.via {
				t.Fatalf("history: %+v, %v; want the latest a join via %s", evs, err, tt.via)
			}
			acts, err := f.st.RecentActivity(ctx, f.g.ID, 50)
			if err != nil {
				t.Fatal(err)
			}
			var line *store.ActivityItem
			for i := range acts {
				if acts[i].Kind == store.ActJoin {
					line = &acts[i]
					break
				}
			}
			if line == nil || line.Detail != tt.line || line.WhoKey != "222" {
				t.Fatalf("join line: %+v; want %q linked to 222", line, tt.line)
			}
			if g := f.group(); g.PendingRequests != tt.pending {
				t.Errorf("pending requests %d, want %d", g.PendingRequests, tt.pending)
			}
		})
	}
}

// Every feed line about a participant carries their key; lines about the
// group or by staff carry none.
func TestActivityLinesNameThePerson(t *testing.T) {
	f := newFixture(t)
	f.requested("r1")
	f.apply(created("r1", "G1"))
	f.apply(joinRequest("G1", "group_join_request_created", "JR1", "333", 150))
	f.apply(joined("G1", "222", 160))
	f.apply(inbound("G1", "wamid.IN", "222", "Ana", "hello"))
	f.apply(left("G1", "222", 300))
	acts, err := f.st.RecentActivity(context.Background(), f.g.ID, 50)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{store.ActCreated: "", store.ActRequest: "333", store.ActJoin: "222",
		store.ActMessage: "222", store.ActLeave: "222"}
	for _, a := range acts {
		k, ok := want[a.Kind]
		if !ok {
			t.Errorf("unexpected line %+v", a)
			continue
		}
		if a.WhoKey != k {
			t.Errorf("%s line %+v: who_key %q, want %q", a.Kind, a, a.WhoKey, k)
		}
		delete(want, a.Kind)
	}
	if len(want) > 0 {
		t.Errorf("lines missing: %v", want)
	}
}
