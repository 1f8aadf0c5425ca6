package views

import (
	"fmt"

	"groupdeck/store"
)

// ItemFailure is one item of a batch action that failed, and why.
type ItemFailure struct {
	Who    string
	Reason string
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func joinedVia(via string) string {
	switch via {
	case "":
		return ""
	case store.ViaInviteLink:
		return "via the invite link"
	case store.ViaJoinRequest:
		return "after their join request was approved"
	}
	return "via " + via
}

func changeText(c store.GroupChange) string {
	switch c.Kind {
	case store.ChangeSubject:
		return "Subject → “" + c.Value + "”"
	case store.ChangeDescription:
		if c.Value == "" {
			return "Description cleared"
		}
		return "Description changed"
	case store.ChangePhoto:
		return "New group photo"
	case store.ChangeRemove:
		return "Remove " + Phone(c.Target)
	case store.ChangeDelete:
		return "Delete the group"
	}
	return c.Kind
}

func itoa64(n int64) string { return fmt.Sprint(n) }

func requester(r store.JoinRequest) string {
	uid := r.UserID
	if uid == "" && r.WaID == "" {
		uid = r.MemberKey
	}
	return PersonName(r.Name, r.Username, r.WaID, uid)
}

func verb(action string) string {
	if action == "approve" {
		return "Approve"
	}
	return "Reject"
}

func verbed(action string) string {
	if action == "approve" {
		return "approved"
	}
	return "rejected"
}

func backTo(groupID int64) string {
	if groupID != 0 {
		return fmt.Sprintf("/groups/%d", groupID)
	}
	return "/requests"
}

// inviteTrigger refreshes the invite card live only while the group is
// being created; afterwards a live refresh would close an open Reset
// confirmation under the user's pointer.
func inviteTrigger(g *store.Group) string {
	if g.Status == store.GroupCreating {
		return "sse:changed, htmx:sseOpen from:#group-live"
	}
	return "htmx:sseOpen from:#group-live"
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

func groupParam(id int64) string {
	if id == 0 {
		return ""
	}
	return itoa64(id)
}

// personLabel names a participant for buttons: the name when known, and
// always the phone number.
func personLabel(p store.Participant) string {
	if aside := participantAside(p); aside != "" {
		return displayName(p) + " " + aside
	}
	return displayName(p)
}

// Plural is plural for handlers: "1 group", "3 groups".
func Plural(n int, one, many string) string { return plural(n, one, many) }

// decideClass styles a request decision's confirm: rejecting is
// destructive (the person must ask again), so it uses the danger style.
func decideClass(action string) string {
	if action == "reject" {
		return "danger"
	}
	return "primary"
}
