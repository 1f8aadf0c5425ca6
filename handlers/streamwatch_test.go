package handlers

import (
	"context"
	"testing"
	"time"
)

// TestStreamWatchEndsEveryTabAndStopsWhenIdle: one user with three tabs
// open has all three streams ended by one round of the shared watcher
// once the account is disabled; with no stream left the watcher's
// goroutine is gone, and the next stream starts it again.
func TestStreamWatchEndsEveryTabAndStopsWhenIdle(t *testing.T) {
	ts := newTestServer(t, func(d *Deps) { d.StreamRecheck = 20 * time.Millisecond })
	v := ts.client()
	v.login("viewer@x.test")
	var tabs []<-chan string
	for _, path := range []string{"/events", "/events?group=1", "/events?group=2"} {
		res, lines := openStream(t, v, path)
		if res.ProtoMajor != 1 {
			t.Fatalf("HTTP/%d", res.ProtoMajor)
		}
		waitLine(t, lines, ": connected")
		tabs = append(tabs, lines)
	}
	if n := ts.h.Hub.Clients(); n != 3 {
		t.Fatalf("%d open streams, want 3", n)
	}
	u, _ := ts.store.UserByEmail(context.Background(), "viewer@x.test")
	if err := ts.store.SetDisabled(context.Background(), u.ID, true); err != nil {
		t.Fatal(err)
	}
	for _, lines := range tabs {
		waitClosed(t, lines)
	}
	watching := func() bool {
		ts.h.streams.mu.Lock()
		defer ts.h.streams.mu.Unlock()
		return ts.h.streams.running || len(ts.h.streams.open) > 0
	}
	for deadline := time.Now().Add(5 * time.Second); watching(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the watcher still runs with no stream open")
		}
	}
	if n := ts.h.Hub.Clients(); n != 0 {
		t.Fatalf("%d streams left in the hub", n)
	}

	// A stream opened later is watched again.
	if err := ts.store.SetDisabled(context.Background(), u.ID, false); err != nil {
		t.Fatal(err)
	}
	a := ts.client()
	a.login("admin@x.test")
	_, lines := openStream(t, a, "/events")
	waitLine(t, lines, ": connected")
	if !watching() {
		t.Fatal("a new stream is not watched")
	}
	admin, _ := ts.store.UserByEmail(context.Background(), "admin@x.test")
	if err := ts.store.SetDisabled(context.Background(), admin.ID, true); err != nil {
		t.Fatal(err)
	}
	waitClosed(t, lines)
}
