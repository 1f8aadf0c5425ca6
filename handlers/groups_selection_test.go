package handlers

import (
	"fmt"
	"io"

	"groupdeck/store"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"net/url"
)

// The groups list's bulk actions: viewers are refused, CSV export lists
// the ticked groups, and adding to a pool goes through a review whose
// token must match before anything changes.
func TestGroupSelection(t *testing.T) {
	ts := newTestServer(t)
	a := activeGroup(t, ts.store, "wa-1", "https://chat.whatsapp.com/A", 2)
	b := activeGroup(t, ts.store, "wa-2", "https://chat.whatsapp.com/B", 0)

	viewer := ts.client()
	viewer.login("viewer@x.test")
	if st, _, _ := viewer.post("/groups/selection", url.Values{"_csrf": {viewer.csrf}, "id": {itoa64(a.ID)}, "action": {"export"}}); st != http.StatusForbidden {
		t.Fatalf("viewer used a bulk action: %d", st)
	}

	mgr := ts.client()
	mgr.login("manager@x.test")
	st, body, hdr := mgr.post("/groups/selection", url.Values{"_csrf": {mgr.csrf}, "id": {itoa64(a.ID), itoa64(b.ID)}, "action": {"export"}})
	if st != http.StatusOK || !strings.HasPrefix(hdr.Get("Content-Type"), "text/csv") || strings.Count(body, "\n") != 3 || !strings.Contains(body, "https://chat.whatsapp.com/B") {
		t.Fatalf("export: %d %s\n%s", st, hdr.Get("Content-Type"), body)
	}
	if st, body, _ := mgr.post("/groups/selection", url.Values{"_csrf": {mgr.csrf}, "action": {"delete"}}); st != http.StatusUnprocessableEntity || !strings.Contains(body, "Tick at least one group") {
		t.Fatalf("empty selection: %d", st)
	}

	st, body, hdr = mgr.post("/pools", url.Values{"_csrf": {mgr.csrf}, "name": {"Spring"}, "subject_pattern": {"Cohort {n}"}, "min_free": {"1"}})
	if st != http.StatusSeeOther {
		t.Fatalf("pool: %d\n%s", st, body)
	}
	if _, page := mgr.get(hdr.Get("Location")); !strings.Contains(page, "Pool “Spring” created") {
		t.Fatalf("creating a pool is not confirmed:\n%s", page)
	}
	pools, err := ts.store.Pools(t.Context())
	if err != nil || len(pools) != 1 {
		t.Fatalf("pools %v, %v", pools, err)
	}
	pool := itoa64(pools[0].ID)
	_, review, _ := mgr.post("/groups/selection", url.Values{"_csrf": {mgr.csrf}, "id": {itoa64(a.ID), itoa64(b.ID)}, "action": {"pool"}})
	m := regexp.MustCompile(`name="review" value="([^"]+)"`).FindStringSubmatch(review)
	if m == nil || !strings.Contains(review, "Adds <strong>2 groups</strong> to a pool") {
		t.Fatalf("no review:\n%s", review)
	}
	// A confirm whose groups differ from the review changes nothing.
	st, body, _ = mgr.post("/groups/selection", url.Values{"_csrf": {mgr.csrf}, "id": {itoa64(a.ID)}, "action": {"pool"}, "review": {m[1]}, "reviewed": {"2"}, "pool": {pool}})
	if st != http.StatusOK || !strings.Contains(body, "Nothing was changed") {
		t.Fatalf("mismatched confirm: %d\n%s", st, body)
	}
	if pg, _ := ts.store.PoolGroups(t.Context(), pools[0].ID); len(pg) != 0 && (pg[0].Group.ID == a.ID || pg[0].Group.ID == b.ID) {
		t.Fatal("a mismatched confirm added a group")
	}
	st, body, _ = mgr.post("/groups/selection", url.Values{"_csrf": {mgr.csrf}, "id": {itoa64(a.ID), itoa64(b.ID)}, "action": {"pool"}, "review": {m[1]}, "reviewed": {"2"}, "pool": {pool}})
	if st != http.StatusOK || !strings.Contains(body, "2 groups added to the pool Spring") {
		t.Fatalf("confirm: %d\n%s", st, body)
	}
	in := 0
	pg, _ := ts.store.PoolGroups(t.Context(), pools[0].ID)
	for _, p := range pg {
		if p.Group.ID == a.ID || p.Group.ID == b.ID {
			in++
		}
	}
	if in != 2 {
		t.Fatalf("%d of the 2 groups are in the pool", in)
	}
}

// The group picker searches active groups by subject, keeps the chosen
// group listed, and refuses unknown field names.
func TestGroupPick(t *testing.T) {
	ts := newTestServer(t)
	a := activeGroup(t, ts.store, "wa-1", "https://chat.whatsapp.com/A", 3)
	activeGroup(t, ts.store, "wa-2", "https://chat.whatsapp.com/B", 0)
	mgr := ts.client()
	mgr.login("manager@x.test")
	st, body := mgr.get("/groups/pick?name=target&prefix=group:&id=c-target&pick_q=wa-2&target=group:" + itoa64(a.ID))
	if st != http.StatusOK || strings.Count(body, `data-testid="picker-option"`) != 2 || !strings.Contains(body, "3/8 · active") ||
		!strings.Contains(body, `value="group:`+itoa64(a.ID)+`" checked`) {
		t.Fatalf("pick: %d\n%s", st, body)
	}
	if st, body := mgr.get("/groups/pick?name=target&prefix=group:&id=c-target&pick_q=nomatch"); st != http.StatusOK || !strings.Contains(body, "picker-empty") {
		t.Fatalf("no match: %d\n%s", st, body)
	}
	if st, _ := mgr.get("/groups/pick?name=%22%3E&id=x"); st != http.StatusBadRequest {
		t.Fatalf("odd field name: %d", st)
	}
}

// The home feed pages by id, filters by kind and group, and folds bursts.
func TestHomeFeedPagesAndFilters(t *testing.T) {
	ts := newTestServer(t)
	g := activeGroup(t, ts.store, "wa-1", "https://chat.whatsapp.com/A", 0)
	ctx := t.Context()
	for i := 0; i < feedSize+5; i++ {
		if err := ts.store.RecordActivity(ctx, g.ID, store.ActJoin, fmt.Sprintf("1650555%04d", i), "joined"); err != nil {
			t.Fatal(err)
		}
	}
	if err := ts.store.RecordActivity(ctx, g.ID, store.ActLeave, "16505550001", "left"); err != nil {
		t.Fatal(err)
	}
	mgr := ts.client()
	mgr.login("manager@x.test")
	_, body := mgr.get("/home/activity")
	if strings.Count(body, `data-testid="activity-item"`) != feedSize || !strings.Contains(body, `data-testid="activity-older"`) {
		t.Fatalf("first page: %d items\n%s", strings.Count(body, `data-testid="activity-item"`), body)
	}
	m := regexp.MustCompile(`hx-get="(/home/activity/older\?before=\d+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no older link")
	}
	_, older := mgr.get(m[1])
	if n := strings.Count(older, `data-testid="activity-item"`); n != 6 || strings.Contains(older, "activity-older") {
		t.Fatalf("second page: %d items\n%s", n, older)
	}
	if _, body := mgr.get("/home/activity?kind=leave"); strings.Count(body, `data-testid="activity-item"`) != 1 {
		t.Fatalf("kind filter:\n%s", body)
	}
	if _, body := mgr.get("/home/activity?group=nomatch"); !strings.Contains(body, "Nothing matches these filters") {
		t.Fatalf("group filter:\n%s", body)
	}
	// By group id, whatever the subjects: a twin's lines stay out, and the
	// address bar gets a link to the filtered view.
	twin := activeGroup(t, ts.store, "wa-2", "https://chat.whatsapp.com/B", 0)
	if err := ts.store.RecordActivity(ctx, twin.ID, store.ActLeave, "16505550002", "left"); err != nil {
		t.Fatal(err)
	}
	res, err := mgr.Get(ts.URL + "/home/activity?kind=leave&group_id=" + itoa64(g.ID))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if n := strings.Count(string(b), `data-testid="activity-item"`); n != 1 || !strings.Contains(string(b), `href="/groups/`+itoa64(g.ID)+`"`) ||
		res.Header.Get("HX-Push-Url") != "/?group_id="+itoa64(g.ID)+"&kind=leave" {
		t.Fatalf("group id filter: %d %q\n%s", n, res.Header.Get("HX-Push-Url"), b)
	}
	if _, page := mgr.get("/?group_id=" + itoa64(twin.ID)); !strings.Contains(page, `value="`+itoa64(twin.ID)+`" checked`) ||
		strings.Count(page, `data-testid="activity-item"`) != 1 {
		t.Fatalf("linked filter:\n%s", page)
	}
	// The live first page keeps its lower end: a new line adds to it and
	// the older pages below stay as they were.
	m = regexp.MustCompile(`hx-get="(/home/activity/live\?since=\d+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no live link")
	}
	if err := ts.store.RecordActivity(ctx, g.ID, store.ActJoin, "16505559999", "joined"); err != nil {
		t.Fatal(err)
	}
	_, live := mgr.get(m[1])
	if n := strings.Count(live, `data-testid="activity-item"`); n != feedSize+2 || !strings.Contains(live, "9999") {
		t.Fatalf("live page: %d lines\n%s", n, live)
	}
}
