package handlers

import (
	"maps"
	"net/http"
	"sync"
	"testing"
)

func TestFragmentRendersAreCountedByRoute(t *testing.T) {
	var mu sync.Mutex
	got := map[string]int{}
	ts := newTestServer(t, func(d *Deps) {
		d.FragmentRendered = func(route string) { mu.Lock(); got[route]++; mu.Unlock() }
	})
	c := ts.client()
	c.login("manager@x.test")
	createdGroup(t, ts, c)
	mu.Lock()
	clear(got) // sign-in and creating the group are not fragment fetches
	mu.Unlock()

	htmx := func(path string) int {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, ts.URL+path, nil)
		req.Header.Set("HX-Request", "true")
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	for _, p := range []string{"/groups/1/summary", "/groups/1/summary", "/groups/1/messages", "/groups/1/participants"} {
		if st := htmx(p); st != http.StatusOK {
			t.Fatalf("%s: %d", p, st)
		}
	}
	if st := htmx("/groups/999/summary"); st != http.StatusNotFound {
		t.Fatalf("unknown group: %d", st)
	}
	c.get("/groups/1/summary") // a plain GET: not htmx, not counted
	want := map[string]int{"/groups/:id/summary": 2, "/groups/:id/messages": 1, "/groups/:id/participants": 1}
	mu.Lock()
	defer mu.Unlock()
	if !maps.Equal(got, want) {
		t.Errorf("renders %v, want %v", got, want)
	}
}
