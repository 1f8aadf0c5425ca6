package views

import (
	"net/url"
	"strconv"
	"strings"

	"groupdeck/store"
)

// GroupListParams is the list's state as kept in the URL.
type GroupListParams struct {
	Search   string
	Status   string
	Pending  bool
	Room     string
	Sort     string
	Page     int
	PageSize int
}

// Query renders the parameters for page as a query string ("?…"), leaving
// out defaults so shared links stay short.
func (p GroupListParams) Query(page int) string {
	v := url.Values{}
	if p.Search != "" {
		v.Set("q", p.Search)
	}
	if p.Status != "" {
		v.Set("status", p.Status)
	}
	if p.Pending {
		v.Set("pending", "1")
	}
	if p.Room != "" {
		v.Set("room", p.Room)
	}
	if p.Sort != "" && p.Sort != store.SortNewest {
		v.Set("sort", p.Sort)
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

// Filtered reports whether anything narrows the list.
func (p GroupListParams) Filtered() bool {
	return p.Search != "" || p.Status != "" || p.Pending || p.Room != ""
}

// GroupsView is the groups list screen.
type GroupsView struct {
	Groups  []*store.Group
	Total   int
	Params  GroupListParams
	CanEdit bool
}

func (v GroupsView) lastPage() int {
	if v.Params.PageSize <= 0 || v.Total == 0 {
		return 1
	}
	return (v.Total + v.Params.PageSize - 1) / v.Params.PageSize
}

func (v GroupsView) from() int {
	if v.Total == 0 {
		return 0
	}
	return (v.Params.Page-1)*v.Params.PageSize + 1
}

func (v GroupsView) to() int { return v.from() + len(v.Groups) - 1 }

type option struct{ Value, Label string }

var statusOptions = []option{{"", "All (not deleted)"}, {"creating", "Creating"}, {"active", "Active"},
	{"suspended", "Suspended"}, {"failed", "Failed"}, {"deleted", "Deleted"}}
var roomOptions = []option{{"", "Any"}, {"room", "Has room"}, {"full", "Full (8 of 8)"}}
var sortOptions = []option{{"newest", "Newest"}, {"activity", "Most recent activity"}, {"fullest", "Fullest"}}

// linkTail is the last part of an invite link: it changes on reset, so
// it busts the QR image's cache.
func linkTail(link string) string {
	if i := strings.LastIndexByte(link, '/'); i >= 0 {
		return url.QueryEscape(link[i+1:])
	}
	return ""
}
