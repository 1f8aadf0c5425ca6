package views

import (
	"fmt"
	"net/url"

	"groupdeck/store"
)

// FeedView is one page of the home activity feed with its filters.
type FeedView struct {
	Items []store.ActivityItem
	More  bool // older items exist
	Kind  string
	Group string
}

// burstGap is how close in time lines must be to fold into one burst.
const burstGap = 10 * 60 * 1000

// burstMin is the shortest run shown folded; two lines read fine as two.
const burstMin = 3

// ActivityBurst is a run of lines of one kind by one person ("12 groups
// created by Ann"), or a single line.
type ActivityBurst struct {
	Items []store.ActivityItem
}

// bursts folds consecutive lines of the same kind, by the same person,
// each within burstGap of the previous, so a bulk action is one line.
func bursts(items []store.ActivityItem) []ActivityBurst {
	var out []ActivityBurst
	for _, a := range items {
		if n := len(out); n > 0 {
			last := out[n-1].Items[len(out[n-1].Items)-1]
			if last.Kind == a.Kind && last.Who == a.Who && last.At-a.At <= burstGap {
				out[n-1].Items = append(out[n-1].Items, a)
				continue
			}
		}
		out = append(out, ActivityBurst{Items: []store.ActivityItem{a}})
	}
	return out
}

// burstText says what a burst was, e.g. "12 groups created by Ann".
func burstText(b ActivityBurst) string {
	n, a := len(b.Items), b.Items[0]
	var s string
	switch a.Kind {
	case store.ActCreated:
		s = plural(n, "group", "groups") + " created"
	case store.ActDeleted:
		s = plural(n, "group", "groups") + " deleted"
	case store.ActJoin:
		s = plural(n, "person", "people") + " joined"
	case store.ActLeave:
		s = plural(n, "person", "people") + " left"
	case store.ActMessage:
		s = plural(n, "message", "messages")
	case store.ActRequest:
		s = plural(n, "join request", "join requests")
	default:
		s = fmt.Sprintf("%s × %d", activityLabel(a.Kind), n)
	}
	if a.Who != "" {
		s += " by " + readableWho(a.Who)
	}
	return s
}

func (f FeedView) olderURL() string {
	v := url.Values{}
	if len(f.Items) > 0 {
		v.Set("before", fmt.Sprint(f.Items[len(f.Items)-1].ID))
	}
	return "/home/activity/older?" + v.Encode()
}

// feedKinds are the kinds people can filter the feed by.
var feedKinds = []option{
	{"", "Everything"}, {store.ActJoin, "Joins"}, {store.ActLeave, "Leaves"}, {store.ActRequest, "Join requests"},
	{store.ActMessage, "Messages"}, {store.ActCreated, "Groups created"}, {store.ActDeleted, "Groups deleted"},
	{store.ActSettings, "Settings"}, {store.ActFailure, "Failures"}, {store.ActDrift, "Sync fixes"},
}
