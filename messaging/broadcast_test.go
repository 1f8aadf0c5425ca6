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

type notes struct{ ids []int64 }

func (n *notes) GroupsChanged(ids ...int64) { n.ids = append(n.ids, ids...) }

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
