package handlers

import (
	"strings"
	"testing"
)

// With no group yet, the home page's group filter says what to do next:
// editors get a link to the New group page, viewers (who cannot follow
// it) are told who can.
func TestPickerEmptyStateLinksToNewGroup(t *testing.T) {
	ts := newTestServer(t)
	cs := roleClients(ts)
	link := `<a href="/groups/new" data-testid="picker-new-group">create one</a>`
	pick := "/groups/pick?name=group_id&id=feed-group&any=1"
	for role, want := range map[string]bool{"admin": true, "manager": true, "viewer": false} {
		_, home := cs[role].get("/")
		_, results := cs[role].get(pick)
		for what, body := range map[string]string{"home": home, "search": results} {
			if !strings.Contains(body, `data-testid="picker-empty"`) {
				t.Fatalf("%s %s: no empty state:\n%s", role, what, body)
			}
			if got := strings.Contains(body, link); got != want {
				t.Errorf("%s %s: link to New group %v, want %v", role, what, got, want)
			}
		}
	}
	if _, body := cs["viewer"].get("/"); !strings.Contains(body, "an editor creates groups under Groups") {
		t.Errorf("viewer: no next step")
	}
}

// The several-groups picker of Send to many and schedules, pages only
// editors open, links its empty state to the New group page too.
func TestMultiPickerEmptyStateLinksToNewGroup(t *testing.T) {
	ts := newTestServer(t)
	cs := roleClients(ts)
	link := `<a href="/groups/new" data-testid="picker-new-group">create one</a>`
	for _, page := range []string{"/messages/broadcast", "/schedules/new"} {
		st, body := cs["manager"].get(page)
		if st != 200 || !strings.Contains(body, `data-testid="picker-empty"`) || !strings.Contains(body, link) {
			t.Errorf("%s: %d, empty state without a link to New group:\n%s", page, st, body)
		}
	}
}
