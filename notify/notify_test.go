package notify

import (
	"slices"
	"testing"
	"time"

	"groupdeck/store"
)

type event struct {
	topic, name, data string
	every             time.Duration
}

type fakeHub struct{ got []event }

func (h *fakeHub) Publish(topic, name, data string) uint64 {
	h.got = append(h.got, event{topic, name, data, 0})
	return uint64(len(h.got))
}
func (h *fakeHub) PublishEvery(topic, name, data string, every time.Duration) {
	h.got = append(h.got, event{topic, name, data, every})
}

func TestNotifierTopics(t *testing.T) {
	const q = 250 * time.Millisecond
	for _, tc := range []struct {
		name string
		do   func(*Notifier)
		want []event
	}{
		{"groups", func(n *Notifier) { n.GroupsChanged(3, 4) },
			[]event{{"group:3", "changed", "3", q}, {"group:4", "changed", "4", q}, {"global", "changed", "groups", q}}},
		{"no groups", func(n *Notifier) { n.GroupsChanged() }, nil},
		{"parts", func(n *Notifier) { n.PartsChanged(store.PartMessages|store.PartActivity, 5) },
			[]event{{"group:5", "messages", "5", q}, {"group:5", "activity", "5", q}, {"global", "changed", "groups", q}}},
		// Receipts change nothing the global feed's pages show.
		{"receipts", func(n *Notifier) { n.PartsChanged(store.PartReceipts, 5) },
			[]event{{"group:5", "receipts", "5", q}}},
		{"a delivery's receipts", func(n *Notifier) { n.Changed([]store.GroupParts{{Group: 6, Parts: store.PartReceipts}}) },
			[]event{{"group:6", "receipts", "6", q}}},
		{"a delivery's join", func(n *Notifier) {
			n.Changed([]store.GroupParts{{Group: 6, Parts: store.PartParticipants | store.PartActivity}})
		}, []event{{"group:6", "participants", "6", q}, {"group:6", "activity", "6", q}, {"global", "changed", "groups", q}}},
		{"a delivery that changed nothing", func(n *Notifier) { n.Changed(nil) }, nil},
		{"job", func(n *Notifier) { n.JobChanged(9) }, []event{{"job:9", "changed", "9", 0}}},
		{"campaign edited", func(n *Notifier) { n.CampaignEdited(2) }, []event{{"campaigns", "changed", "2", 0}}},
		{"campaign activity", func(n *Notifier) { n.CampaignsChanged() }, []event{{"campaigns", "changed", "campaigns", time.Second}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := &fakeHub{}
			tc.do(New(h))
			if !slices.Equal(h.got, tc.want) {
				t.Errorf("got %v, want %v", h.got, tc.want)
			}
		})
	}
}

func TestEventNames(t *testing.T) {
	for _, tc := range []struct {
		p    store.Part
		want []string
	}{
		// Every part at once is one "changed", so a fragment showing
		// several parts re-fetches once.
		{store.AllParts, []string{"changed"}},
		{store.PartReceipts, []string{"receipts"}},
		{store.PartParticipants | store.PartActivity, []string{"participants", "activity"}},
		{store.PartSettings | store.PartRequests | store.PartSchedules, []string{"requests", "settings", "schedules"}},
		{0, nil},
	} {
		if got := EventNames(tc.p); !slices.Equal(got, tc.want) {
			t.Errorf("%b: %v, want %v", tc.p, got, tc.want)
		}
	}
	// Each part has its own name, and no two parts share one.
	seen := map[string]bool{}
	for p := store.Part(1); p < store.AllParts; p <<= 1 {
		names := EventNames(p)
		if len(names) != 1 || names[0] == EventChanged || seen[names[0]] {
			t.Errorf("part %b: names %v", p, names)
		}
		seen[names[0]] = true
	}
}
