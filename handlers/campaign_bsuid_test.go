package handlers

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// A business-scoped user id pasted into the invite list survives the
// review and its confirm, and becomes a job item as it is (the runner
// then sends to it in "recipient").
func TestInviteListTakesABSUID(t *testing.T) {
	ts := newTestServer(t)
	ts.h.Jobs.Register("campaign_invites", noopRunner{})
	g := activeGroup(t, ts.store, "wa-1", "https://chat.whatsapp.com/A", 0)
	mgr := ts.client()
	mgr.login("manager@x.test")
	page := createCampaign(t, mgr, "Usernames", "group:"+itoa64(g.ID), "names")
	mgr.get(page + "/invites")
	numbers := "BR.1502576394655843\n+1 650 555 1234"
	st, review, _ := mgr.post(page+"/invites", url.Values{"_csrf": {mgr.csrf}, "numbers": {numbers}})
	if st != http.StatusOK || !strings.Contains(review, "to <strong>2 numbers</strong>") || !strings.Contains(review, "BR.1502576394655843") {
		t.Fatalf("review: %d\n%s", st, review)
	}
	confirm := hiddenFields(review)
	confirm.Set("action", "send")
	st, _, h := mgr.post(page+"/invites", confirm)
	if st != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/jobs/") {
		t.Fatalf("start: %d %q", st, h.Get("Location"))
	}
	js, _ := ts.store.Jobs(t.Context(), "campaign_invites", 10)
	items, _ := ts.store.JobItems(t.Context(), js[0].ID, 0, 10)
	var inputs []string
	for _, it := range items {
		inputs = append(inputs, it.Input)
	}
	slices.Sort(inputs)
	if !slices.Equal(inputs, []string{"16505551234", "BR.1502576394655843"}) {
		t.Errorf("job items %v", inputs)
	}
}
