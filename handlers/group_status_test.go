package handlers

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestGroupStatusFollowsLive: a summary refresh that finds the group in
// another state than the page shows carries every status-dependent part
// out of band; one that finds the same state carries only the summary.
// A suspended group's changes are refused with the reason the page shows,
// and the composer's Send button follows for editors only.
func TestGroupStatusFollowsLive(t *testing.T) {
	ts := newTestServer(t)
	g := ts.activeGroup("111")
	id := itoa64(g.ID)
	c := ts.client()
	c.login("manager@x.test")

	_, same := c.get("/groups/" + id + "/summary?shown=active")
	if strings.Contains(same, "hx-swap-oob") || !strings.Contains(same, `value="active"`) {
		t.Errorf("unchanged state carried more than the summary: %s", same)
	}
	_, moved := c.get("/groups/" + id + "/summary?shown=creating")
	for _, want := range []string{`id="invite-card" hx-swap-oob="innerHTML"`, `id="group-tools" hx-swap-oob="innerHTML"`, `data-testid="edit-settings"`} {
		if !strings.Contains(moved, want) {
			t.Errorf("state change: no %s in %s", want, moved)
		}
	}

	ts.deliver(`{"object":"whatsapp_business_account","entry":[{"id":"W","changes":[{"field":"group_status_update","value":{"groups":[` +
		`{"timestamp":"5","type":"group_suspend","group_id":"WA` + id + `"}]}}]}]}`)
	_, sus := c.get("/groups/" + id + "/summary?shown=active")
	if strings.Count(sus, `data-testid="status"`) != 1 || !strings.Contains(sus, ">Suspended<") || strings.Contains(sus, ">Active<") {
		t.Errorf("suspended group: not one Suspended badge: %s", sus)
	}
	if !strings.Contains(sus, `data-testid="tools-reason">WhatsApp suspended this group (131207)`) || !strings.Contains(sus, "disabled") {
		t.Errorf("suspended group: tools not disabled with the reason: %s", sus)
	}
	for _, path := range []string{"/invite/reset", "/invite/delete", "/requests/sync"} {
		st, body, _ := c.post("/groups/"+id+path, url.Values{"_csrf": {c.csrf}})
		if st != http.StatusConflict || !strings.Contains(body, "131207") {
			t.Errorf("POST %s on a suspended group: %d %s", path, st, body)
		}
	}
	if st, _ := c.get("/groups/" + id + "/settings"); st != http.StatusConflict {
		t.Errorf("settings of a suspended group: %d", st)
	}
	_, win := c.get("/groups/" + id + "/window")
	if !strings.Contains(win, `id="composer-send" hx-swap-oob="innerHTML"`) || !strings.Contains(win, "disabled") {
		t.Errorf("window fragment: Send does not follow: %s", win)
	}

	v := ts.client()
	v.login("viewer@x.test")
	if _, win := v.get("/groups/" + id + "/window"); strings.Contains(win, "composer-send") {
		t.Errorf("a viewer has no composer, so no Send to swap: %s", win)
	}
	if _, moved := v.get("/groups/" + id + "/summary?shown=active"); strings.Contains(moved, "edit-settings") {
		t.Errorf("a viewer got editing tools: %s", moved)
	}
}
