package handlers

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"groupdeck/store"
)

// activeGroup stores a group as if its create webhook had arrived.
func activeGroup(t *testing.T, st *store.Store, wa, link string, members int) *store.Group {
	t.Helper()
	ctx := context.Background()
	g := &store.Group{Subject: "Group " + wa, JoinApprovalMode: "auto_approve"}
	if err := st.CreateGroup(ctx, g); err != nil {
		t.Fatal(err)
	}
	setLink(t, st, g.ID, wa, link)
	addMembers(t, st, g.ID, wa, members)
	g, _ = st.GroupByID(ctx, g.ID)
	return g
}

// setLink records a group's invite link the way the create webhook does
// (a reset stores the new link over the old one).
func setLink(t *testing.T, st *store.Store, id int64, wa, link string) {
	t.Helper()
	if _, err := st.WithTx(context.Background(), func(tx *store.Tx) error {
		return tx.GroupCreated(store.GroupCreatedEvent{GroupID: id, WaGroupID: wa, InviteLink: link, At: time.Now().UnixMilli()})
	}); err != nil {
		t.Fatal(err)
	}
}

func addMembers(t *testing.T, st *store.Store, id int64, prefix string, n int) {
	t.Helper()
	if _, err := st.WithTx(context.Background(), func(tx *store.Tx) error {
		for i := range n {
			// As ingest does: the state, and the activity the charts count.
			at := time.Now().UnixMilli()
			if err := tx.ParticipantJoined(id, store.Member{WaID: prefix + "-" + itoa(i)}, "invite_link", at); err != nil {
				return err
			}
			if err := tx.Activity(id, store.ActJoin, prefix, "joined", at); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

// anon is a visitor: no cookies, redirects not followed.
func anon(ts *testServer, path, ua string) (*http.Response, string) {
	ts.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, ts.URL+path, nil)
	req.Header.Set("User-Agent", ua)
	res, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		ts.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

const iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"

func createCampaign(t *testing.T, c *client, name, target, slug string) string {
	t.Helper()
	st, body, h := c.post("/campaigns", url.Values{"_csrf": {c.csrf}, "name": {name}, "target": {target}, "slug": {slug}})
	if st != http.StatusSeeOther {
		t.Fatalf("create campaign: %d %s", st, body)
	}
	return h.Get("Location")
}

func TestCampaignLinkFollowsInviteReset(t *testing.T) {
	ts := newTestServer(t)
	g := activeGroup(t, ts.store, "wa-1", "https://chat.whatsapp.com/OLD", 0)
	mgr := ts.client()
	mgr.login("manager@x.test")
	page := createCampaign(t, mgr, "Poster", "group:"+itoa64(g.ID), "poster")

	res, _ := anon(ts, "/j/poster", iphone)
	if res.StatusCode != http.StatusFound || res.Header.Get("Location") != "https://chat.whatsapp.com/OLD" {
		t.Fatalf("first visit: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	if res.Header.Get("Content-Security-Policy") == "" || res.Header.Get("X-Frame-Options") != "DENY" {
		t.Error("the public route lacks the security headers")
	}
	if res.Header.Get("Set-Cookie") != "" {
		t.Error("the public route sets a cookie")
	}

	// A reset from the group page stores the new link.
	if err := ts.store.SetInviteLink(t.Context(), g.ID, "https://chat.whatsapp.com/NEW"); err != nil {
		t.Fatal(err)
	}
	res, _ = anon(ts, "/j/POSTER", "WhatsApp/2.23")
	if res.Header.Get("Location") != "https://chat.whatsapp.com/NEW" {
		t.Fatalf("after reset the link goes to %q", res.Header.Get("Location"))
	}

	visits, _ := ts.store.Visits(t.Context(), 0)
	if len(visits) != 2 || visits[0].Device != "phone" || visits[1].Device != "bot" || visits[0].GroupID != g.ID {
		t.Errorf("visits %+v", visits)
	}
	_, body := mgr.get(page + "/funnel")
	if !strings.Contains(body, `data-testid="funnel-visits">1<`) {
		t.Errorf("funnel does not count one visit (the link preview is not a person):\n%s", body)
	}
	// Someone joins right after the visit: credited, and in the export.
	addMembers(t, ts.store, g.ID, "1650555", 1)
	res, err := mgr.Get(ts.URL + page + "/export.csv")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(b), "Poster,person,'+1650555-0,,,Group wa-1,joined,") || !strings.HasSuffix(strings.TrimSpace(string(b)), ",link,") {
		t.Errorf("export:\n%s", b)
	}
	if st, _, _ := mgr.post("/j/poster", url.Values{"_csrf": {mgr.csrf}}); st != http.StatusMethodNotAllowed && st != http.StatusNotFound {
		t.Errorf("POST on the public route: %d", st)
	}
	if res, _ := anon(ts, "/j/nope", iphone); res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown slug: %d", res.StatusCode)
	}
}

func TestDisabledCampaignDoesNotRedirect(t *testing.T) {
	ts := newTestServer(t)
	g := activeGroup(t, ts.store, "wa-1", "https://chat.whatsapp.com/A", 0)
	mgr := ts.client()
	mgr.login("manager@x.test")
	page := createCampaign(t, mgr, "Ad", "group:"+itoa64(g.ID), "")

	viewer := ts.client()
	viewer.login("viewer@x.test")
	if st, _, _ := viewer.post(page+"/enabled", url.Values{"_csrf": {viewer.csrf}, "enabled": {"false"}}); st != http.StatusForbidden {
		t.Fatalf("viewer disabled a campaign: %d", st)
	}
	mgr.get(page)
	if st, _, _ := mgr.post(page+"/enabled", url.Values{"_csrf": {mgr.csrf}, "enabled": {"false"}}); st != http.StatusSeeOther {
		t.Fatalf("disable: %d", st)
	}
	cs, _ := ts.store.Campaigns(t.Context(), 0)
	res, body := anon(ts, "/j/"+cs[0].Slug, iphone)
	if res.StatusCode != http.StatusOK || res.Header.Get("Location") != "" || !strings.Contains(body, "This campaign has ended") {
		t.Fatalf("disabled link: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	if strings.Contains(body, "chat.whatsapp.com") {
		t.Error("the page reveals the invite link")
	}
}

func TestPoolSendsVisitorsToTheNextGroup(t *testing.T) {
	ts := newTestServer(t)
	ctx := t.Context()
	mgr := ts.client()
	mgr.login("manager@x.test")
	if st, body, _ := mgr.post("/pools", url.Values{"_csrf": {mgr.csrf}, "name": {"Spring"}, "subject_pattern": {"Cohort {n}"}, "min_free": {"3"}}); st != http.StatusSeeOther {
		t.Fatalf("create pool: %d %s", st, body)
	}
	pools, _ := ts.store.Pools(ctx)
	var groups []*store.Group
	for i := range 2 {
		g, err := ts.store.NewPoolGroup(ctx, pools[0].ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		if g.Subject != "Cohort "+itoa(i+1) {
			t.Errorf("subject %q", g.Subject)
		}
		groups = append(groups, g)
	}
	setLink(t, ts.store, groups[0].ID, "wa-1", "https://chat.whatsapp.com/ONE")
	setLink(t, ts.store, groups[1].ID, "wa-2", "https://chat.whatsapp.com/TWO")
	addMembers(t, ts.store, groups[0].ID, "a", 7)
	mgr.get("/campaigns")
	createCampaign(t, mgr, "Spring ads", "pool:"+itoa64(pools[0].ID), "spring")

	// One place left in Cohort 1: the first visitor gets it, the next is
	// sent on while that place is held, and a full group is skipped.
	// (Each visitor has a phone of their own: a repeat visit of one
	// phone counts once.)
	if res, _ := anon(ts, "/j/spring", iphone+" one"); res.Header.Get("Location") != "https://chat.whatsapp.com/ONE" {
		t.Fatalf("first visitor sent to %q", res.Header.Get("Location"))
	}
	if res, _ := anon(ts, "/j/spring", iphone+" two"); res.Header.Get("Location") != "https://chat.whatsapp.com/TWO" {
		t.Fatalf("second visitor sent to %q", res.Header.Get("Location"))
	}
	cs, _ := ts.store.Campaigns(ctx, 0)
	_, body := mgr.get("/campaigns/" + itoa64(cs[0].ID))
	if !strings.Contains(body, "Cohort 1") || !strings.Contains(body, "Cohort 2") || !strings.Contains(body, `data-testid="funnel-visits">2<`) {
		t.Errorf("pool campaign page lacks its groups or visits")
	}
	addMembers(t, ts.store, groups[0].ID, "b", 1)
	addMembers(t, ts.store, groups[1].ID, "c", 8)
	res, body := anon(ts, "/j/spring", iphone+" three")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "full") {
		t.Fatalf("full pool: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
}

func TestCampaignValidationAndRoles(t *testing.T) {
	ts := newTestServer(t)
	g := activeGroup(t, ts.store, "wa-1", "https://chat.whatsapp.com/A", 0)
	viewer := ts.client()
	viewer.login("viewer@x.test")
	if st, _, _ := viewer.post("/campaigns", url.Values{"_csrf": {viewer.csrf}, "name": {"x"}, "target": {"group:" + itoa64(g.ID)}}); st != http.StatusForbidden {
		t.Errorf("viewer created a campaign: %d", st)
	}
	mgr := ts.client()
	mgr.login("manager@x.test")
	mgr.get("/campaigns")
	st, body, _ := mgr.post("/campaigns", url.Values{"_csrf": {mgr.csrf}, "name": {"Bio <link>"}, "target": {""}, "slug": {"Bad Slug!"}})
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, "Choose a group or a pool") ||
		!strings.Contains(body, "lowercase letters") || !strings.Contains(body, "Bio &lt;link&gt;") {
		t.Fatalf("validation: %d", st)
	}
	createCampaign(t, mgr, "One", "group:"+itoa64(g.ID), "taken")
	mgr.get("/campaigns")
	if st, body, _ := mgr.post("/campaigns", url.Values{"_csrf": {mgr.csrf}, "name": {"Two"}, "target": {"group:" + itoa64(g.ID)}, "slug": {"taken"}}); st != http.StatusUnprocessableEntity || !strings.Contains(body, "Another campaign uses") {
		t.Errorf("duplicate slug: %d", st)
	}
}

func TestInviteFormChecksEachLine(t *testing.T) {
	ts := newTestServer(t)
	ts.h.Jobs.Register("campaign_invites", noopRunner{})
	g := activeGroup(t, ts.store, "wa-1", "https://chat.whatsapp.com/A", 0)
	mgr := ts.client()
	mgr.login("manager@x.test")
	page := createCampaign(t, mgr, "Newsletter", "group:"+itoa64(g.ID), "news")
	mgr.get(page + "/invites")
	numbers := "+1 650 555 1234\n+1-650-555-1234\n555 1234\n+44 20 7946 0958"
	if st, body, _ := mgr.post(page+"/invites", url.Values{"_csrf": {mgr.csrf}, "numbers": {numbers}, "action": {"check"}}); st != http.StatusOK ||
		!strings.Contains(body, "is too short") {
		t.Fatalf("check only: %d", st)
	}
	if js, _ := ts.store.Jobs(t.Context(), "", 10); len(js) != 0 {
		t.Fatal("a check started a job")
	}
	st, body, _ := mgr.post(page+"/invites", url.Values{"_csrf": {mgr.csrf}, "numbers": {numbers}})
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, "2 number(s) ready to send; 1 line(s) need fixing") ||
		!strings.Contains(body, "Same number as line 1") || !strings.Contains(body, "+1 650 555 1234") {
		t.Fatalf("check: %d\n%s", st, body)
	}
	// Sending reviews first: who gets an invite, who is left out and why.
	st, review, _ := mgr.post(page+"/invites", url.Values{"_csrf": {mgr.csrf}, "numbers": {numbers}, "skip_invalid": {"1"}})
	for _, want := range []string{"to <strong>2 numbers</strong>", "not a valid phone number: 1", "repeats an earlier line: 1", "at most 2 deliveries"} {
		if st != http.StatusOK || !strings.Contains(review, want) {
			t.Fatalf("review lacks %q: %d\n%s", want, st, review)
		}
	}
	if js, _ := ts.store.Jobs(t.Context(), "", 10); len(js) != 0 {
		t.Fatal("a review started a job")
	}
	// One of them joins before the confirm: the reviewed set changed.
	if _, err := ts.store.WithTx(t.Context(), func(tx *store.Tx) error {
		return tx.ParticipantJoined(g.ID, store.Member{WaID: "442079460958"}, "invite_link", 5)
	}); err != nil {
		t.Fatal(err)
	}
	st, again, _ := mgr.post(page+"/invites", hiddenFields(review))
	if st != http.StatusOK || !strings.Contains(again, "of the 2 numbers you reviewed, 1 would get an invite now") ||
		!strings.Contains(again, "already in the group: 1") {
		t.Fatalf("changed: %d\n%s", st, again)
	}
	confirm := hiddenFields(again)
	confirm.Set("action", "send")
	st, _, h := mgr.post(page+"/invites", confirm)
	if st != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/jobs/") {
		t.Fatalf("start: %d %q", st, h.Get("Location"))
	}
	js, _ := ts.store.Jobs(t.Context(), "campaign_invites", 10)
	items, _ := ts.store.JobItems(t.Context(), js[0].ID, 0, 10)
	if len(items) != 1 || items[0].Input != "16505551234" {
		t.Errorf("job items %+v", items)
	}
}

func TestCampaignPagesRender(t *testing.T) {
	ts := newTestServer(t)
	g := activeGroup(t, ts.store, "wa-1", "https://chat.whatsapp.com/A", 2)
	mgr := ts.client()
	mgr.login("manager@x.test")
	page := createCampaign(t, mgr, "Fair", "group:"+itoa64(g.ID), "fair")
	for _, p := range []string{page, "/campaigns", "/groups/" + itoa64(g.ID) + "/campaigns",
		"/charts/joins?scope=group&id=" + itoa64(g.ID) + "&live=group-live&by=hour", "/charts/joins?scope=all&live=x"} {
		if st, body := mgr.get(p); st != http.StatusOK {
			t.Errorf("GET %s: %d %s", p, st, body)
		}
	}
	_, body := mgr.get("/charts/joins?scope=all&live=x")
	if !strings.Contains(body, "<title") || !strings.Contains(body, "<desc") || !strings.Contains(body, "2 joins and 0 leaves") {
		t.Errorf("chart lacks its accessible text:\n%s", body)
	}
	if st, _ := mgr.get("/charts/joins?scope=all&live=%22%3E"); st != http.StatusBadRequest {
		t.Errorf("bad live id: %d", st)
	}
	for _, q := range []struct{ path, ctype string }{{"/qr.png", "image/png"}, {"/qr.svg", "image/svg+xml"}} {
		res, err := mgr.Get(ts.URL + page + q.path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != q.ctype {
			t.Errorf("%s: %d %s", q.path, res.StatusCode, res.Header.Get("Content-Type"))
		}
	}
	res, err := mgr.Get(ts.URL + page + "/export.csv")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.HasPrefix(string(b), "campaign,kind,phone") {
		t.Errorf("export: %s", b)
	}
}
