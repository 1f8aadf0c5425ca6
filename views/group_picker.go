package views

import (
	"fmt"
	"net/url"
	"strings"

	"groupdeck/store"
)

// PickerLimit is how many groups the picker lists at once; people type to
// narrow the rest (a number can have 10,000 groups).
const PickerLimit = 20

// PickerView is a searchable group picker: radio buttons named Name with
// values Prefix+id ("group:12"), so it drops into any form that chooses a
// group.
type PickerView struct {
	ID       string // element id prefix, unique on the page
	Name     string // the form field, e.g. "target"
	Prefix   string // before the id in the value, e.g. "group:"
	Label    string
	Search   string
	Selected int64 // kept listed first whatever the search
	Groups   []*store.Group
	Total    int
	Any      bool // offer "Any group" (value "") first, e.g. for a filter
	// CanCreate links the empty state to the New group page: the next
	// step for someone allowed to take it.
	CanCreate bool
}

func (p PickerView) url() string {
	v := url.Values{"name": {p.Name}, "prefix": {p.Prefix}, "id": {p.ID}}
	if p.Any {
		v.Set("any", "1")
	}
	return "/groups/pick?" + v.Encode()
}

func (p PickerView) value(g *store.Group) string { return fmt.Sprintf("%s%d", p.Prefix, g.ID) }

// include sends the search box and the current choice with each search.
func (p PickerView) include() string {
	return fmt.Sprintf("#%s-q, #%s-results input[name=%s]:checked", p.ID, p.ID, p.Name)
}

// ShortWaID is the end of the group's WhatsApp id, enough to tell two
// groups with the same subject apart at a glance.
func ShortWaID(g *store.Group) string {
	id := g.WaGroupID
	if i := strings.LastIndexAny(id, ":@"); i >= 0 {
		id = id[:i]
	}
	if len(id) > 6 {
		id = "…" + id[len(id)-6:]
	}
	return id
}

func statusWord(g *store.Group) string {
	switch StatusKey(g) {
	case "suspended":
		return "suspended"
	case store.GroupCreating:
		return "creating"
	case store.GroupActive:
		return "active"
	case store.GroupFailed:
		return "failed"
	case store.GroupDeleting:
		return "deleting"
	}
	return "deleted"
}
