package reconcile

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"groupdeck/store"
	"groupdeck/whatsapp"
)

// confusedAPI answers like the Cloud API does with a wrong phone number id
// or a token of another business: every group is unknown, and the
// listing may come back empty. Anything else goes to the real client.
type confusedAPI struct {
	API
	unknown   func(waGroupID string) bool
	emptyList bool
}

func (f confusedAPI) GroupInfo(ctx context.Context, id string, fields ...string) (*whatsapp.GroupInfo, error) {
	if f.unknown(id) {
		return nil, &whatsapp.APIError{HTTPStatus: 400, Code: 100, Subcode: 33,
			Message: "Unsupported get request. Object with ID '" + id + "' does not exist"}
	}
	return f.API.GroupInfo(ctx, id, fields...)
}

func (f confusedAPI) ListGroups(ctx context.Context, o whatsapp.ListGroupsOptions) (*whatsapp.GroupPage, error) {
	if f.emptyList {
		return &whatsapp.GroupPage{}, nil
	}
	return f.API.ListGroups(ctx, o)
}

func everyGroup(string) bool { return true }

func statuses(t *testing.T, st *store.Store, gs ...*store.Group) []string {
	t.Helper()
	var out []string
	for _, g := range gs {
		got, err := st.GroupByID(context.Background(), g.ID)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, got.Status)
	}
	return out
}

func auditActions(t *testing.T, st *store.Store) map[string]int {
	t.Helper()
	es, err := st.AuditLog(context.Background(), 500)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, e := range es {
		out[string(e.Action)]++
	}
	return out
}

func TestSyncGuardHoldsWhenEveryGroupIsUnknown(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	var gs []*store.Group
	for _, subj := range []string{"One", "Two", "Three", "Four", "Five"} {
		gs = append(gs, h.createGroup(subj))
	}
	s := New(h.st, confusedAPI{API: h.wa, unknown: everyGroup}, slog.New(slog.DiscardHandler), 0, nil)
	rep, err := s.Sync(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := "WhatsApp answered that 5 of 5 groups do not exist: check the phone number id and token; nothing was marked deleted"
	if rep.Guard != want {
		t.Errorf("guard %q, want %q", rep.Guard, want)
	}
	if len(rep.Held) != 5 || len(rep.Drifts) != 0 {
		t.Errorf("held %d drifts %+v", len(rep.Held), rep.Drifts)
	}
	for i, st := range statuses(t, h.st, gs...) {
		if st != store.GroupActive {
			t.Errorf("group %s is %s after a guarded sync", gs[i].Subject, st)
		}
	}
	gd, err := h.st.SyncGuard(ctx)
	if err != nil || gd == nil || gd.Message != want || len(gd.Held) != 5 {
		t.Fatalf("stored guard %+v %v", gd, err)
	}
	if n := auditActions(t, h.st)["sync.guard"]; n != 1 {
		t.Errorf("sync.guard audit-logged %d times", n)
	}

	// An admin confirms two of them: only those are marked deleted, the
	// other three stay held.
	n, err := s.ConfirmHeld(ctx, 0, []int64{gs[0].ID, gs[1].ID})
	if err != nil || n != 2 {
		t.Fatalf("confirm: %d %v", n, err)
	}
	got := statuses(t, h.st, gs...)
	if got[0] != store.GroupDeleted || got[1] != store.GroupDeleted || got[2] != store.GroupActive {
		t.Errorf("after confirming two: %v", got)
	}
	if gd, _ := h.st.SyncGuard(ctx); gd == nil || len(gd.Held) != 3 {
		t.Errorf("guard after confirming two: %+v", gd)
	}
	acts := auditActions(t, h.st)
	if acts["sync.guard_confirm"] != 1 || acts["sync.drift"] != 2 {
		t.Errorf("audit after confirm: %v", acts)
	}

	// The configuration is fixed: the next sync answers normally, deletes
	// nothing more and drops the stale finding.
	s.WA = h.wa
	rep, err = s.Sync(ctx, 0)
	if err != nil || rep.Guard != "" || len(rep.Drifts) != 0 || rep.Checked != 3 {
		t.Fatalf("sync after the fix: %+v %v", rep, err)
	}
	if gd, _ := h.st.SyncGuard(ctx); gd != nil {
		t.Errorf("guard still standing after a normal sync: %+v", gd)
	}
	if got := statuses(t, h.st, gs[2:]...); got[0] != store.GroupActive || got[2] != store.GroupActive {
		t.Errorf("held groups after the fix: %v", got)
	}
}

func TestSyncGuardStillDeletesOneGoneGroup(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	a, b := h.createGroup("Stays"), h.createGroup("Really gone")
	s := New(h.st, confusedAPI{API: h.wa, unknown: func(id string) bool { return id == b.WaGroupID }},
		slog.New(slog.DiscardHandler), 0, nil)
	rep, err := s.Sync(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Guard != "" || len(rep.Drifts) != 1 {
		t.Errorf("guard %q drifts %+v", rep.Guard, rep.Drifts)
	}
	if got := statuses(t, h.st, a, b); got[0] != store.GroupActive || got[1] != store.GroupDeleted {
		t.Errorf("statuses %v", got)
	}
	if gd, _ := h.st.SyncGuard(ctx); gd != nil {
		t.Errorf("guard stored for a single deletion: %+v", gd)
	}
}

func TestSyncGuardDistrustsAnEmptyListing(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	a, b := h.createGroup("Listed"), h.createGroup("Unknown")
	ghost := &store.Group{Subject: "Still creating", JoinApprovalMode: "auto_approve"}
	must(t, h.st.CreateGroup(ctx, ghost))
	s := New(h.st, confusedAPI{API: h.wa, emptyList: true, unknown: func(id string) bool { return id == b.WaGroupID }},
		slog.New(slog.DiscardHandler), 0, nil)
	s.now = func() time.Time { return time.Now().Add(time.Hour) } // the create is long stale
	rep, err := s.Sync(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(rep.Guard, "WhatsApp listed no groups on this number while 2 are active here") {
		t.Errorf("guard %q", rep.Guard)
	}
	if len(rep.Held) != 1 || rep.Held[0].GroupID != b.ID {
		t.Errorf("held %+v", rep.Held)
	}
	if got := statuses(t, h.st, a, b, ghost); got[0] != store.GroupActive || got[1] != store.GroupActive || got[2] != store.GroupCreating {
		t.Errorf("statuses after an empty listing: %v", got)
	}

	// Dismissed by an admin: nothing changes, the finding is gone.
	must(t, s.DismissHeld(ctx, 0))
	if gd, _ := h.st.SyncGuard(ctx); gd != nil {
		t.Errorf("guard after dismiss: %+v", gd)
	}
	if got := statuses(t, h.st, b); got[0] != store.GroupActive {
		t.Errorf("dismiss changed the group: %v", got)
	}
	if n := auditActions(t, h.st)["sync.guard_dismiss"]; n != 1 {
		t.Errorf("dismiss audit-logged %d times", n)
	}
}

func TestGuardThreshold(t *testing.T) {
	s := New(nil, nil, slog.New(slog.DiscardHandler), 0, nil)
	cases := []struct {
		active, gone int
		empty, holds bool
	}{
		{75, 74, false, true},
		{75, 1, false, false},
		{5, 3, false, false},  // three is a handful, not a wipe
		{5, 4, false, true},   // more than three and more than 10 %
		{40, 4, false, false}, // exactly 10 %: let through
		{39, 4, false, true},  // just over 10 %
		{1000, 50, false, false},
		{2, 0, true, true},  // nothing listed while groups are active here
		{2, 1, true, true},  // nothing listed, yet one group answers
		{1, 1, true, false}, // the one group here is really gone, and not listed
		{3, 3, true, false}, // a handful, all gone, none listed: consistent
		{0, 0, false, false},
	}
	for _, c := range cases {
		if got := s.guardMessage(c.active, c.gone, c.empty) != ""; got != c.holds {
			t.Errorf("active %d gone %d empty %t: holds %t, want %t", c.active, c.gone, c.empty, got, c.holds)
		}
	}
}

// The only group here deleted on WhatsApp: the listing is empty and agrees
// with the group read, so the group is marked deleted as before the guard.
func TestSyncGuardTrustsAnEmptyListingThatAgrees(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	g := h.createGroup("Only one")
	must(t, h.sim.ForceDelete(g.WaGroupID))
	rep, err := New(h.st, h.wa, slog.New(slog.DiscardHandler), 0, nil).Sync(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Guard != "" || len(rep.Drifts) != 1 {
		t.Errorf("guard %q drifts %+v", rep.Guard, rep.Drifts)
	}
	if got := statuses(t, h.st, g); got[0] != store.GroupDeleted {
		t.Errorf("status %v", got)
	}
}
