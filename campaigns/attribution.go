package campaigns

import (
	"slices"
	"sort"
	"time"

	"groupdeck/store"
)

// VisitWindow is how long after a link visit a join (or join request) in
// the group the visitor was sent to is credited to that visit.
const VisitWindow = 30 * time.Minute

// clockSlack covers webhook times that WhatsApp gives in whole seconds,
// so a join can look a moment older than the visit before it.
const clockSlack = 2 * time.Second

// How a person was matched to a campaign.
const (
	ViaInvite = "invite" // their number received the campaign's invite
	ViaLink   = "link"   // a campaign link visit shortly before they arrived
)

// Attribution says which campaign most likely brought one person into one
// group, and how sure that is.
type Attribution struct {
	CampaignID int64
	Via        string
	// Certain is true for a number match; a time match is likely, not certain.
	Certain bool
	// Rivals counts other campaigns with a candidate visit in the window.
	Rivals int
}

// Arrival is one person arriving in one group: a join request, a join,
// or both, and a later leave.
type Arrival struct {
	GroupID     int64
	Key         string
	WaID        string
	Username    string
	Name        string
	RequestedAt int64 // 0 when they joined straight through the link
	JoinedAt    int64 // 0 while a request is pending, or when refused
	LeftAt      int64
	Attribution *Attribution
}

// At is when the person acted on a link: their request, else their join.
func (a *Arrival) At() int64 {
	if a.RequestedAt > 0 {
		return a.RequestedAt
	}
	return a.JoinedAt
}

// Inputs are the records attribution works from.
type Inputs struct {
	Memberships []store.Membership
	Requests    []store.JoinRequestRecord
	Visits      []store.Visit
	Sends       []store.InviteSend
}

// Attribute matches arrivals to campaigns. A number that received a
// campaign's invite for that group before arriving is credited to that
// campaign (the latest such invite). Otherwise the latest unused visit of
// a campaign link that sent someone to the same group within VisitWindow
// before the arrival is credited; each visit brings at most one person.
// Arrivals are processed oldest first so the result is deterministic.
func Attribute(in Inputs) []*Arrival {
	arrivals := buildArrivals(in.Memberships, in.Requests)
	sends := map[string][]store.InviteSend{}
	for _, s := range in.Sends {
		if s.SentAt > 0 && s.WAMID != "" {
			sends[s.Phone] = append(sends[s.Phone], s)
		}
	}
	byGroup := map[int64][]store.Visit{}
	for _, v := range in.Visits {
		if v.Outcome == store.VisitRedirected && v.GroupID != 0 && v.Device != DeviceBot {
			byGroup[v.GroupID] = append(byGroup[v.GroupID], v)
		}
	}
	for _, vs := range byGroup {
		sort.Slice(vs, func(i, j int) bool { return vs[i].At < vs[j].At || (vs[i].At == vs[j].At && vs[i].ID < vs[j].ID) })
	}
	used := map[int64]bool{}
	slack, window := clockSlack.Milliseconds(), VisitWindow.Milliseconds()
	for _, a := range arrivals {
		t := a.At()
		// An invite reached the person by phone or by BSUID (their key when
		// WhatsApp gave one): both name the same arrival.
		mine := sends[a.WaID]
		if a.Key != a.WaID {
			mine = append(slices.Clone(mine), sends[a.Key]...)
		}
		if best := latestSend(mine, a.GroupID, t+slack); best != nil {
			a.Attribution = &Attribution{CampaignID: best.CampaignID, Via: ViaInvite, Certain: true}
			continue
		}
		vs := byGroup[a.GroupID]
		var pick *store.Visit
		rivals := map[int64]bool{}
		for i := len(vs) - 1; i >= 0; i-- {
			v := &vs[i]
			if v.At > t+slack || used[v.ID] {
				continue
			}
			if v.At < t-window {
				break
			}
			if pick == nil {
				pick = v
			} else if v.CampaignID != pick.CampaignID {
				rivals[v.CampaignID] = true
			}
		}
		if pick != nil {
			used[pick.ID] = true
			a.Attribution = &Attribution{CampaignID: pick.CampaignID, Via: ViaLink, Rivals: len(rivals)}
		}
	}
	return arrivals
}

func latestSend(ss []store.InviteSend, groupID, before int64) *store.InviteSend {
	var best *store.InviteSend
	for i := range ss {
		s := &ss[i]
		if s.GroupID == groupID && s.SentAt <= before && (best == nil || s.SentAt > best.SentAt) {
			best = s
		}
	}
	return best
}

// buildArrivals merges memberships with the join requests that led to
// them; requests that never became a membership are arrivals too.
func buildArrivals(ms []store.Membership, rs []store.JoinRequestRecord) []*Arrival {
	type key struct {
		g int64
		k string
	}
	reqs := map[key][]store.JoinRequestRecord{}
	for _, r := range rs {
		k := key{r.GroupID, r.Key}
		reqs[k] = append(reqs[k], r)
	}
	var out []*Arrival
	seen := map[key]bool{}
	for _, m := range ms {
		k := key{m.GroupID, m.Key}
		seen[k] = true
		a := &Arrival{GroupID: m.GroupID, Key: m.Key, WaID: m.WaID, Username: m.Username, Name: m.Name, JoinedAt: m.JoinedAt}
		if m.State != "member" {
			a.LeftAt = m.LeftAt
		}
		// The latest request made before this join led to it.
		for _, r := range reqs[k] {
			if a.JoinedAt == 0 || r.CreatedAt <= a.JoinedAt {
				a.RequestedAt = r.CreatedAt
			}
		}
		if a.At() == 0 {
			continue // a leave whose join was never seen
		}
		out = append(out, a)
	}
	for k, list := range reqs {
		if seen[k] {
			continue
		}
		r := list[len(list)-1]
		out = append(out, &Arrival{GroupID: r.GroupID, Key: r.Key, WaID: r.WaID, RequestedAt: r.CreatedAt})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].At() != out[j].At() {
			return out[i].At() < out[j].At()
		}
		if out[i].GroupID != out[j].GroupID {
			return out[i].GroupID < out[j].GroupID
		}
		return out[i].Key < out[j].Key
	})
	return out
}

// Funnel is one campaign's path from invite or visit to membership.
type Funnel struct {
	Invited   int // invites accepted by WhatsApp
	Delivered int
	Read      int
	Failed    int
	Visits    int // link visits by people (bots not counted)
	Requests  int // join requests credited to the campaign
	Joins     int
	Leaves    int // joined through the campaign, then left or were removed
}

// Funnels counts each campaign's funnel from its sends, visits and the
// attributed arrivals.
func Funnels(sends []store.InviteSend, visits []store.Visit, arrivals []*Arrival) map[int64]*Funnel {
	out := map[int64]*Funnel{}
	get := func(id int64) *Funnel {
		if out[id] == nil {
			out[id] = &Funnel{}
		}
		return out[id]
	}
	for _, s := range sends {
		f := get(s.CampaignID)
		switch s.Status() {
		case "read":
			f.Read++
			f.Delivered++
			f.Invited++
		case "delivered":
			f.Delivered++
			f.Invited++
		case "sent":
			f.Invited++
		case "failed":
			f.Failed++
		}
	}
	for _, v := range visits {
		if v.Device != DeviceBot {
			get(v.CampaignID).Visits++
		}
	}
	for _, a := range arrivals {
		if a.Attribution == nil {
			continue
		}
		f := get(a.Attribution.CampaignID)
		if a.RequestedAt > 0 {
			f.Requests++
		}
		if a.JoinedAt > 0 {
			f.Joins++
		}
		if a.JoinedAt > 0 && a.LeftAt > 0 {
			f.Leaves++
		}
	}
	return out
}
