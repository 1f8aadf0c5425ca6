package handlers

import (
	"bufio"
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"groupdeck/reconcile"
	"groupdeck/store"
	"groupdeck/whatsapp"
)

func (ts *testServer) deliver(body string) {
	ts.t.Helper()
	b := []byte(body)
	if st := postWebhook(ts.t, ts, b, whatsapp.Sign(testSecret, b)); st != http.StatusOK {
		ts.t.Fatalf("webhook: %d", st)
	}
}

// joinedJSON is a join that happens at call time, so it counts as today's
// even when a run crosses midnight.
func joinedJSON() string {
	return `{"object":"whatsapp_business_account","entry":[{"id":"W","changes":[{"field":"group_participants_update",
"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"1","phone_number_id":"P"},
"groups":[{"timestamp":"` + strconv.FormatInt(time.Now().Unix(), 10) + `","group_id":"G1","type":"group_participants_add","reason":"invite_link",
"added_participants":[{"wa_id":"16505551234"}]}]}}]}]}`
}

// createdGroup makes a group through the UI and applies its create webhook.
func createdGroup(t *testing.T, ts *testServer, c *client) {
	t.Helper()
	c.post("/groups", url.Values{"_csrf": {c.csrf}, "subject": {"Book club"}})
	ts.deliver(createdJSON)
}

func TestHomeShowsCountersAndActivity(t *testing.T) {
	ts := newTestServer(t)
	c := ts.client()
	c.login("manager@x.test")
	_, page := c.get("/")
	if !strings.Contains(page, `data-testid="activity-empty"`) {
		t.Error("empty home page has no empty state")
	}
	createdGroup(t, ts, c)
	ts.deliver(joinedJSON())
	st, page := c.get("/")
	if st != http.StatusOK || !strings.Contains(page, `data-testid="counter-joins">1<`) || !strings.Contains(page, `data-testid="counter-groups">1<`) {
		t.Errorf("home counters: %d", st)
	}
	_, feed := c.get("/home/activity")
	if !strings.Contains(feed, `data-kind="join"`) || !strings.Contains(feed, "+1 650 555 1234") || !strings.Contains(feed, "Book club") {
		t.Errorf("activity feed lacks the join: %s", feed)
	}
	if _, counters := c.get("/home/counters"); !strings.Contains(counters, `data-testid="counter-participants">1<`) {
		t.Errorf("counters fragment: %s", counters)
	}
	if _, hist := c.get("/groups/1/activity"); !strings.Contains(hist, `data-kind="created"`) {
		t.Errorf("group history: %s", hist)
	}
}

func TestEventLogAdminOnlyFilterAndReplay(t *testing.T) {
	ts := newTestServer(t)
	for _, who := range []string{"manager@x.test", "viewer@x.test"} {
		c := ts.client()
		c.login(who)
		if st, _ := c.get("/events/log"); st != http.StatusForbidden {
			t.Errorf("%s sees the event log: %d", who, st)
		}
		if st, _, _ := c.post("/events/log/1/replay", url.Values{"_csrf": {c.csrf}}); st != http.StatusForbidden {
			t.Errorf("%s can replay: %d", who, st)
		}
	}
	admin := ts.client()
	admin.login("admin@x.test")
	if _, page := admin.get("/groups"); !strings.Contains(page, `href="/events/log"`) {
		t.Error("no Event log link for admins")
	}
	// The join arrives before the group exists: deferred. A bad delivery fails.
	ts.deliver(joinedJSON())
	ts.deliver(`{"object":"whatsapp_business_account","entry":[{"id":"W","changes":[{"field":"group_lifecycle_update","value":{"groups":[{"type":"group_create","request_id":"zzz"}]}}]}]}`)
	ts.deliver(`{"object":"whatsapp_business_account","entry":[{"id":"W","changes":[{"field":"messages","value":{"statuses":[{"id":"wamid.1","status":"read","timestamp":"1"}]}}]}]}`)
	_, page := admin.get("/events/log")
	if n := strings.Count(page, `data-testid="delivery-row"`); n != 3 {
		t.Errorf("%d rows, want 3", n)
	}
	_, page = admin.get("/events/log?outcome=deferred")
	if n := strings.Count(page, `data-testid="delivery-row"`); n != 2 {
		t.Errorf("deferred filter: %d rows, want 2", n)
	}
	_, page = admin.get("/events/log?field=messages")
	if n := strings.Count(page, `data-testid="delivery-row"`); n != 1 {
		t.Errorf("field filter: %d rows, want 1", n)
	}
	_, page = admin.get("/events/log/1")
	if !strings.Contains(page, `&#34;group_participants_add&#34;`) && !strings.Contains(page, `"group_participants_add"`) {
		t.Errorf("raw JSON not shown: %s", page)
	}

	// A failed delivery: stored, shown with its error, replayable.
	body := []byte(`{"object":"whatsapp_business_account","entry":[{"id":"W","changes":[{"field":"group_participants_update","value":{"groups":[` +
		`{"timestamp":"1","group_id":"G1","type":"group_participants_add","added_participants":[{"wa_id":"1"}]},` +
		`{"timestamp":"1","group_id":"G1","type":"group_participants_add","added_participants":[{}]}]}}]}]}`)
	c := ts.client()
	c.login("manager@x.test")
	createdGroup(t, ts, c)
	postWebhook(t, ts, body, whatsapp.Sign(testSecret, body))
	ds, _, _ := ts.store.Deliveries(context.Background(), store.DeliveryFilter{Outcome: store.OutcomeFailed})
	if len(ds) != 1 {
		t.Fatalf("failed deliveries %+v", ds)
	}
	id := itoa64(ds[0].ID)
	if _, page := admin.get("/events/log/" + id); !strings.Contains(page, `data-testid="replay"`) || !strings.Contains(page, "without wa_id") {
		t.Error("failed delivery shows no error or replay button")
	}
	st, _, h := admin.post("/events/log/"+id+"/replay", url.Values{"_csrf": {admin.csrf}})
	if st != http.StatusSeeOther || h.Get("Location") != "/events/log/"+id {
		t.Errorf("replay: %d %s", st, h.Get("Location"))
	}
	g, _ := ts.store.GroupByID(context.Background(), 1)
	if g.ParticipantCount != 2 { // 16505551234 (deferred join) and "1"; the bad item stays failed
		t.Errorf("participants after replay %d", g.ParticipantCount)
	}
	audit, _ := ts.store.AuditLog(context.Background(), 10)
	if audit[0].Action != "webhook.replay" {
		t.Errorf("replay not audit-logged: %+v", audit[0])
	}
}

type fakeSync struct{ calls []int64 }

func (f *fakeSync) Sync(_ context.Context, by int64) (*reconcile.Report, error) {
	f.calls = append(f.calls, by)
	return &reconcile.Report{Checked: 3, Drifts: []reconcile.Drift{{GroupID: 1, Subject: "Book <club>", Detail: "+1555 is no longer in the group"}}}, nil
}

func (f *fakeSync) ConfirmHeld(context.Context, int64, []int64) (int, error) { return 0, nil }
func (f *fakeSync) DismissHeld(context.Context, int64) error                 { return nil }

func TestSyncNow(t *testing.T) {
	fs := &fakeSync{}
	ts := newTestServer(t, func(d *Deps) { d.Sync = fs })
	v := ts.client()
	v.login("viewer@x.test")
	if st, _, _ := v.post("/sync", url.Values{"_csrf": {v.csrf}}); st != http.StatusForbidden {
		t.Errorf("viewer sync: %d", st)
	}
	if _, page := v.get("/"); strings.Contains(page, `data-testid="sync-now"`) {
		t.Error("viewer is offered Sync now")
	}
	m := ts.client()
	m.login("manager@x.test")
	if _, page := m.get("/"); !strings.Contains(page, `data-testid="sync-now"`) {
		t.Error("manager is not offered Sync now")
	}
	st, page, _ := m.post("/sync", url.Values{"_csrf": {m.csrf}})
	if st != http.StatusOK || !strings.Contains(page, "Checked 3 groups") || !strings.Contains(page, "Book &lt;club&gt;") {
		t.Errorf("sync report: %d %s", st, page)
	}
	if len(fs.calls) != 1 {
		t.Errorf("sync calls %v", fs.calls)
	}
	audit, _ := ts.store.AuditLog(context.Background(), 1)
	if audit[0].Action != "sync.run" {
		t.Errorf("sync not audit-logged: %+v", audit)
	}
}

// openStream starts an event stream and returns a channel of its lines,
// closed when the server ends the stream.
func openStream(t *testing.T, c *client, path string) (*http.Response, <-chan string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.ts.URL+path, nil)
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	lines := make(chan string, 64)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	return res, lines
}

func waitLine(t *testing.T, lines <-chan string, prefix string) {
	t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("stream ended before %q", prefix)
			}
			if strings.HasPrefix(l, prefix) {
				return
			}
		case <-timeout:
			t.Fatalf("no %q line", prefix)
		}
	}
}

func waitClosed(t *testing.T, lines <-chan string) {
	t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case _, ok := <-lines:
			if !ok {
				return
			}
		case <-timeout:
			t.Fatal("stream still open")
		}
	}
}

func TestEventStream(t *testing.T) {
	ts := newTestServer(t, func(d *Deps) { d.StreamRecheck = 20 * time.Millisecond })
	m := ts.client()
	m.login("manager@x.test")

	res, lines := openStream(t, m, "/events?group=1")
	for k, want := range map[string]string{"Content-Type": "text/event-stream", "Cache-Control": "no-store", "X-Accel-Buffering": "no"} {
		if got := res.Header.Get(k); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
	waitLine(t, lines, ": connected")
	createdGroup(t, ts, m)
	waitLine(t, lines, "id: ")
	waitLine(t, lines, "event: changed")

	t.Run("disabled user's stream ends", func(t *testing.T) {
		v := ts.client()
		v.login("viewer@x.test")
		_, vl := openStream(t, v, "/events")
		waitLine(t, vl, ": connected")
		u, _ := ts.store.UserByEmail(context.Background(), "viewer@x.test")
		if err := ts.store.SetDisabled(context.Background(), u.ID, true); err != nil {
			t.Fatal(err)
		}
		waitClosed(t, vl)
	})
	t.Run("logout ends the stream", func(t *testing.T) {
		a := ts.client()
		a.login("admin@x.test")
		_, al := openStream(t, a, "/events")
		waitLine(t, al, ": connected")
		a.post("/logout", url.Values{"_csrf": {a.csrf}})
		waitClosed(t, al)
	})
	t.Run("sign out everywhere else ends the other session's stream only", func(t *testing.T) {
		other, here := ts.client(), ts.client()
		other.login("admin@x.test")
		here.login("admin@x.test")
		_, ol := openStream(t, other, "/events")
		_, hl := openStream(t, here, "/events")
		waitLine(t, ol, ": connected")
		waitLine(t, hl, ": connected")
		here.get("/account")
		here.post("/account/sessions/end-others", url.Values{"_csrf": {here.csrf}})
		waitClosed(t, ol)
		// This session's stream outlives many rechecks.
		stay := time.After(300 * time.Millisecond)
		for {
			select {
			case _, open := <-hl:
				if !open {
					t.Fatal("this session's own stream ended too")
				}
				continue
			case <-stay:
			}
			break
		}
	})
}

type slowSync struct {
	fakeSync
	release chan struct{}
}

func (s *slowSync) Sync(ctx context.Context, _ int64) (*reconcile.Report, error) {
	select {
	case <-s.release:
	case <-ctx.Done():
	}
	return &reconcile.Report{}, nil
}

func TestSyncNowAnswersWhileALongSyncRuns(t *testing.T) {
	s := &slowSync{release: make(chan struct{})}
	ts := newTestServer(t, func(d *Deps) { d.Sync, d.SyncWait = s, 50*time.Millisecond })
	m := ts.client()
	m.login("manager@x.test")
	st, page, _ := m.post("/sync", url.Values{"_csrf": {m.csrf}})
	if st != http.StatusOK || !strings.Contains(page, "still running") {
		t.Errorf("long sync: %d %s", st, page)
	}
	close(s.release)
}
