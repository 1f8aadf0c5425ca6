package loadgen

import (
	"context"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync/atomic"
	"testing"
	"time"
)

func TestLiveFragmentsReadTheEventNames(t *testing.T) {
	page := `<div id="participants" hx-get="/groups/1/participants" hx-trigger="sse:changed, sse:participants, htmx:sseOpen from:#group-live" hx-sync="this:queue last">
	<div id="messages" hx-get="/groups/1/messages?a=1&amp;b=2" hx-trigger="sse:changed, sse:messages, sse:receipts, htmx:sseOpen from:#group-live">
	<div id="chart" hx-get="/charts/joins" hx-trigger="load">`
	fs := liveFragments("http://x", page)
	if len(fs) != 2 {
		t.Fatalf("%d live fragments, want 2 (the chart only loads)", len(fs))
	}
	if fs[1].url != "http://x/groups/1/messages?a=1&b=2" {
		t.Errorf("url %q", fs[1].url)
	}
	for i, want := range [][]string{{"changed", "participants"}, {"changed", "messages", "receipts"}} {
		if got := slices.Sorted(maps.Keys(fs[i].events)); !slices.Equal(got, want) {
			t.Errorf("fragment %d listens to %v, want %v", i, got, want)
		}
	}
}

// Like htmx with hx-sync="this:queue last": events during a request queue
// exactly one more request, however many arrive.
func TestFragmentQueuesOneRequestWhileInFlight(t *testing.T) {
	release := make(chan struct{})
	var served atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		<-release
	}))
	defer srv.Close()
	f := &fragment{url: srv.URL}
	var fetched atomic.Int64
	ctx := context.Background()
	f.trigger(ctx, srv.Client(), &fetched)
	for served.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	for range 5 {
		f.trigger(ctx, srv.Client(), &fetched)
	}
	release <- struct{}{} // the first request ends; the queued one starts
	release <- struct{}{}
	for fetched.Load() < 2 {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond)
	if n := served.Load(); n != 2 {
		t.Fatalf("%d requests, want 2: the first and one queued for the five events during it", n)
	}
}
