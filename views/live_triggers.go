package views

import (
	"strings"

	"groupdeck/notify"
)

// liveTrigger is the hx-trigger of a fragment following a group's event
// stream (the element with id liveID): it re-fetches when the stream
// (re)opens, on "changed" (anything may have changed), and on the events
// naming the parts it shows (notify.EventNames), so a receipt re-fetches
// the timeline but not the participants list. Pair it with liveSync.
func liveTrigger(liveID string, events ...string) string {
	var b strings.Builder
	b.WriteString("sse:" + notify.EventChanged)
	for _, e := range events {
		b.WriteString(", sse:" + e)
	}
	b.WriteString(", htmx:sseOpen from:#" + liveID)
	return b.String()
}

// liveSync is the hx-sync of every live fragment: an event arriving while
// the fragment's request is in flight queues one more request instead of
// being dropped (htmx's default), so a leave followed at once by a rejoin
// never leaves the list showing the leave. Further events meanwhile fold
// into that one queued request.
const liveSync = "this:queue last"

// Events each live fragment of a group page re-fetches on.
var (
	summaryEvents      = []string{notify.EventSettings}
	changesEvents      = []string{notify.EventSettings}
	requestsEvents     = []string{notify.EventRequests}
	participantsEvents = []string{notify.EventParticipants}
	timelineEvents     = []string{notify.EventMessages, notify.EventReceipts}
	windowEvents       = []string{notify.EventMessages, notify.EventParticipants} // the price counts them; nobody in it refuses sends
	schedulesEvents    = []string{notify.EventSchedules}
	activityEvents     = []string{notify.EventActivity}
	campaignsEvents    = []string{notify.EventParticipants} // who each link brought
	receiptsEvents     = []string{notify.EventReceipts, notify.EventMessages, notify.EventParticipants}
	photoEvents        = []string{notify.EventSettings}
	chartEvents        = []string{notify.EventParticipants}
)
