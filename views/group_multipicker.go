package views

import (
	"fmt"
	"net/url"

	"groupdeck/store"
)

// MultiPickerView chooses several groups out of thousands: the chosen
// ones are chips (each a hidden form field Name=id with a Remove button),
// and a search as you type lists groups to add. The chips live in the
// page, so a search never drops a choice.
type MultiPickerView struct {
	ID     string // element id prefix, unique on the page
	Name   string // the form field of each chosen id, e.g. "group"
	Label  string
	Search string
	Chosen []*store.Group // in the order chosen
	Groups []*store.Group // the search's results
	Total  int            // groups the search matches
	// Dropped counts chosen ids past the most a page keeps (MaxChosen).
	Dropped int
	// Selects is the id of a radio button that adding a group checks
	// (a schedule's "These groups"), or "".
	Selects string
}

// MaxChosen is the most groups a picker keeps as chips; larger sends use
// "all matching the filter".
const MaxChosen = 1000

func (m MultiPickerView) url() string {
	v := url.Values{"multi": {"1"}, "name": {m.Name}, "id": {m.ID}}
	return "/groups/pick?" + v.Encode()
}

// include sends the search box and the chosen ids with each search, so
// the results can say which are chosen already.
func (m MultiPickerView) include() string {
	return fmt.Sprintf("#%s-q, #%s-chosen input[name=%s]", m.ID, m.ID, m.Name)
}

func (m MultiPickerView) chosen(id int64) bool {
	for _, g := range m.Chosen {
		if g.ID == id {
			return true
		}
	}
	return false
}

// groupFacts tells groups with the same subject apart: fill, status, ids.
func groupFacts(g *store.Group) string {
	return fmt.Sprintf("%d/8 · %s · #%d · %s", g.ParticipantCount, statusWord(g), g.ID, ShortWaID(g))
}

func pressed(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
