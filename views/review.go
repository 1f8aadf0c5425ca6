package views

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"groupdeck/store"
	"groupdeck/whatsapp"
)

// Rates are the estimated template prices per delivered participant that
// reviews use. Meta's rates depend on the template's category and on each
// recipient's country code, so they are settings (docs/pricing.md).
type Rates struct {
	Marketing float64
	Utility   float64
	Currency  string
}

// money formats an estimate with the rates' currency.
func (r Rates) money(n int, rate float64) string {
	return fmt.Sprintf("%.2f %s", float64(n)*rate, r.Currency)
}

func (r Rates) rate(rate float64) string { return fmt.Sprintf("%.4f %s", rate, r.Currency) }

// Skipped is a group a bulk action leaves out, and why.
type Skipped struct {
	Group  *store.Group
	Reason string
}

// ReasonCount is how many groups were left out for one reason.
type ReasonCount struct {
	Reason string
	Count  int
}

// maxSkippedShown bounds the list of skipped groups on a review; the
// counts per reason cover every one.
const maxSkippedShown = 100

// BroadcastReview says what a send to many groups will do before it is
// queued: the groups and people it reaches, the groups it skips and why,
// and for a template what it may cost. Confirming posts the same inputs
// back with Token; the server acts only if they still reach exactly the
// reviewed groups.
type BroadcastReview struct {
	View         BroadcastView
	Message      store.Message
	MediaID      string
	MediaMime    string
	MediaName    string
	Groups       int            // groups reached
	People       int            // participants in them
	PeopleClosed int            // participants in reached groups whose 24-hour window is closed
	OpenWindows  int            // reached groups whose window is open
	Reached      []*store.Group // the groups it reaches, in id order
	Skipped      []Skipped
	Reasons      []ReasonCount
	Template     bool
	Rates        Rates
	Token        string
	Changed      string // why the confirm was not acted on
}

// ReachedShown is the start of the reached list.
func (r BroadcastReview) ReachedShown() []*store.Group {
	if len(r.Reached) > maxSkippedShown {
		return r.Reached[:maxSkippedShown]
	}
	return r.Reached
}

// SkippedShown is the start of the skipped list.
func (r BroadcastReview) SkippedShown() []Skipped {
	if len(r.Skipped) > maxSkippedShown {
		return r.Skipped[:maxSkippedShown]
	}
	return r.Skipped
}

// selectedIDs lists the ticked groups in id order.
func selectedIDs(sel map[int64]bool) []int64 {
	var out []int64
	for id, on := range sel {
		if on {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// backQuery keeps the filter when going back to change a send.
func backQuery(v BroadcastView) string {
	q := url.Values{"q": {v.Search}, "status": {v.Status}}
	for _, id := range selectedIDs(v.Selected) {
		q.Add("group", i64(id))
	}
	return q.Encode()
}

// DuplicateSubject is a subject of a bulk create that repeats an earlier
// line (Repeats) or a live group (GroupID).
type DuplicateSubject struct {
	Where   string
	Subject string
	Repeats string
	GroupID int64
}

// BulkReview says what a bulk create will do before it starts.
type BulkReview struct {
	Form       BulkForm
	Count      int
	Subjects   []string
	Duplicates []DuplicateSubject
	Token      string
	Changed    string
}

// SubjectsShown is the start of the list of subjects.
func (r BulkReview) SubjectsShown() []string {
	if len(r.Subjects) > maxSkippedShown {
		return r.Subjects[:maxSkippedShown]
	}
	return r.Subjects
}

// SubjectText is the reviewed list, one subject per line, as the confirm
// posts it back.
func (r BulkReview) SubjectText() string { return strings.Join(r.Subjects, "\n") }

// SkippedRequest is a join request a bulk decision leaves out, and why.
type SkippedRequest struct {
	Request store.JoinRequest
	Reason  string
}

// DecideReview says what approving or rejecting several join requests
// will do before it is done.
type DecideReview struct {
	Action  string // approve | reject
	Target  string // the element the htmx answer replaces
	GroupID int64  // 0 in the inbox
	Act     []store.JoinRequest
	Groups  int // groups the requests in Act belong to
	Skipped []SkippedRequest
	Token   string
	Changed string
}

// InviteReview says what a campaign invite send will do before it starts.
type InviteReview struct {
	Form          InviteForm
	Send          []string // the numbers that get an invite
	Invalid       int      // lines that are not phone numbers
	Duplicates    int      // lines repeating an earlier number
	Members       int      // numbers already in the campaign's group
	InvitedBefore int      // numbers in Send this campaign invited before
	Rates         Rates
	Token         string
	Changed       string
}

// SendText is the reviewed list, one number per line, as the confirm
// posts it back.
func (r InviteReview) SendText() string {
	var b strings.Builder
	for _, p := range r.Send {
		if !whatsapp.IsBSUID(p) {
			b.WriteString("+") // a business-scoped user id is posted as it is
		}
		b.WriteString(p + "\n")
	}
	return b.String()
}
