// Package messaging holds what sending to groups means beyond one HTTP
// request: when a group cannot be messaged at all, and the job that sends
// one message to many groups.
package messaging

import (
	"fmt"

	"groupdeck/store"
	"groupdeck/whatsapp"
)

// Refusal says why a group cannot be messaged at all right now, or ""
// when it can. WhatsApp would refuse these sends with the codes given.
func Refusal(g *store.Group) string {
	switch {
	case g.Status != store.GroupActive:
		return "This group is not active, so it cannot receive messages."
	case g.Suspended:
		return fmt.Sprintf("WhatsApp suspended this group (%d), so it cannot receive messages until the suspension is lifted.", whatsapp.CodeGroupSuspended)
	case NobodyJoined(g):
		return fmt.Sprintf("Nobody has joined this group yet; WhatsApp refuses messages to a group with no participant (%d). Share the invite link first.", whatsapp.CodeNoParticipants)
	}
	return ""
}

// SkipReason says in a few words why a send to many groups leaves g out,
// or "" when g can be messaged; a review counts the skipped groups by it.
// It agrees with Refusal: one is "" exactly when the other is.
func SkipReason(g *store.Group) string {
	switch {
	case g.Status == store.GroupDeleted || g.Status == store.GroupDeleting:
		return "deleted"
	case g.Status == store.GroupCreating:
		return "not active: still being created"
	case g.Status != store.GroupActive:
		return "not active: " + g.Status
	case g.Suspended:
		return "suspended by WhatsApp"
	case g.ParticipantCount == 0:
		return "nobody joined yet"
	}
	return ""
}

// NobodyJoined reports whether g could be messaged but for having no
// participant yet: the normal state of a new group, which the group page
// shows as a next step (share the invite link) rather than as a failure.
func NobodyJoined(g *store.Group) bool {
	return g.Status == store.GroupActive && !g.Suspended && g.ParticipantCount == 0
}
