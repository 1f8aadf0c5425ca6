package views

import (
	"fmt"

	"groupdeck/store"
)

// SelectionReview is a bulk action on groups chosen in the list: what it
// will change, what it leaves out and why, and afterwards what happened.
type SelectionReview struct {
	Action  string // reset, delete, pool
	Back    string // the list, with its filters
	Groups  []*store.Group
	Skipped []SelectionItem
	Done    []SelectionItem
	Pools   []*store.Pool
	Token   string
	Typed   string // the typed confirmation of a delete
	Error   string
	Errors  map[string]string
	// PoolName is the pool the groups were added to.
	PoolName string
}

// SelectionItem is one group and what happened to it, or why it is left out.
type SelectionItem struct {
	Group   *store.Group
	Outcome string
	Failed  bool
}

// DeletePhrase is what a person types to confirm a bulk delete.
func (r SelectionReview) DeletePhrase() string {
	return "delete " + plural(len(r.Groups), "group", "groups")
}

func (r SelectionReview) verb() string {
	switch r.Action {
	case "delete":
		return "Delete"
	case "reset":
		return "Reset the invite links of"
	}
	return "Add to a pool:"
}

func (r SelectionReview) failed() int {
	n := 0
	for _, d := range r.Done {
		if d.Failed {
			n++
		}
	}
	return n
}

func (r SelectionReview) doneSummary() string {
	ok := len(r.Done) - r.failed()
	switch r.Action {
	case "delete":
		return fmt.Sprintf("Deletion requested for %s; WhatsApp confirms each shortly.", plural(ok, "group", "groups"))
	case "reset":
		return fmt.Sprintf("New invite links for %s. Every earlier copy of those links has stopped working.", plural(ok, "group", "groups"))
	}
	return fmt.Sprintf("%s added to the pool %s.", plural(ok, "group", "groups"), r.PoolName)
}

func poolID(p *store.Pool) string { return fmt.Sprint(p.ID) }
