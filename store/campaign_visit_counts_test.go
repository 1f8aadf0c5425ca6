package store

import (
	"context"
	"testing"
)

// Past the hourly cap a campaign's visits are counted, not stored as
// rows; the device counts include them, and the next hour stores rows
// again.
func TestVisitRowsCapped(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	advance := clockAt(s, 1_800_000_000_000-1_800_000_000_000%3_600_000)
	gid := activeGroup(t, s, "wa-cap")
	c := &Campaign{Name: "Cap", Slug: "cap", GroupID: gid, Enabled: true}
	must(t, s.CreateCampaign(ctx, c))
	for i := 0; i < 10; i++ {
		device := "phone"
		if i%5 == 4 {
			device = "bot"
		}
		v := &Visit{CampaignID: c.ID, Device: device, GroupID: gid, Outcome: VisitRedirected}
		must(t, s.RecordVisit(ctx, v, 3))
		if (v.ID != 0) != (i < 3) {
			t.Errorf("visit %d: row id %d", i, v.ID)
		}
		advance(1000)
	}
	rows, err := s.Visits(ctx, 0, c.ID)
	must(t, err)
	if len(rows) != 3 {
		t.Errorf("%d visit rows, want the cap of 3", len(rows))
	}
	devices, err := s.VisitDevices(ctx, c.ID)
	must(t, err)
	if len(devices) != 2 || devices[0] != (DeviceCount{"phone", 8}) || devices[1] != (DeviceCount{"bot", 2}) {
		t.Errorf("devices %+v, want phone 8, bot 2", devices)
	}
	past, err := s.VisitsPastCap(ctx)
	must(t, err)
	if past[c.ID] != 5 { // 7 past the cap, 2 of them bots
		t.Errorf("visits past the cap by people: %d, want 5", past[c.ID])
	}
	advance(3_600_000)
	v := &Visit{CampaignID: c.ID, Device: "phone", GroupID: gid, Outcome: VisitRedirected}
	must(t, s.RecordVisit(ctx, v, 3))
	if v.ID == 0 {
		t.Error("the next hour stores visit rows again")
	}
}
