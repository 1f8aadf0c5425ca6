package notify

import "groupdeck/store"

// The event names on a group's topic. A live fragment of a group page
// re-fetches on the names of the parts it shows (hx-trigger
// "sse:participants, sse:changed…"), so a receipt does not re-render the
// participants list. Every fragment also listens to EventChanged.
const (
	// EventChanged: anything may have changed (the group's status, or a
	// change not narrowed down): every fragment re-fetches.
	EventChanged      = "changed"
	EventParticipants = "participants"
	EventMessages     = "messages"
	EventReceipts     = "receipts"
	EventRequests     = "requests"
	EventSettings     = "settings"
	EventActivity     = "activity"
	EventSchedules    = "schedules"
)

var partEvents = []struct {
	part store.Part
	name string
}{
	{store.PartParticipants, EventParticipants},
	{store.PartMessages, EventMessages},
	{store.PartReceipts, EventReceipts},
	{store.PartRequests, EventRequests},
	{store.PartSettings, EventSettings},
	{store.PartActivity, EventActivity},
	{store.PartSchedules, EventSchedules},
}

// EventNames are the events that tell a group's page parts p changed:
// one per part, or just EventChanged when every part did (one event, so
// a fragment showing several parts re-fetches once).
func EventNames(p store.Part) []string {
	if p&store.AllParts == store.AllParts {
		return []string{EventChanged}
	}
	var out []string
	for _, pe := range partEvents {
		if p&pe.part != 0 {
			out = append(out, pe.name)
		}
	}
	return out
}
