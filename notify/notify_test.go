package notify

import (
	"slices"
	"testing"
	"time"
)

type event struct {
	topic, data string
	every       time.Duration
}

type fakeHub struct{ got []event }

func (h *fakeHub) Publish(topic, _, data string) uint64 {
	h.got = append(h.got, event{topic, data, 0})
	return uint64(len(h.got))
}
func (h *fakeHub) PublishEvery(topic, _, data string, every time.Duration) {
	h.got = append(h.got, event{topic, data, every})
}

func TestNotifierTopics(t *testing.T) {
	for _, tc := range []struct {
		name string
		do   func(*Notifier)
		want []event
	}{
		{"groups", func(n *Notifier) { n.GroupsChanged(3, 4) },
			[]event{{"group:3", "3", 250 * time.Millisecond}, {"group:4", "4", 250 * time.Millisecond}, {"global", "groups", 250 * time.Millisecond}}},
		{"no groups", func(n *Notifier) { n.GroupsChanged() }, nil},
		{"job", func(n *Notifier) { n.JobChanged(9) }, []event{{"job:9", "9", 0}}},
		{"campaign edited", func(n *Notifier) { n.CampaignEdited(2) }, []event{{"campaigns", "2", 0}}},
		{"campaign activity", func(n *Notifier) { n.CampaignsChanged() }, []event{{"campaigns", "campaigns", time.Second}}},
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

func TestFollowTopics(t *testing.T) {
	for _, tc := range []struct {
		f    Follow
		want []string
	}{
		{Follow{}, []string{"global"}},
		{Follow{Group: 4}, []string{"group:4"}},
		{Follow{Job: 2}, []string{"job:2", "global"}},
		{Follow{Campaigns: true}, []string{"global", "campaigns"}},
	} {
		if got := tc.f.Topics(); !slices.Equal(got, tc.want) {
			t.Errorf("%+v: %v, want %v", tc.f, got, tc.want)
		}
	}
}
