package views

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"groupdeck/store"
)

// TestOneStatusBadge: every state renders exactly one status badge, and a
// suspended active group is Suspended only; changes are refused with a
// reason in every state but active and unsuspended.
func TestOneStatusBadge(t *testing.T) {
	for _, tc := range []struct {
		g          store.Group
		badge, why string
	}{
		{store.Group{Status: store.GroupActive, WaGroupID: "G"}, "Active", ""},
		{store.Group{Status: store.GroupActive, WaGroupID: "G", Suspended: true}, "Suspended", "131207"},
		{store.Group{Status: store.GroupCreating}, "Creating…", "not confirmed"},
		{store.Group{Status: store.GroupFailed}, "Failed", "could not create"},
		{store.Group{Status: store.GroupDeleting, WaGroupID: "G"}, "Deleting…", "being deleted"},
		{store.Group{Status: store.GroupDeleted, WaGroupID: "G", Suspended: true}, "Deleted", "was deleted"},
	} {
		var b bytes.Buffer
		if err := StatusBadge(&tc.g).Render(context.Background(), &b); err != nil {
			t.Fatal(err)
		}
		html := b.String()
		if n := strings.Count(html, `data-testid="status"`); n != 1 || !strings.Contains(html, ">"+tc.badge+"<") {
			t.Errorf("%s suspended=%v: badge %s, want one %q", tc.g.Status, tc.g.Suspended, html, tc.badge)
		}
		why := ChangeRefusal(&tc.g)
		if (tc.why == "") != (why == "") || !strings.Contains(why, tc.why) {
			t.Errorf("%s suspended=%v: refusal %q, want %q", tc.g.Status, tc.g.Suspended, why, tc.why)
		}
	}
}
