package store

import "testing"

// A send to many queues its messages ahead in one commit, each item at
// most once; canceling the job takes back those the outbox has not
// claimed, and leaves the one being sent alone.
func TestQueueMessagesAndCancelTakesThemBack(t *testing.T) {
	s := mustOpen(t)
	ctx := t.Context()
	g := activeGroup(t, s, "W-many")
	j := &Job{Kind: "broadcast", Title: "send"}
	if err := s.CreateJob(ctx, j, []string{"a", "b", "c"}); err != nil {
		t.Fatal(err)
	}
	var ms []*Message
	for i := int64(1); i <= 3; i++ {
		ms = append(ms, &Message{GroupID: g, Kind: KindText, Body: "hi", JobItemID: j.ID*1_000_000 + i})
	}
	must(t, s.QueueMessages(ctx, ms))
	again := []*Message{{GroupID: g, Kind: KindText, Body: "hi", JobItemID: j.ID*1_000_000 + 2}}
	must(t, s.QueueMessages(ctx, again))
	if again[0].ID != ms[1].ID {
		t.Fatalf("queued item 2 twice: ids %d and %d", ms[1].ID, again[0].ID)
	}
	if got := claimID(t, s); got != ms[0].ID {
		t.Fatalf("claimed %d, want %d", got, ms[0].ID)
	}
	must(t, s.CancelJob(ctx, j.ID))
	if m := message(t, s, g, ms[0].ID); m.State != MsgSending {
		t.Errorf("the message being sent became %s", m.State)
	}
	for _, q := range ms[1:] {
		if m := message(t, s, g, q.ID); m.State != MsgFailed || m.Error != ReasonCanceled {
			t.Errorf("queued message %d after cancel: %s %q", q.ID, m.State, m.Error)
		}
	}
	if got := claimID(t, s); got != 0 {
		t.Errorf("claimed %d after the cancel", got)
	}
}
