package messaging

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"groupdeck/store"
)

// fakeStore keeps groups and the messages queued per job item.
type fakeStore struct {
	groups map[int64]*store.Group
	byItem map[int64]*store.Message
	items  []store.JobItem // what JobItems answers
}

func (f *fakeStore) GroupByID(_ context.Context, id int64) (*store.Group, error) {
	if g, ok := f.groups[id]; ok {
		return g, nil
	}
	return nil, store.ErrNotFound
}

func (f *fakeStore) MessageByJobItem(_ context.Context, key int64) (*store.Message, error) {
	if m, ok := f.byItem[key]; ok {
		return m, nil
	}
	return nil, store.ErrNotFound
}

func (f *fakeStore) QueueMessage(_ context.Context, m *store.Message) error {
	m.ID, m.State = int64(len(f.byItem)+1), store.MsgQueued
	f.byItem[m.JobItemID] = m
	return nil
}

func (f *fakeStore) QueueMessages(ctx context.Context, ms []*store.Message) error {
	for _, m := range ms {
		if old, ok := f.byItem[m.JobItemID]; ok {
			*m = *old
			continue
		}
		f.QueueMessage(ctx, m)
	}
	return nil
}

func (f *fakeStore) JobItems(context.Context, int64, int, int) ([]store.JobItem, error) {
	return f.items, nil
}

type notes struct{ ids []int64 }

func (n *notes) PartsChanged(_ store.Part, ids ...int64) { n.ids = append(n.ids, ids...) }

func TestBroadcasterRunItem(t *testing.T) {
	active := &store.Group{ID: 1, Subject: "Book club", Status: store.GroupActive, ParticipantCount: 3}
	empty := &store.Group{ID: 2, Subject: "New", Status: store.GroupActive}
	st := &fakeStore{groups: map[int64]*store.Group{1: active, 2: empty}, byItem: map[int64]*store.Message{}}
	wakes, n := 0, &notes{}
	b := &Broadcaster{Store: st, WakeOutbox: func() { wakes++ }, Notify: n}
	params, _ := json.Marshal(BroadcastParams{Kind: store.KindText, Body: "Hello all"})
	job := &store.Job{ID: 3, Params: params, CreatedBy: 5}
	ctx := context.Background()
	run := func(g *store.Group, seq int) (string, error) {
		return b.RunItem(ctx, job, &store.JobItem{Seq: seq, Input: BroadcastTarget(g)})
	}

	if _, err := run(active, 1); err == nil || err.Error() != "Sending" {
		t.Fatalf("first run: %v, want a retry while sending", err)
	}
	m := st.byItem[3_000_001]
	if m == nil || m.GroupID != 1 || m.Body != "Hello all" || m.CreatedBy != 5 || wakes != 1 || !slices.Equal(n.ids, []int64{1}) {
		t.Fatalf("queued %+v, %d wakes, notified %v", m, wakes, n.ids)
	}
	if _, err := run(active, 1); err == nil || err.Error() != "Sending" || len(st.byItem) != 1 || wakes != 1 {
		t.Fatalf("a rerun queued again: %v, %d messages", err, len(st.byItem))
	}
	m.State = store.MsgSent
	if res, err := run(active, 1); err != nil || res != "Sent to the group" {
		t.Errorf("sent: %q %v", res, err)
	}
	m.State, m.Error = store.MsgFailed, "WhatsApp refused it."
	if _, err := run(active, 1); err == nil || err.Error() != "WhatsApp refused it." {
		t.Errorf("failed: %v", err)
	}
	if _, err := run(empty, 2); err == nil || !strings.Contains(err.Error(), "131020") || len(st.byItem) != 1 {
		t.Errorf("group without participants: %v", err)
	}
	if _, err := run(&store.Group{ID: 9}, 3); err == nil || !strings.Contains(err.Error(), "no longer exists") {
		t.Errorf("deleted group: %v", err)
	}
	if _, err := b.RunItem(ctx, job, &store.JobItem{Seq: 4, Input: "junk"}); err == nil || !strings.Contains(err.Error(), "not a group") {
		t.Errorf("bad input: %v", err)
	}
}

// The first item queues the following pending items' messages with its
// own, for groups that can take one; the others are left to their own
// run, and a later item finds its message already queued.
func TestBroadcasterQueuesAhead(t *testing.T) {
	g1 := &store.Group{ID: 1, Subject: "One", Status: store.GroupActive, ParticipantCount: 3}
	g2 := &store.Group{ID: 2, Subject: "Two", Status: store.GroupActive, ParticipantCount: 2}
	empty := &store.Group{ID: 3, Subject: "Empty", Status: store.GroupActive}
	g4 := &store.Group{ID: 4, Subject: "Four", Status: store.GroupActive, ParticipantCount: 1}
	st := &fakeStore{groups: map[int64]*store.Group{1: g1, 2: g2, 3: empty, 4: g4}, byItem: map[int64]*store.Message{},
		items: []store.JobItem{
			{Seq: 2, Input: BroadcastTarget(g2), State: store.ItemPending},
			{Seq: 3, Input: BroadcastTarget(empty), State: store.ItemPending},
			{Seq: 4, Input: BroadcastTarget(g4), State: store.ItemDone},
		}}
	n := &notes{}
	b := &Broadcaster{Store: st, WakeOutbox: func() {}, Notify: n}
	params, _ := json.Marshal(BroadcastParams{Kind: store.KindText, Body: "Hello all"})
	job := &store.Job{ID: 7, Params: params}
	ctx := context.Background()
	if _, err := b.RunItem(ctx, job, &store.JobItem{Seq: 1, Input: BroadcastTarget(g1)}); err == nil || err.Error() != "Sending" {
		t.Fatalf("first item: %v", err)
	}
	if len(st.byItem) != 2 || st.byItem[7_000_001].GroupID != 1 || st.byItem[7_000_002].GroupID != 2 {
		t.Fatalf("queued %v, want items 1 and 2 only", st.byItem)
	}
	if !slices.Equal(n.ids, []int64{1, 2}) {
		t.Errorf("notified %v", n.ids)
	}
	st.byItem[7_000_002].State = store.MsgSent
	if res, err := b.RunItem(ctx, job, &store.JobItem{Seq: 2, Input: BroadcastTarget(g2)}); err != nil || res != "Sent to the group" || len(st.byItem) != 2 {
		t.Errorf("second item: %q %v, %d messages", res, err, len(st.byItem))
	}
	if _, err := b.RunItem(ctx, job, &store.JobItem{Seq: 3, Input: BroadcastTarget(empty)}); err == nil || !strings.Contains(err.Error(), "131020") {
		t.Errorf("empty group: %v", err)
	}
}
