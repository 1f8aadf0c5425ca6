package loadgen

import (
	"strconv"
	"sync/atomic"
	"time"
)

// World is what the seeded database holds for the ingest shapes to refer
// to: Groups known groups, and in each of groups 2..Active+1 (the busy
// ones) Members participants and Sent messages the business sent, whose
// delivered and read statuses are the bulk of real webhook traffic.
type World struct {
	Groups  int
	Active  int
	Members int // at most 16
	Sent    int
}

// BenchWorld is the world of the bench: 1,000 busy groups of 8 people
// with 50 sent messages each, so 800,000 distinct statuses can arrive
// before one repeats.
func BenchWorld(groups int) World {
	return World{Groups: groups, Active: min(1000, max(groups-1, 0)), Members: 8, Sent: 50}
}

// ActiveGroup is the n-th busy group (0-based), as a group number.
func (w World) ActiveGroup(n int) int { return 2 + n%max(w.Active, 1) }

// MemberWaID is participant p (0-based) of group g: everyone is in one
// group only, like the fleets of small groups groupdeck manages.
func MemberWaID(g, p int) string { return strconv.FormatInt(15560000000+int64(g)*16+int64(p), 10) }

// SentID is the wamid of the business's k-th message (0-based) in group g.
func SentID(g, k int) string { return "wamid.out." + strconv.Itoa(g) + "." + strconv.Itoa(k) }

// Statuses is how many distinct delivered and read statuses the world
// has room for.
func (w World) Statuses() int64 { return int64(w.Active) * int64(w.Sent) * int64(w.Members) * 2 }

// Shape is one kind of webhook change the ingest rate is measured with.
type Shape struct {
	Name string
	next func() Change
}

// Gen hands out the changes of a run: each kind counts on its own, so no
// change repeats (Meta's retries are another matter) across the rows of a
// run that share one database.
type Gen struct {
	w      World
	run    string
	at     int64
	status atomic.Int64
	in     atomic.Int64
	people atomic.Int64
	reqs   atomic.Int64
	wait   atomic.Int64
	mix    atomic.Int64
}

// NewGen starts the changes of run over world w.
func NewGen(w World, run string) *Gen { return &Gen{w: w, run: run, at: time.Now().Unix()} }

// Status is the next delivered or read status: for each sent message,
// every member's delivered, then every member's read, message after
// message, spread over the busy groups; one in four carries the contacts
// array. Past w.Statuses() they repeat (duplicates).
func (g *Gen) Status() Change {
	i := (g.status.Add(1) - 1) % max(g.w.Statuses(), 1)
	per := int64(g.w.Members) * 2
	msg, r := i/per, i%per
	grp := g.w.ActiveGroup(int(msg % int64(g.w.Active)))
	k := int(msg / int64(g.w.Active))
	p := int(r % int64(g.w.Members))
	st := "delivered"
	if r >= int64(g.w.Members) {
		st = "read"
	}
	name := ""
	if i%4 == 3 {
		name = "Member " + strconv.Itoa(p)
	}
	return StatusChange(WAGroupID(grp), SentID(grp, k), MemberWaID(grp, p), st, name, g.at+i/1000)
}

// Inbound is the next participant message, to any known group.
func (g *Gen) Inbound() Change {
	n := g.in.Add(1)
	grp := 1 + int(n*7919%int64(max(g.w.Groups, 1)))
	from := strconv.FormatInt(15559000000+n, 10)
	return MessageChange(WAGroupID(grp), MessageID(g.run+"in", n), from, "Load "+strconv.FormatInt(n, 10),
		"load test message "+strconv.FormatInt(n, 10))
}

// People is the next join or leave: newcomers join a busy group through
// its link and leave again one change later.
func (g *Gen) People() Change {
	n := g.people.Add(1) - 1
	wa := strconv.FormatInt(15570000000+n/2, 10)
	grp := WAGroupID(g.w.ActiveGroup(int(n / 2)))
	if n%2 == 1 {
		return RemoveChange(grp, wa, g.at+n)
	}
	return AddChange(grp, wa, g.at+n)
}

// JoinRequest is the next request to join a busy group.
func (g *Gen) JoinRequest() Change {
	n := g.reqs.Add(1)
	return JoinRequestChange(WAGroupID(g.w.ActiveGroup(int(n))), "lgjr-"+g.run+"-"+strconv.FormatInt(n, 10),
		strconv.FormatInt(15580000000+n, 10), g.at+n)
}

// Unknown is the next message for one of 1,000 groups the app does not
// know yet: each waits, stored, for its group to appear.
func (g *Gen) Unknown() Change {
	n := g.wait.Add(1)
	from := strconv.FormatInt(15556000000+n, 10)
	return MessageChange("lg-unknown-"+g.run+"-"+strconv.FormatInt(n%1000, 10), MessageID(g.run+"wait", n), from,
		"Unknown "+strconv.FormatInt(n, 10), "load test message for a group the app does not know")
}

// MixShare is the realistic mix, per 50 changes: statuses dominate
// (every group message yields delivered and read per participant).
var MixShare = []struct {
	What string
	Of50 int
}{
	{"delivered and read statuses", 40},
	{"inbound messages", 6},
	{"participant joins and leaves", 2},
	{"join requests", 1},
	{"messages for groups not yet known", 1},
}

// Mix is the next change of the realistic mix, interleaved: in every
// five changes four are statuses; the fifth goes round inbound messages,
// joins and leaves, a join request and a group not yet known.
func (g *Gen) Mix() Change {
	k := (g.mix.Add(1) - 1) % 50
	if k%5 != 4 {
		return g.Status()
	}
	switch k / 5 {
	case 2, 6:
		return g.People()
	case 4:
		return g.JoinRequest()
	case 9:
		return g.Unknown()
	}
	return g.Inbound()
}

// Shapes lists the shapes of the ingest table, the mix last.
func (g *Gen) Shapes() []Shape {
	return []Shape{
		{"statuses (delivered, read)", g.Status},
		{"inbound messages", g.Inbound},
		{"participant joins and leaves", g.People},
		{"join requests", g.JoinRequest},
		{"messages for groups not yet known", g.Unknown},
		{"realistic mix", g.Mix},
	}
}

// Body returns the deliveries of shape s with size changes each.
func (s Shape) Body(size int) func(int64) []byte {
	return func(int64) []byte {
		if size <= 1 {
			return Delivery(s.next())
		}
		chs := make([]Change, size)
		for i := range chs {
			chs[i] = s.next()
		}
		return Delivery(chs...)
	}
}
