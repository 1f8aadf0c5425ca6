package views

import (
	"fmt"
	"net/url"

	"groupdeck/store"
)

// FeedView is one page of the home activity feed with its filters.
type FeedView struct {
	Items   []store.ActivityItem
	More    bool // older items exist (first and older pages); newer ones not shown (live page)
	Kind    string
	GroupID int64      // one group, chosen with Picker
	Group   string     // text search in group subjects
	Picker  PickerView // the group filter
	Live    bool       // the live first page, from Since on
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
		v.Set("before", fmt.Sprint(f.lowest()))
	}
	return "/home/activity/older?" + v.Encode()
}

func (f FeedView) lowest() int64 {
	if len(f.Items) == 0 {
		return 0
	}
	return f.Items[len(f.Items)-1].ID
}

// liveURL refreshes the first page from its lowest line on: new lines
// come in on top and the pages already loaded below stay where they are.
func (f FeedView) liveURL() string {
	v := url.Values{}
	if n := f.lowest(); n > 0 {
		v.Set("since", fmt.Sprint(n))
	}
	return "/home/activity/live?" + v.Encode()
}

// Query is the feed's filters as a link to the home page.
func (f FeedView) Query() string {
	v := url.Values{}
	if f.Kind != "" {
		v.Set("kind", f.Kind)
	}
	if f.GroupID > 0 {
		v.Set("group_id", fmt.Sprint(f.GroupID))
	}
	if f.Group != "" {
		v.Set("group", f.Group)
	}
	if len(v) == 0 {
		return "/"
	}
	return "/?" + v.Encode()
}

func (f FeedView) filtered() bool { return f.Kind != "" || f.GroupID > 0 || f.Group != "" }

// feedKinds are the kinds people can filter the feed by.
var feedKinds = []option{
	{"", "Everything"}, {store.ActJoin, "Joins"}, {store.ActLeave, "Leaves"}, {store.ActRequest, "Join requests"},
	{store.ActMessage, "Messages"}, {store.ActCreated, "Groups created"}, {store.ActDeleted, "Groups deleted"},
	{store.ActSettings, "Settings"}, {store.ActFailure, "Failures"}, {store.ActDrift, "Sync fixes"},
}
