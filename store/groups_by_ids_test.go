package store

import "testing"

func TestGroupsByIDs(t *testing.T) {
	s := mustOpen(t)
	a, b := activeGroup(t, s, "WA"), activeGroup(t, s, "WB")
	got, err := s.GroupsByIDs(t.Context(), []int64{b, 999999, a, b})
	must(t, err)
	if len(got) != 2 || got[a] == nil || got[b] == nil {
		t.Fatalf("got %v, want groups %d and %d only", got, a, b)
	}
	if got[a].WaGroupID != "WA" || got[b].WaGroupID != "WB" {
		t.Fatalf("groups loaded under the wrong ids: %q %q", got[a].WaGroupID, got[b].WaGroupID)
	}
	if _, ok := got[999999]; ok {
		t.Fatal("an unknown id came back")
	}
	none, err := s.GroupsByIDs(t.Context(), nil)
	must(t, err)
	if len(none) != 0 {
		t.Fatalf("no ids gave %d groups", len(none))
	}
}
