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

func TestSkipReasonAgreesWithRefusal(t *testing.T) {
	for _, tc := range []struct {
		g    store.Group
		want string
	}{
		{store.Group{Status: store.GroupActive, ParticipantCount: 2}, ""},
		{store.Group{Status: store.GroupActive}, "nobody joined yet"},
		{store.Group{Status: store.GroupActive, ParticipantCount: 2, Suspended: true}, "suspended by WhatsApp"},
		{store.Group{Status: store.GroupDeleted, ParticipantCount: 2}, "deleted"},
		{store.Group{Status: store.GroupDeleting, ParticipantCount: 2}, "deleted"},
		{store.Group{Status: store.GroupCreating}, "not active: still being created"},
		{store.Group{Status: store.GroupFailed}, "not active: failed"},
	} {
		got := SkipReason(&tc.g)
		if got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.g, got, tc.want)
		}
		if (got == "") != (Refusal(&tc.g) == "") {
			t.Errorf("%+v: SkipReason %q but Refusal %q", tc.g, got, Refusal(&tc.g))
		}
	}
}
