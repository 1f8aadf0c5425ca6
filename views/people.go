package views

import (
	"net/url"
	"strconv"
	"strings"

	"groupdeck/campaigns"
	"groupdeck/internal/person"
	"groupdeck/store"
)

// PeopleView is the People page: a search over everyone groupdeck knows.
type PeopleView struct {
	Rows     []store.PersonRow
	Total    int
	Search   string
	Page     int
	PageSize int
}

// Query is the page's URL query for one page of the same search.
func (v PeopleView) Query(page int) string {
	q := url.Values{}
	if v.Search != "" {
		q.Set("q", v.Search)
	}
	if page > 1 {
		q.Set("page", strconv.Itoa(page))
	}
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}

func (v PeopleView) lastPage() int {
	if v.PageSize <= 0 || v.Total == 0 {
		return 1
	}
	return (v.Total + v.PageSize - 1) / v.PageSize
}

// PersonView is one person's page.
type PersonView struct {
	Person   store.Person
	Label    LabelForm
	Groups   []store.PersonGroup
	History  PersonHistoryView
	Requests []store.PersonRequest
	// MoreRequests is set when only the newest requests are listed.
	MoreRequests bool
	Arrivals     []PersonArrival
	Messages     PersonMessagesView
	CanEdit      bool
}

// LabelForm is the label and note form, with what was typed and the
// problems found when a save was refused.
type LabelForm struct {
	Key       string
	Label     string
	Note      string
	UpdatedAt int64
	Errors    map[string]string
	Saved     bool
}

// PersonArrival is a group arrival credited to a campaign.
type PersonArrival struct {
	Arrival  *campaigns.Arrival
	Campaign *store.Campaign
	Subject  string
}

// PersonMessagesView is one page of a person's messages; Older is the
// id to page from, 0 when there are no more.
type PersonMessagesView struct {
	Key      string
	Messages []store.PersonMessage
	Older    int64
}

// PersonPath is the address of a person's page.
func PersonPath(key string) string { return "/people/" + url.PathEscape(key) }

func personTitle(p store.Person) string { return person.Name(p.Name, p.Username, p.WaID, p.UserID) }

func personRowName(r store.PersonRow) string { return personTitle(r.Person) }

// personRowUnnamed reports a row whose person has shared no name yet but
// whose number is known: the list then says so under Name and keeps the
// number under Phone, where a reader looks for it.
func personRowUnnamed(r store.PersonRow) bool {
	return strings.TrimSpace(r.Name) == "" && r.Username == "" && r.WaID != ""
}

// personRowPhone is the Phone column: the number whenever it is known.
func personRowPhone(r store.PersonRow) string {
	if r.WaID == "" {
		return ""
	}
	return person.Phone(r.WaID)
}

// CurrentGroups are the groups the person is in now.
func (v PersonView) CurrentGroups() []store.PersonGroup {
	out := []store.PersonGroup{}
	for _, g := range v.Groups {
		if g.State == "member" {
			out = append(out, g)
		}
	}
	return out
}

// PersonHistoryView is one page of a person's joins, leaves and
// removals, newest first; Older is where the next page starts, zero when
// there are no more.
type PersonHistoryView struct {
	Key    string
	Events []store.ParticipantEvent
	Older  store.EventCursor
}

// olderQuery is the query string of the next page of history.
func (v PersonHistoryView) olderQuery(prefix string) string {
	return "?" + prefix + "at=" + i64(v.Older.At) + "&" + prefix + "id=" + i64(v.Older.ID)
}

// eventText says what happened and how, in plain words.
func eventText(e store.ParticipantEvent) string {
	switch e.Kind {
	case store.EventJoined:
		if e.Via == store.ViaSync {
			return "Joined (found in the group by a sync)"
		}
		if e.Via == "" {
			return "Joined"
		}
		return "Joined " + joinedVia(e.Via)
	case store.EventLeft:
		if e.Via == store.ViaSync {
			return "Gone (a sync found them no longer in the group)"
		}
		return "Left"
	case store.EventRemoved:
		if e.Via == store.ViaGroupDeleted {
			return "Removed when the group was deleted"
		}
		return "Removed by staff"
	}
	return e.Kind
}

func requestState(s string) string {
	switch s {
	case "pending":
		return "waiting for a decision"
	case "approved":
		return "approved"
	case "rejected":
		return "rejected"
	case "revoked":
		return "withdrawn"
	}
	return s
}

func personMessageText(m store.PersonMessage) string {
	if m.Body != "" {
		return m.Body
	}
	return "(" + m.Kind + ")"
}

// clipText shortens s to at most n characters for a table cell.
func clipText(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
