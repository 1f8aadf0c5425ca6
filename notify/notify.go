// Package notify tells open pages what changed. It is the only place
// that knows the server-sent-event topics: workers and handlers report
// changes here after they are committed, and the events handler asks it
// which topics a page follows.
package notify

import (
	"strconv"
	"time"

	"groupdeck/store"
)

// Hub is the part of the SSE hub the notifier publishes to.
type Hub interface {
	Publish(topic, name, data string) uint64
	PublishEvery(topic, name, data string, every time.Duration)
}

const (
	// GlobalTopic is the feed every dashboard page can follow.
	GlobalTopic = "global"
	// CampaignsTopic is what campaign pages follow beside the global
	// feed: visits and 1:1 invite statuses, which change no group.
	CampaignsTopic = "campaigns"

	// globalEvery bounds how often the global topic tells pages to
	// re-fetch: every dashboard page follows it, and a webhook burst must
	// not make each of them re-fetch per delivery.
	globalEvery = 250 * time.Millisecond
	// groupEvery bounds how often a group's page re-fetches its
	// fragments: a burst of receipts (every message yields delivered and
	// read per participant) would otherwise cost each open page one
	// round of fragment renders per delivery. The first change after a
	// quiet spell still goes out at once, so a new message shows without
	// waiting; within a burst a page lags at most this much.
	groupEvery = 250 * time.Millisecond
	// campaignsEvery bounds the campaign pages' re-fetches however many
	// visits or invite sends arrive.
	campaignsEvery = time.Second
)

// GroupTopic is the feed of one group's page.
func GroupTopic(id int64) string { return "group:" + strconv.FormatInt(id, 10) }

// JobTopic is the feed of one job's progress page.
func JobTopic(id int64) string { return "job:" + strconv.FormatInt(id, 10) }

// Notifier publishes "changed" events. Call it only after the change is
// committed, so a page that re-fetches sees it.
type Notifier struct{ hub Hub }

// New returns a notifier publishing to hub.
func New(hub Hub) *Notifier { return &Notifier{hub: hub} }

// GroupsChanged refreshes every part of these groups' pages (event
// "changed"), for a change not narrowed down to parts; see PartsChanged.
func (n *Notifier) GroupsChanged(ids ...int64) { n.PartsChanged(store.AllParts, ids...) }

// PartsChanged refreshes the fragments of these groups' pages that show
// parts p, and the global feed.
func (n *Notifier) PartsChanged(p store.Part, ids ...int64) {
	for _, id := range ids {
		n.group(id, p)
	}
	if len(ids) > 0 && p&^store.PartReceipts != 0 {
		n.global()
	}
}

// Changed refreshes, per group, the fragments showing the parts that
// changed (a delivery's store.DeliveryResult.Parts, a transaction's
// store.Tx.TouchedParts).
func (n *Notifier) Changed(parts []store.GroupParts) {
	global := false
	for _, g := range parts {
		n.group(g.Group, g.Parts)
		global = global || g.Parts&^store.PartReceipts != 0
	}
	if global {
		n.global()
	}
}

// group publishes one event per part named (or "changed" for all of
// them) on the group's topic; each name is coalesced on its own, at most
// one per groupEvery, the first of a burst at once.
func (n *Notifier) group(id int64, p store.Part) {
	data := strconv.FormatInt(id, 10)
	for _, name := range EventNames(p) {
		n.hub.PublishEvery(GroupTopic(id), name, data, groupEvery)
	}
}

// global tells the global feed's pages (groups list, home, inbox) that
// groups changed, at most every globalEvery. Receipts alone change
// nothing they show, so they do not count.
func (n *Notifier) global() { n.hub.PublishEvery(GlobalTopic, "changed", "groups", globalEvery) }

// JobChanged refreshes open progress pages of a job.
func (n *Notifier) JobChanged(id int64) {
	n.hub.Publish(JobTopic(id), "changed", strconv.FormatInt(id, 10))
}

// CampaignEdited refreshes campaign pages at once after someone created
// or switched a campaign.
func (n *Notifier) CampaignEdited(id int64) {
	n.hub.Publish(CampaignsTopic, "changed", strconv.FormatInt(id, 10))
}

// CampaignsChanged refreshes campaign pages after visits or invite sends,
// at most every campaignsEvery.
func (n *Notifier) CampaignsChanged() {
	n.hub.PublishEvery(CampaignsTopic, "changed", "campaigns", campaignsEvery)
}

// Follow is what one page's event stream follows; the zero Follow is the
// global feed.
type Follow struct {
	Group int64 // one group's page
	Job   int64 // one job's progress page
	// Campaigns: campaign pages follow the global feed plus visits and
	// invite statuses.
	Campaigns bool
}

// Topics are the hub topics a stream following f subscribes to.
func (f Follow) Topics() []string {
	switch {
	case f.Campaigns:
		return []string{GlobalTopic, CampaignsTopic}
	case f.Group > 0:
		return []string{GroupTopic(f.Group)}
	case f.Job > 0:
		// And the global feed: a bulk create's rows say Creating… until
		// their group's create webhook arrives.
		return []string{JobTopic(f.Job), GlobalTopic}
	}
	return []string{GlobalTopic}
}
