package campaigns

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"groupdeck/store"
)

const sec = int64(1000)

func visit(id, campaign, group, at int64) store.Visit {
	return store.Visit{ID: id, CampaignID: campaign, GroupID: group, At: at, Device: DevicePhone, Outcome: store.VisitRedirected}
}

func joined(group int64, wa string, at int64) store.Membership {
	return store.Membership{GroupID: group, Key: wa, WaID: wa, State: "member", JoinedAt: at}
}

func sent(campaign, group int64, phone string, at int64) store.InviteSend {
	return store.InviteSend{CampaignID: campaign, GroupID: group, Phone: phone, State: store.InviteSent, WAMID: "wamid." + phone, SentAt: at}
}

// credit returns the campaign credited for wa in group (0 for none) and how.
func credit(as []*Arrival, group int64, wa string) (int64, string) {
	for _, a := range as {
		if a.GroupID == group && a.WaID == wa && a.Attribution != nil {
			return a.Attribution.CampaignID, a.Attribution.Via
		}
	}
	return 0, ""
}

func TestAttribute(t *testing.T) {
	min := int64(time.Minute / time.Millisecond)
	tests := []struct {
		name string
		in   Inputs
		want map[string]int64 // "group/wa" → campaign (0 = none)
		via  map[string]string
	}{
		{
			name: "a number match beats a visit, which then credits the next person",
			in: Inputs{
				Sends:       []store.InviteSend{sent(1, 10, "111", 100*sec)},
				Visits:      []store.Visit{visit(1, 2, 10, 190*sec)},
				Memberships: []store.Membership{joined(10, "111", 200*sec), joined(10, "222", 210*sec)},
			},
			want: map[string]int64{"10/111": 1, "10/222": 2},
			via:  map[string]string{"10/111": ViaInvite, "10/222": ViaLink},
		},
		{
			name: "a visit older than the window credits nobody",
			in: Inputs{
				Visits:      []store.Visit{visit(1, 1, 10, 0)},
				Memberships: []store.Membership{joined(10, "111", 31*min)},
			},
			want: map[string]int64{"10/111": 0},
		},
		{
			name: "each visit brings one person, latest first",
			in: Inputs{
				Visits:      []store.Visit{visit(1, 1, 10, 10*sec), visit(2, 2, 10, 20*sec)},
				Memberships: []store.Membership{joined(10, "111", 30*sec), joined(10, "222", 40*sec), joined(10, "333", 50*sec)},
			},
			want: map[string]int64{"10/111": 2, "10/222": 1, "10/333": 0},
		},
		{
			name: "visits to another group do not count",
			in: Inputs{
				Visits:      []store.Visit{visit(1, 1, 11, 10*sec)},
				Memberships: []store.Membership{joined(10, "111", 20*sec)},
			},
			want: map[string]int64{"10/111": 0},
		},
		{
			name: "link previews are not people",
			in: Inputs{
				Visits:      []store.Visit{{ID: 1, CampaignID: 1, GroupID: 10, At: 10 * sec, Device: DeviceBot, Outcome: store.VisitRedirected}},
				Memberships: []store.Membership{joined(10, "111", 20*sec)},
			},
			want: map[string]int64{"10/111": 0},
		},
		{
			name: "an invite sent after the join did not bring them",
			in: Inputs{
				Sends:       []store.InviteSend{sent(1, 10, "111", 60*sec)},
				Memberships: []store.Membership{joined(10, "111", 20*sec)},
			},
			want: map[string]int64{"10/111": 0},
		},
		{
			name: "an invite for another group does not count",
			in: Inputs{
				Sends:       []store.InviteSend{sent(1, 11, "111", 10*sec)},
				Memberships: []store.Membership{joined(10, "111", 20*sec)},
			},
			want: map[string]int64{"10/111": 0},
		},
		{
			name: "approval: the request time is matched, not the later approval",
			in: Inputs{
				Visits:      []store.Visit{visit(1, 1, 10, 10*sec)},
				Requests:    []store.JoinRequestRecord{{GroupID: 10, Key: "111", WaID: "111", State: "approved", CreatedAt: 20 * sec}},
				Memberships: []store.Membership{joined(10, "111", 45*min)},
			},
			want: map[string]int64{"10/111": 1},
		},
		{
			name: "a join a moment before the visit (whole-second webhook time) still counts",
			in: Inputs{
				Visits:      []store.Visit{visit(1, 1, 10, 20*sec+700)},
				Memberships: []store.Membership{joined(10, "111", 20*sec)},
			},
			want: map[string]int64{"10/111": 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			as := Attribute(tt.in)
			for k, want := range tt.want {
				gs, wa, _ := strings.Cut(k, "/")
				g, _ := strconv.ParseInt(gs, 10, 64)
				got, via := credit(as, g, wa)
				if got != want {
					t.Errorf("%s credited to %d, want %d", k, got, want)
				}
				if w, ok := tt.via[k]; ok && via != w {
					t.Errorf("%s via %q, want %q", k, via, w)
				}
			}
		})
	}
}

// TestFunnels runs one campaign's whole story: invites (one read, one
// delivered, one failed), visits (one a link preview), a request that
// is approved, a straight join, a leave, and a pending request.
func TestFunnels(t *testing.T) {
	read := sent(1, 10, "111", 1*sec)
	read.DeliveredAt, read.ReadAt = 2*sec, 3*sec
	delivered := sent(1, 10, "222", 1*sec)
	delivered.DeliveredAt = 2 * sec
	failed := store.InviteSend{CampaignID: 1, GroupID: 10, Phone: "333", State: store.InviteFailed, Error: "bad number"}
	in := Inputs{
		Sends: []store.InviteSend{read, delivered, failed},
		Visits: []store.Visit{
			visit(1, 1, 10, 100*sec), visit(2, 1, 10, 110*sec), visit(3, 1, 10, 120*sec),
			{ID: 4, CampaignID: 1, GroupID: 10, At: 121 * sec, Device: DeviceBot, Outcome: store.VisitRedirected},
		},
		Requests: []store.JoinRequestRecord{
			{GroupID: 10, Key: "444", WaID: "444", State: "approved", CreatedAt: 105 * sec},
			{GroupID: 10, Key: "555", WaID: "555", State: "pending", CreatedAt: 125 * sec},
		},
		Memberships: []store.Membership{
			joined(10, "111", 50*sec), // by invite
			joined(10, "444", 200*sec),
			{GroupID: 10, Key: "666", WaID: "666", State: "left", JoinedAt: 115 * sec, LeftAt: 300 * sec},
		},
	}
	as := Attribute(in)
	f := Funnels(in.Sends, in.Visits, as)[1]
	want := Funnel{Invited: 2, Delivered: 2, Read: 1, Failed: 1, Visits: 3, Requests: 2, Joins: 3, Leaves: 1}
	if f == nil || *f != want {
		t.Fatalf("funnel = %+v, want %+v", f, want)
	}
}

func TestBucketize(t *testing.T) {
	now := time.Date(2026, 3, 14, 15, 30, 0, 0, time.UTC)
	ms := func(t time.Time) int64 { return t.UnixMilli() }
	events := []Event{
		{JoinedAt: ms(now.Add(-time.Hour))},
		{JoinedAt: ms(now.Add(-2 * time.Hour)), LeftAt: ms(now.Add(-30 * time.Minute))},
		{JoinedAt: ms(now.Add(-3 * 24 * time.Hour))},
		{JoinedAt: ms(now.Add(-30 * 24 * time.Hour))}, // out of range
	}
	day := Bucketize(events, "day", now)
	if len(day.Buckets) != DayBuckets {
		t.Fatalf("%d day buckets", len(day.Buckets))
	}
	last := day.Buckets[DayBuckets-1]
	if last.Joins != 2 || last.Leaves != 1 || day.Buckets[DayBuckets-4].Joins != 1 {
		t.Errorf("day buckets wrong: %+v", day.Buckets)
	}
	if j, l := day.Totals(); j != 3 || l != 1 {
		t.Errorf("totals %d/%d", j, l)
	}
	hour := Bucketize(events, "hour", now)
	if len(hour.Buckets) != HourBuckets || hour.Buckets[HourBuckets-1].Leaves != 1 || hour.Buckets[HourBuckets-2].Joins != 1 {
		t.Errorf("hour buckets wrong: %+v", hour.Buckets[HourBuckets-3:])
	}
}
