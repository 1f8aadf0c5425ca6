package ingest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"groupdeck/store"
)

func groupEv(field, ev string) []byte {
	return envelope(field, `"groups":[`+ev+`]`)
}

func joinRequest(gid, typ, jr, wa string, ts int) []byte {
	return groupEv("group_participants_update", fmt.Sprintf(`{"timestamp":"%d","group_id":%q,"type":%q,
		"reason":"admin_approval","join_request_id":%q,"wa_id":%q}`, ts, gid, typ, jr, wa))
}

func approved(gid, wa string, ts int) []byte {
	return groupEv("group_participants_update", fmt.Sprintf(`{"timestamp":"%d","group_id":%q,"type":"group_participants_add",
		"reason":"invite_link","added_participants":[{"input":%q,"wa_id":%q}]}`, ts, gid, wa, wa))
}

func removedByBusiness(gid, req string, ok []string, failed []string, ts int) []byte {
	var rm, fl []string
	for _, o := range ok {
		rm = append(rm, fmt.Sprintf(`{"input":"+%s"}`, o))
	}
	for _, f := range failed {
		fl = append(fl, fmt.Sprintf(`{"input":"+%s","errors":[{"code":131212,"message":"m","title":"t","error_data":{"details":"Not a participant"}}]}`, f))
	}
	top := ""
	if len(failed) > 0 {
		top = `,"errors":[{"code":131201,"message":"Failed to remove some participants from the group","title":"t","error_data":{"details":"d"}}]`
	}
	return groupEv("group_participants_update", fmt.Sprintf(`{"timestamp":"%d","group_id":%q,"type":"group_participants_remove",
		"request_id":%q,"initiated_by":"business","removed_participants":[%s],"failed_participants":[%s]%s}`,
		ts, gid, req, strings.Join(rm, ","), strings.Join(fl, ","), top))
}

func settingsUpdate(gid, req string, subjectOK, descOK bool, ts int) []byte {
	errs := func(ok bool) string {
		if ok {
			return ""
		}
		return `,"errors":[{"code":131009,"message":"m","title":"t","error_data":{"details":"Description too long"}}]`
	}
	return groupEv("group_settings_update", fmt.Sprintf(`{"timestamp":"%d","group_id":%q,"type":"group_settings_update","request_id":%q,
		"group_subject":{"text":"New subject","update_successful":%t%s},
		"group_description":{"text":"New description","update_successful":%t%s}}`, ts, gid, req, subjectOK, errs(subjectOK), descOK, errs(descOK)))
}

func suspend(gid, typ string, ts int) []byte {
	return groupEv("group_status_update", fmt.Sprintf(`{"timestamp":"%d","type":%q,"group_id":%q}`, ts, typ, gid))
}

func deleted(gid string, ts int, fail bool) []byte {
	errs := ""
	if fail {
		errs = `,"errors":[{"code":131000,"message":"m","title":"t","error_data":{"details":"Try later"}}]`
	}
	return groupEv("group_lifecycle_update", fmt.Sprintf(`{"timestamp":"%d","group_id":%q,"type":"group_delete","request_id":"del-1"%s}`, ts, gid, errs))
}

// TestSequences replays sequences of deliveries — in order, duplicated,
// reordered, retried, for an unknown group first — and checks the final
// state and that nothing was lost or applied twice.
func TestSequences(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name     string
		before   func(f *fixture) // e.g. record a request the UI made
		steps    [][]byte
		outcomes []string // per step, when given
		check    func(t *testing.T, f *fixture)
	}{
		{
			name:     "join request created, duplicated, then approved",
			steps:    [][]byte{created("r1", "G1"), joinRequest("G1", "group_join_request_created", "JR1", "111", 150), joinRequest("G1", "group_join_request_created", "JR1", "111", 150), approved("G1", "111", 160)},
			outcomes: []string{"applied", "applied", "duplicate", "applied"},
			check: func(t *testing.T, f *fixture) {
				if g := f.group(); g.PendingRequests != 0 || g.ParticipantCount != 1 {
					t.Errorf("pending %d, count %d", g.PendingRequests, g.ParticipantCount)
				}
			},
		},
		{
			name:  "join request pending counts, revoked before created stays revoked",
			steps: [][]byte{created("r1", "G1"), joinRequest("G1", "group_join_request_created", "JR1", "111", 150), joinRequest("G1", "group_join_request_revoked", "JR2", "222", 170), joinRequest("G1", "group_join_request_created", "JR2", "222", 160)},
			check: func(t *testing.T, f *fixture) {
				if g := f.group(); g.PendingRequests != 1 {
					t.Errorf("pending %d, want 1 (JR1 only)", g.PendingRequests)
				}
			},
		},
		{
			name: "removal with partial failure keeps each person's outcome",
			before: func(f *fixture) {
				for _, who := range []string{"111", "999"} {
					if err := f.st.RecordChange(ctx, &store.GroupChange{GroupID: f.g.ID, Kind: store.ChangeRemove, RequestID: "rm1", Target: who}); err != nil {
						t.Fatal(err)
					}
				}
			},
			steps: [][]byte{created("r1", "G1"), joined("G1", "111", 150), joined("G1", "222", 151), removedByBusiness("G1", "rm1", []string{"111"}, []string{"999"}, 200)},
			check: func(t *testing.T, f *fixture) {
				if m := f.members(); len(m) != 1 || m[0] != "222" {
					t.Errorf("members %v", m)
				}
				rs, _ := f.st.RecentChanges(ctx, f.g.ID, 10)
				got := map[string]string{}
				for _, r := range rs {
					got[r.Target] = r.State + "|" + r.Error
				}
				if got["111"] != "done|" || !strings.HasPrefix(got["999"], "failed|") || !strings.Contains(got["999"], "Not a participant") || len(rs) != 2 {
					t.Errorf("removal results %v", got)
				}
				acts, _ := f.st.RecentActivity(ctx, f.g.ID, 1)
				if len(acts) != 1 || acts[0].Kind != store.ActFailure || !strings.Contains(acts[0].Detail, "Not a participant") {
					t.Errorf("failed removal not in the feed: %+v", acts)
				}
			},
		},
		{
			name: "settings: one setting succeeds, one fails, matched by request id",
			before: func(f *fixture) {
				for _, kind := range []string{store.ChangeSubject, store.ChangeDescription} {
					if err := f.st.RecordChange(ctx, &store.GroupChange{GroupID: f.g.ID, Kind: kind, RequestID: "set1", Value: "New " + kind}); err != nil {
						t.Fatal(err)
					}
				}
			},
			steps: [][]byte{created("r1", "G1"), settingsUpdate("G1", "set1", true, false, 300), settingsUpdate("G1", "set1", true, false, 300)},
			check: func(t *testing.T, f *fixture) {
				g := f.group()
				if g.Subject != "New subject" || g.Description != "" {
					t.Errorf("group subject %q description %q", g.Subject, g.Description)
				}
				cs, _ := f.st.RecentChanges(ctx, f.g.ID, 10)
				got := map[string]string{}
				for _, c := range cs {
					got[c.Kind] = c.State
				}
				if len(cs) != 2 || got["subject"] != "done" || got["description"] != "failed" {
					t.Errorf("settings changes %+v", cs)
				}
			},
		},
		{
			name:  "settings result nobody recorded is still shown",
			steps: [][]byte{created("r1", "G1"), settingsUpdate("G1", "other", true, true, 300)},
			check: func(t *testing.T, f *fixture) {
				acts, _ := f.st.RecentActivity(ctx, f.g.ID, 10)
				n := 0
				for _, a := range acts {
					if a.Kind == store.ActSettings {
						n++
					}
				}
				if n != 2 || f.group().Description != "New description" {
					t.Errorf("settings lines %d, group %+v", n, f.group())
				}
			},
		},
		{
			name:  "suspend and clear, reordered, ends on the newest",
			steps: [][]byte{created("r1", "G1"), suspend("G1", "group_suspend_cleared", 400), suspend("G1", "group_suspend", 300)},
			check: func(t *testing.T, f *fixture) {
				if f.group().Suspended {
					t.Error("a stale suspend overrode the newer clear")
				}
			},
		},
		{
			name:  "suspend in order",
			steps: [][]byte{created("r1", "G1"), suspend("G1", "group_suspend", 300)},
			check: func(t *testing.T, f *fixture) {
				if !f.group().Suspended {
					t.Error("not suspended")
				}
			},
		},
		{
			name:     "delete before create is kept, then applied",
			steps:    [][]byte{joined("G1", "111", 150), deleted("G1", 500, false), created("r1", "G1")},
			outcomes: []string{"deferred", "deferred", "applied"},
			check: func(t *testing.T, f *fixture) {
				if g := f.group(); g.Status != store.GroupDeleted || g.ParticipantCount != 0 {
					t.Errorf("group %+v", g)
				}
				counts, _ := f.st.DeliveryCounts(ctx)
				if counts["deferred"] != 0 || counts["applied"] != 3 {
					t.Errorf("deferred deliveries not resolved: %v", counts)
				}
			},
		},
		{
			name:     "a retried delivery for an unknown group is kept once",
			steps:    [][]byte{joined("G1", "111", 150), joined("G1", "111", 150), created("r1", "G1"), joined("G1", "111", 150)},
			outcomes: []string{"deferred", "duplicate", "applied", "duplicate"},
			check: func(t *testing.T, f *fixture) {
				acts, _ := f.st.RecentActivity(ctx, f.g.ID, 10)
				if len(acts) != 2 || f.group().ParticipantCount != 1 { // created, joined once
					t.Errorf("activity %+v", acts)
				}
			},
		},
		{
			name:  "delete failure keeps the group and says why",
			steps: [][]byte{created("r1", "G1"), deleted("G1", 500, true)},
			check: func(t *testing.T, f *fixture) {
				if g := f.group(); g.Status != store.GroupActive {
					t.Errorf("group %+v", g)
				}
				acts, _ := f.st.RecentActivity(ctx, f.g.ID, 1)
				if len(acts) != 1 || !strings.Contains(acts[0].Detail, "Try later") {
					t.Errorf("delete failure not shown: %+v", acts)
				}
			},
		},
		{
			name:  "leave then its join, retried, stays out",
			steps: [][]byte{created("r1", "G1"), left("G1", "111", 300), joined("G1", "111", 200), left("G1", "111", 300), joined("G1", "111", 200)},
			check: func(t *testing.T, f *fixture) {
				if m := f.members(); len(m) != 0 {
					t.Errorf("members %v", m)
				}
			},
		},
		{
			name:     "malformed and not-WhatsApp deliveries are kept as failed",
			steps:    [][]byte{[]byte(`{"entry":`), []byte(`{"object":"page","entry":[]}`), created("r1", "G1"), joined("G1", "", 100)},
			outcomes: []string{"failed", "failed", "applied", "failed"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.requested("r1")
			if tt.before != nil {
				tt.before(f)
			}
			for i, body := range tt.steps {
				res := f.apply(body)
				if tt.outcomes != nil && res.Outcome != tt.outcomes[i] {
					t.Errorf("step %d: outcome %s (%s), want %s", i, res.Outcome, res.Error, tt.outcomes[i])
				}
			}
			if tt.check != nil {
				tt.check(t, f)
			}
		})
	}
}

// TestBatchOf1000 applies one delivery with 1,000 changes, then the same
// delivery again: everything applies once, and the retry is a duplicate.
func TestBatchOf1000(t *testing.T) {
	f := newFixture(t)
	f.requested("r1")
	f.apply(created("r1", "G1"))
	var items []string
	for i := 0; i < 1000; i++ {
		items = append(items, fmt.Sprintf(`{"from":"111","group_id":"G1","id":"wamid.B%d","timestamp":"200","type":"text","text":{"body":"m%d"}}`, i, i))
	}
	body := envelope("messages", `"contacts":[{"profile":{"name":"A"},"wa_id":"111"}],"messages":[`+strings.Join(items, ",")+`]`)
	if res := f.apply(body); res.Outcome != store.OutcomeApplied {
		t.Fatalf("batch: %+v", res)
	}
	if res := f.apply(body); res.Outcome != store.OutcomeDuplicate {
		t.Fatalf("retried batch: %+v", res)
	}
	ms, _ := f.st.Messages(context.Background(), f.g.ID, 2000)
	if len(ms) != 1000 {
		t.Errorf("%d messages, want 1000", len(ms))
	}
	acts, _ := f.st.RecentActivity(context.Background(), f.g.ID, 2000)
	if n := len(acts); n != 1001 { // 1,000 messages and the create
		t.Errorf("%d activity lines, want 1001", n)
	}
}

// TestBatchIsolatesABadChange: one bad change in a batch fails only
// itself; a replay after the cause is gone applies just that change.
func TestBatchIsolatesABadChange(t *testing.T) {
	f := newFixture(t)
	f.requested("r1")
	f.apply(created("r1", "G1"))
	good := `{"timestamp":"150","group_id":"G1","type":"group_participants_add","reason":"invite_link","added_participants":[{"wa_id":"111"}]}`
	bad := `{"timestamp":"150","group_id":"G1","type":"group_participants_add","reason":"invite_link","added_participants":[{}]}`
	body := groupEv("group_participants_update", good+","+bad)
	res := f.apply(body)
	if res.Outcome != store.OutcomeFailed || !strings.Contains(res.Error, "without wa_id") {
		t.Fatalf("batch with a bad change: %+v", res)
	}
	if m := f.members(); len(m) != 1 {
		t.Fatalf("the good change was held back: %v", m)
	}
	again, err := f.in.Replay(context.Background(), res.ID)
	if err != nil {
		t.Fatal(err)
	}
	if again.ID != res.ID || again.Outcome != store.OutcomeFailed {
		t.Errorf("replay: %+v", again)
	}
	if g := f.group(); g.ParticipantCount != 1 {
		t.Errorf("replay applied the good change twice? count %d", g.ParticipantCount)
	}
	counts, _ := f.st.DeliveryCounts(context.Background())
	if counts["failed"] != 1 {
		t.Errorf("replay must update the same row: %v", counts)
	}
}

// TestReplayAfterFix: a delivery that failed because its group was in a
// state the code rejected is replayed from the stored body.
func TestReplayFailedDelivery(t *testing.T) {
	f := newFixture(t)
	f.requested("r1")
	res := f.apply(created("r1", "")) // no group_id: rejected
	if res.Outcome != store.OutcomeFailed {
		t.Fatalf("create without group id: %+v", res)
	}
	if _, err := f.in.Replay(context.Background(), 9999); err == nil {
		t.Error("replaying a missing delivery succeeded")
	}
	d, err := f.st.DeliveryByID(context.Background(), res.ID)
	if err != nil || !strings.Contains(string(d.Body), "group_create") {
		t.Fatalf("stored body: %v %v", d, err)
	}
	again, err := f.in.Replay(context.Background(), res.ID)
	if err != nil || again.Outcome != store.OutcomeFailed {
		t.Errorf("replay of a still-bad delivery: %+v %v", again, err)
	}
}

func TestActivityAndCounters(t *testing.T) {
	f := newFixture(t)
	f.requested("r1")
	for _, b := range [][]byte{created("r1", "G1"), joined("G1", "111", 150), joined("G1", "111", 150),
		inbound("G1", "wamid.IN", "111", "Ana", "hello"), joinRequest("G1", "group_join_request_created", "JR1", "222", 160),
		left("G1", "111", 170)} {
		f.apply(b)
	}
	acts, _ := f.st.RecentActivity(context.Background(), 0, 50)
	var kinds []string
	for _, a := range acts {
		kinds = append(kinds, a.Kind)
	}
	if got := strings.Join(kinds, ","); got != "leave,request,message,join,created" {
		t.Errorf("activity %s", got)
	}
	c, err := f.st.DashboardCounters(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if c.ActiveGroups != 1 || c.Participants != 0 || c.JoinsToday != 1 || c.PendingRequests != 1 || c.MessagesToday != 1 {
		t.Errorf("counters %+v", c)
	}
}
