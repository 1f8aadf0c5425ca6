package handlers

import (
	"strconv"
	"testing"
	"time"

	"groupdeck/web"
)

func TestRecentVisitorsCountOncePerWindow(t *testing.T) {
	r := newRecentVisitors(30*time.Minute, 3)
	t0 := time.Unix(1_800_000_000, 0)
	if !r.first("10.0.0.1", "ua", "1", t0) {
		t.Fatal("a new visitor is not counted")
	}
	if r.first("10.0.0.1", "ua", "1", t0.Add(29*time.Minute)) {
		t.Error("a repeat within the window is counted again")
	}
	if !r.first("10.0.0.1", "ua", "2", t0) || !r.first("10.0.0.1", "other ua", "1", t0) {
		t.Error("another link or another browser is not a new visitor")
	}
	if !r.first("10.0.0.1", "ua", "1", t0.Add(31*time.Minute)) {
		t.Error("a visit after the window is not counted")
	}
	// Memory full of visitors inside their window: new ones are counted
	// but not remembered, and the memory stays at its bound.
	for i := range 5 {
		if !r.first("10.0.0.9", "ua"+strconv.Itoa(i), "1", t0.Add(31*time.Minute)) {
			t.Errorf("visitor %d not counted while the memory is full", i)
		}
	}
	if len(r.seen) > 3 {
		t.Errorf("%d visitors remembered, bound 3", len(r.seen))
	}
}

func TestVisitorAddressGroup(t *testing.T) {
	for in, want := range map[string]string{
		"192.0.2.7":                "192.0.2.7",
		"2001:db8:1:2:aaaa::1":     "2001:db8:1:2::/64",
		"2001:db8:1:2:ffff:ffff::": "2001:db8:1:2::/64",
		"::ffff:192.0.2.7":         "192.0.2.7",
	} {
		if got := web.AddrGroup(in); got != want {
			t.Errorf("AddrGroup(%q) = %q, want %q", in, got, want)
		}
	}
}
