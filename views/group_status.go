package views

import "groupdeck/store"

// ChangeRefusal says why a group cannot be changed right now — WhatsApp
// would refuse the call, or there is no group to change — or "" when it
// can. The group page disables its controls with this reason, and the
// handlers refuse with it, so both say the same.
func ChangeRefusal(g *store.Group) string {
	switch {
	case g.Status == store.GroupCreating:
		return "WhatsApp has not confirmed this group yet; this changes by itself within a few seconds."
	case g.Status == store.GroupFailed:
		return "WhatsApp could not create this group, so there is nothing to change. Create it again."
	case g.Status == store.GroupDeleting:
		return "This group is being deleted; WhatsApp confirms it within a few seconds."
	case g.Status == store.GroupDeleted:
		return "This group was deleted, so it cannot be changed."
	case g.Status != store.GroupActive || g.WaGroupID == "":
		return "This group is not active, so it cannot be changed."
	case g.Suspended:
		return "WhatsApp suspended this group (131207): nothing can be changed until the suspension is lifted."
	}
	return ""
}

// StatusKey names the state every status-dependent part of a group page
// follows. The page sends the key it shows with each summary refresh;
// when it differs, the answer carries those parts too.
func StatusKey(g *store.Group) string {
	if g.Suspended && g.Status == store.GroupActive {
		return "suspended"
	}
	return g.Status
}
