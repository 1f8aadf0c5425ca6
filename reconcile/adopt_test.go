package reconcile

import (
	"bytes"
	"context"
	"log/slog"
	"slices"
	"testing"
	"time"

	"groupdeck/store"
	"groupdeck/wasim"
	"groupdeck/whatsapp"
)

// simGroup finds the simulator's group by subject.
func (h *harness) simGroup(subject string) wasim.GroupState {
	h.t.Helper()
	for _, g := range h.sim.Groups() {
		if g.Subject == subject && !g.Deleted {
			return g
		}
	}
	h.t.Fatalf("no simulator group %q", subject)
	return wasim.GroupState{}
}

// requestLost records a create whose group_create webhook is lost.
func (h *harness) requestLost(subject string) *store.Group {
	h.t.Helper()
	ctx := context.Background()
	g := &store.Group{Subject: subject, JoinApprovalMode: "auto_approve"}
	must(h.t, h.st.CreateGroup(ctx, g))
	req, err := h.wa.CreateGroup(ctx, whatsapp.CreateGroupRequest{Subject: subject, JoinApprovalMode: "auto_approve"})
	must(h.t, err)
	_, err = h.in.GroupRequested(ctx, g.ID, req)
	must(h.t, err)
	return g
}

func (h *harness) kinds(groupID int64) []string {
	acts, err := h.st.RecentActivity(context.Background(), groupID, 100)
	must(h.t, err)
	var out []string
	for _, a := range acts {
		out = append(out, a.Kind)
	}
	return out
}

func (h *harness) audits(action store.AuditAction) int {
	entries, err := h.st.AuditLog(context.Background(), 500)
	must(h.t, err)
	n := 0
	for _, e := range entries {
		if e.Action == action {
			n++
		}
	}
	return n
}

func TestSyncAdoptsLostCreates(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	lose := func(b []byte) bool { return bytes.Contains(b, []byte(`"group_create"`)) }
	h.drop.Store(&lose)

	lost := h.requestLost("Lost")
	ghost := &store.Group{Subject: "Ghost", JoinApprovalMode: "auto_approve"}
	must(t, h.st.CreateGroup(ctx, ghost)) // WhatsApp never heard of it
	must(t, h.sim.WaitIdle(ctx))
	// Someone joins the lost group: its webhook names a group the app does
	// not know yet, so ingest keeps it waiting.
	sg := h.simGroup("Lost")
	h.sim.AddUser(wasim.User{WaID: "15550000011", Name: "Joiner"})
	if _, err := h.sim.Tap("15550000011", sg.InviteLink); err != nil {
		t.Fatal(err)
	}
	must(t, h.sim.WaitIdle(ctx))
	if g, _ := h.st.GroupByID(ctx, lost.ID); g.Status != store.GroupCreating {
		t.Fatalf("the create webhook was not lost: %+v", g)
	}

	// Eleven minutes on: Lost is adopted, Ghost has no group and fails.
	s := New(h.st, h.wa, slog.New(slog.DiscardHandler), 0, nil)
	s.Resume = h.in
	s.now = func() time.Time { return time.Now().Add(11 * time.Minute) }
	rep, err := s.Sync(ctx, 0)
	must(t, err)
	if rep.Unknown != 1 || rep.Adopted != 1 || rep.Imported != 0 || len(rep.Drifts) != 2 || len(rep.Errors) != 0 {
		t.Fatalf("report %+v", rep)
	}
	g, _ := h.st.GroupByID(ctx, lost.ID)
	if g.Status != store.GroupActive || g.WaGroupID != sg.ID || g.InviteLink != sg.InviteLink || g.ImportedAt != 0 {
		t.Errorf("adopted group %+v", g)
	}
	if got := h.members(lost.ID); !slices.Equal(got, []string{"15550000011"}) {
		t.Errorf("members %v", got)
	}
	// The waiting join was applied (its own feed line), besides the drift.
	if k := h.kinds(lost.ID); !slices.Contains(k, store.ActJoin) || !slices.Contains(k, store.ActDrift) {
		t.Errorf("activity kinds %v", k)
	}
	gg, _ := h.st.GroupByID(ctx, ghost.ID)
	if gg.Status != store.GroupFailed || gg.Failure != store.StaleCreateReason {
		t.Errorf("ghost %+v", gg)
	}
	if n := h.audits("sync.drift"); n != 2 {
		t.Errorf("%d drifts audit-logged, want 2", n)
	}

	// The ghost's group turns up after all (say WhatsApp was slow): a
	// later sync adopts it although it was marked failed.
	_, err = h.wa.CreateGroup(ctx, whatsapp.CreateGroupRequest{Subject: "Ghost", JoinApprovalMode: "auto_approve"})
	must(t, err)
	must(t, h.sim.WaitIdle(ctx))
	s.now = func() time.Time { return time.Now().Add(20 * time.Minute) }
	rep, err = s.Sync(ctx, 0)
	must(t, err)
	if rep.Adopted != 1 {
		t.Errorf("second report %+v", rep)
	}
	if gg, _ := h.st.GroupByID(ctx, ghost.ID); gg.Status != store.GroupActive || gg.Failure != "" {
		t.Errorf("ghost after its group appeared %+v", gg)
	}
}

func TestSyncLeavesYoungCreatesAlone(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	g := &store.Group{Subject: "Just now", JoinApprovalMode: "auto_approve"}
	must(t, h.st.CreateGroup(ctx, g))
	s := New(h.st, h.wa, slog.New(slog.DiscardHandler), 0, nil)
	rep, err := s.Sync(ctx, 0)
	must(t, err)
	if len(rep.Drifts) != 0 {
		t.Errorf("drifts %+v", rep.Drifts)
	}
	if got, _ := h.st.GroupByID(ctx, g.ID); got.Status != store.GroupCreating {
		t.Errorf("a create minutes old was touched: %+v", got)
	}
}

func TestSyncImportsGroupsMadeElsewhere(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	known := h.createGroup("Ours")
	for _, subject := range []string{"Other tool A", "Other tool B", "Other tool C"} {
		_, err := h.wa.CreateGroup(ctx, whatsapp.CreateGroupRequest{Subject: subject, Description: "made elsewhere",
			JoinApprovalMode: "approval_required"})
		must(t, err)
	}
	must(t, h.sim.WaitIdle(ctx))
	a := h.simGroup("Other tool A")
	must(t, h.sim.ForceAddParticipant(a.ID, wasim.User{WaID: "15550000021", Name: "Early"}))

	// Three group operations per 100 ms: the run has to pause.
	h.sim.Configure(func(c *wasim.Config) { c.OpsPerWindow, c.OpsWindow = 3, 100*time.Millisecond })
	wa := whatsapp.New(h.url, "100000000000001", "tok", whatsapp.WithRetry(1, 0))
	s := New(h.st, wa, slog.New(slog.DiscardHandler), 0, nil)
	s.Resume = h.in
	s.RateWait = 120 * time.Millisecond
	rep, err := s.Sync(ctx, 0)
	must(t, err)
	if rep.Unknown != 3 || rep.Imported != 3 || rep.Checked != 1 || len(rep.Errors) != 0 || rep.RateWaits == 0 {
		t.Fatalf("report %+v", rep)
	}
	all, _, err := h.st.Groups(ctx, store.GroupFilter{Search: "Other tool", Limit: 10})
	must(t, err)
	if len(all) != 3 {
		t.Fatalf("imported %d groups", len(all))
	}
	for _, g := range all {
		if g.ImportedAt == 0 || g.Status != store.GroupActive || g.InviteLink == "" ||
			g.JoinApprovalMode != "approval_required" || g.Description != "made elsewhere" || g.CreatedAt == 0 {
			t.Errorf("imported group %+v", g)
		}
		if k := h.kinds(g.ID); !slices.Contains(k, store.ActImported) {
			t.Errorf("%s: activity %v", g.Subject, k)
		}
		if g.WaGroupID == a.ID && !slices.Equal(h.members(g.ID), []string{"15550000021"}) {
			t.Errorf("members of A %v", h.members(g.ID))
		}
	}
	if n := h.audits("sync.import"); n != 3 {
		t.Errorf("%d imports audit-logged", n)
	}
	if g, _ := h.st.GroupByID(ctx, known.ID); g.ImportedAt != 0 {
		t.Error("a group created here is marked imported")
	}
	// Nothing left to import.
	h.sim.Configure(func(c *wasim.Config) { c.OpsPerWindow = 0 })
	rep, err = s.Sync(ctx, 0)
	if err != nil || rep.Unknown != 0 || rep.Imported != 0 || rep.Checked != 4 {
		t.Errorf("second run %+v %v", rep, err)
	}
}
