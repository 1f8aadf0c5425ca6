package ingest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"groupdeck/store"
)

// state is what a change can leave behind: feed lines, messages, members
// and their states, counts, receipts.
func (f *fixture) state() string {
	ctx := context.Background()
	var b strings.Builder
	acts, err := f.st.RecentActivity(ctx, f.g.ID, 1000)
	if err != nil {
		f.t.Fatal(err)
	}
	for _, a := range acts {
		fmt.Fprintf(&b, "act %s %s %s %s|", a.Kind, a.Who, a.WhoKey, a.Detail)
	}
	ms, err := f.st.Messages(ctx, f.g.ID, 1000)
	if err != nil {
		f.t.Fatal(err)
	}
	for _, m := range ms {
		fmt.Fprintf(&b, "msg %s|", m.WAMID)
		rs, err := f.st.Receipts(ctx, f.g.ID, m.WAMID)
		if err != nil {
			f.t.Fatal(err)
		}
		fmt.Fprintf(&b, "receipts %+v|", rs)
	}
	ps, err := f.st.Participants(ctx, f.g.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	for _, p := range ps {
		fmt.Fprintf(&b, "member %s %s %s|", p.Key, p.State, p.JoinedVia)
	}
	g := f.group()
	fmt.Fprintf(&b, "count %d pending %d status %s", g.ParticipantCount, g.PendingRequests, g.Status)
	return b.String()
}

// A delivery Meta retries after its de-duplication key was pruned is
// applied again (the key is gone) but must change nothing: each change
// kind's apply is idempotent when its effect is already present.
func TestRetriedAfterPrunedKeyAppliesOnce(t *testing.T) {
	tests := []struct {
		name  string
		setup [][]byte
		retry []byte
	}{
		{"inbound message", [][]byte{inbound("G1", "wamid.IN", "111", "Ana", "hello")}, inbound("G1", "wamid.IN", "111", "Ana", "hello")},
		{"participant join", [][]byte{joined("G1", "111", 150)}, joined("G1", "111", 150)},
		{"join after a newer leave", [][]byte{joined("G1", "111", 150), left("G1", "111", 170)}, joined("G1", "111", 150)},
		{"join request", [][]byte{joinRequest("G1", "group_join_request_created", "JR1", "222", 160)},
			joinRequest("G1", "group_join_request_created", "JR1", "222", 160)},
		{"join that closed a pending request", [][]byte{joinRequest("G1", "group_join_request_created", "JR1", "222", 160), joined("G1", "222", 170)},
			joined("G1", "222", 170)},
		{"approval of a request", [][]byte{joinRequest("G1", "group_join_request_created", "JR1", "222", 160), approved("G1", "222", 170)},
			approved("G1", "222", 170)},
		{"join request after approval", [][]byte{joinRequest("G1", "group_join_request_created", "JR1", "222", 160), approved("G1", "222", 170)},
			joinRequest("G1", "group_join_request_created", "JR1", "222", 160)},
		{"failed status", [][]byte{inbound("G1", "wamid.IN", "111", "Ana", "hello"), status("wamid.IN", "failed", "111", 210)},
			status("wamid.IN", "failed", "111", 210)},
		{"read status", [][]byte{inbound("G1", "wamid.IN", "111", "Ana", "hello"), status("wamid.IN", "read", "111", 210)},
			status("wamid.IN", "read", "111", 210)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			f.st.Now = func() time.Time { return now }
			f.requested("r1")
			f.apply(created("r1", "G1"))
			for _, b := range tt.setup {
				f.apply(b)
			}
			if res := f.apply(tt.retry); res.Outcome != store.OutcomeDuplicate {
				t.Fatalf("retry inside the window: %s, want duplicate", res.Outcome)
			}
			before := f.state()
			now = now.Add(15 * 24 * time.Hour)
			res, err := f.st.Prune(context.Background(), store.Retention{Applied: 30 * 24 * time.Hour, Dedup: 14 * 24 * time.Hour, Pause: time.Microsecond})
			if err != nil || res.Keys == 0 {
				t.Fatalf("prune: %+v, %v", res, err)
			}
			f.apply(tt.retry)
			if after := f.state(); after != before {
				t.Errorf("applied twice:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
}

// A change waiting for its group keeps only a reference to its delivery,
// and applies from the stored body when the group appears.
func TestWaitingChangeKeptByReference(t *testing.T) {
	f := newFixture(t)
	body := envelope("group_participants_update", `"groups":[
		{"timestamp":"150","group_id":"G1","type":"group_participants_add","reason":"invite_link","added_participants":[{"wa_id":"111"}]},
		{"timestamp":"151","group_id":"G1","type":"group_participants_add","reason":"invite_link","added_participants":[{"wa_id":"222"}]}]`)
	if res := f.apply(body); res.Outcome != store.OutcomeDeferred {
		t.Fatalf("outcome %s, want deferred", res.Outcome)
	}
	if res := f.apply(body); res.Outcome != store.OutcomeDuplicate {
		t.Fatalf("retry: outcome %s, want duplicate (already waiting)", res.Outcome)
	}
	f.requested("r1")
	f.apply(created("r1", "G1"))
	if got := strings.Join(f.members(), ","); got != "111,222" {
		t.Fatalf("members %q, want 111,222 (both items, once)", got)
	}
}
