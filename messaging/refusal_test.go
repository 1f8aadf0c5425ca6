package messaging

import (
	"strings"
	"testing"

	"groupdeck/store"
)

func TestRefusal(t *testing.T) {
	for _, tc := range []struct {
		g    store.Group
		want string
	}{
		{store.Group{Status: store.GroupActive, ParticipantCount: 2}, ""},
		{store.Group{Status: store.GroupActive}, "(131020)"},
		{store.Group{Status: store.GroupActive, ParticipantCount: 2, Suspended: true}, "(131207)"},
		{store.Group{Status: store.GroupCreating}, "not active"},
	} {
		if got := Refusal(&tc.g); (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("%+v: %q, want %q", tc.g, got, tc.want)
		}
	}
}
