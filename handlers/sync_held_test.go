package handlers

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"groupdeck/reconcile"
	"groupdeck/store"
	"groupdeck/whatsapp"
)

// wrongNumberAPI answers as the Cloud API does for a phone number id
// that owns none of the groups: the listing has them (it came from the
// right number once), every group read is "unknown".
type wrongNumberAPI struct{ listed []string }

func (f *wrongNumberAPI) ListGroups(context.Context, whatsapp.ListGroupsOptions) (*whatsapp.GroupPage, error) {
	p := &whatsapp.GroupPage{}
	for _, id := range f.listed {
		p.Groups = append(p.Groups, whatsapp.GroupSummary{ID: id})
	}
	return p, nil
}

func (f *wrongNumberAPI) GroupInfo(_ context.Context, id string, _ ...string) (*whatsapp.GroupInfo, error) {
	return nil, &whatsapp.APIError{HTTPStatus: 400, Code: 100, Subcode: 33, Message: "Object with ID '" + id + "' does not exist"}
}

func (f *wrongNumberAPI) JoinRequests(context.Context, string, whatsapp.ListGroupsOptions) ([]whatsapp.JoinRequest, string, error) {
	return nil, "", nil
}

func (f *wrongNumberAPI) InviteLink(context.Context, string) (string, error) { return "", nil }

func TestSyncGuardReview(t *testing.T) {
	api := &wrongNumberAPI{}
	ts := newTestServer(t, func(d *Deps) { d.Sync = reconcile.New(d.Store, api, slog.New(slog.DiscardHandler), 0, nil) })
	ctx := context.Background()
	var gs []*store.Group
	for range 5 {
		g := ts.activeGroup("15550000001")
		gs = append(gs, g)
		api.listed = append(api.listed, g.WaGroupID)
	}
	status := func(g *store.Group) string {
		got, err := ts.store.GroupByID(ctx, g.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got.Status
	}
	const warning = "WhatsApp answered that 5 of 5 groups do not exist: check the phone number id and token; nothing was marked deleted"

	m := ts.client()
	m.login("manager@x.test")
	st, page, _ := m.post("/sync", url.Values{"_csrf": {m.csrf}})
	if st != http.StatusOK || !strings.Contains(page, warning) || strings.Contains(page, `href="/sync/held"`) {
		t.Fatalf("manager's sync report: %d %s", st, page)
	}
	for _, g := range gs {
		if s := status(g); s != store.GroupActive {
			t.Fatalf("group %d is %s after the guarded sync", g.ID, s)
		}
	}
	if _, home := m.get("/"); !strings.Contains(home, warning) {
		t.Error("home page does not show the warning")
	}
	if _, frag := m.get("/home/guard"); !strings.Contains(frag, warning) || strings.Contains(frag, `href="/sync/held"`) {
		t.Errorf("live warning fragment for a manager: %s", frag)
	}
	if st, _ := m.get("/sync/held"); st != http.StatusForbidden {
		t.Errorf("manager reviewing: %d", st)
	}
	if st, _, _ := m.post("/sync/held/confirm", url.Values{"_csrf": {m.csrf}, "group": {"1"}, "sure": {"yes"}}); st != http.StatusForbidden {
		t.Errorf("manager confirming: %d", st)
	}

	a := ts.client()
	a.login("admin@x.test")
	if _, home := a.get("/"); !strings.Contains(home, `href="/sync/held"`) {
		t.Error("admin is not offered the review")
	}
	if _, review := a.get("/sync/held"); strings.Count(review, `data-testid="held-group"`) != 5 {
		t.Errorf("review page lists %d groups", strings.Count(review, `data-testid="held-group"`))
	}
	// Without saying the configuration was checked, nothing happens.
	two := url.Values{"_csrf": {a.csrf}, "group": {itoa64(gs[0].ID), itoa64(gs[1].ID)}}
	if st, _, hdr := a.post("/sync/held/confirm", two); st != http.StatusSeeOther || !strings.Contains(hdr.Get("Location"), "error=unsure") {
		t.Errorf("confirm without the box: %d %v", st, hdr)
	}
	if s := status(gs[0]); s != store.GroupActive {
		t.Errorf("unconfirmed group is %s", s)
	}
	two.Set("sure", "yes")
	if st, _, hdr := a.post("/sync/held/confirm", two); st != http.StatusSeeOther || !strings.Contains(hdr.Get("Location"), "deleted=2") {
		t.Errorf("confirm: %d %v", st, hdr)
	}
	if status(gs[0]) != store.GroupDeleted || status(gs[1]) != store.GroupDeleted || status(gs[2]) != store.GroupActive {
		t.Errorf("after confirming two: %s %s %s", status(gs[0]), status(gs[1]), status(gs[2]))
	}
	if _, review := a.get("/sync/held?deleted=2"); strings.Count(review, `data-testid="held-group"`) != 3 || !strings.Contains(review, "2 groups marked deleted.") {
		t.Errorf("review after confirming two: %s", review)
	}
	if st, _, _ := a.post("/sync/held/dismiss", url.Values{"_csrf": {a.csrf}}); st != http.StatusSeeOther {
		t.Errorf("dismiss: %d", st)
	}
	if _, home := a.get("/"); strings.Contains(home, `data-testid="sync-guard"`) {
		t.Error("warning still shown after dismiss")
	}
	if _, frag := a.get("/home/guard"); strings.TrimSpace(frag) != "" {
		t.Errorf("live warning fragment after dismiss: %q", frag)
	}
	if status(gs[2]) != store.GroupActive {
		t.Error("dismiss changed a group")
	}
	audit, _ := ts.store.AuditLog(ctx, 50)
	seen := map[string]bool{}
	for _, e := range audit {
		seen[string(e.Action)] = true
	}
	for _, want := range []string{"sync.guard", "sync.guard_confirm", "sync.guard_dismiss"} {
		if !seen[want] {
			t.Errorf("%s not audit-logged", want)
		}
	}
}
