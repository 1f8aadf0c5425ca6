package app

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"groupdeck/ingest"
	"groupdeck/store"
	"groupdeck/wasim"
	"groupdeck/whatsapp"
)

func startSandbox(t *testing.T, db string) *App {
	t.Helper()
	cfg, err := ParseConfig([]string{"-addr", "127.0.0.1:0", "-db", db, "-sync-interval", "0"},
		func(k string) string {
			return map[string]string{"GROUPDECK_ADMIN_EMAIL": "admin@x.test",
				"GROUPDECK_ADMIN_PASSWORD": "a long sandbox password"}[k]
		}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	cfg.SimFast = true
	a, err := New(context.Background(), cfg, slog.New(slog.DiscardHandler), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	a.Start()
	return a
}

// waitGroup polls until the group reaches cond: webhooks are asynchronous.
func waitGroup(t *testing.T, a *App, id int64, cond func(*store.Group) bool) *store.Group {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		g, err := a.Store.GroupByID(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if cond(g) {
			return g
		}
		if time.Now().After(deadline) {
			t.Fatalf("group %d never reached the expected state: %+v", id, g)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// createGroup goes the way the New group form does: a row, the create
// call, its request id, then the simulator's group_create webhook.
func createGroup(t *testing.T, a *App, subject, mode string) *store.Group {
	t.Helper()
	ctx := context.Background()
	g := &store.Group{Subject: subject, JoinApprovalMode: mode}
	if err := a.Store.CreateGroup(ctx, g); err != nil {
		t.Fatal(err)
	}
	req, err := a.WA.CreateGroup(ctx, whatsapp.CreateGroupRequest{Subject: subject, JoinApprovalMode: mode})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := (&ingest.Ingester{Store: a.Store}).GroupRequested(ctx, g.ID, req); err != nil {
		t.Fatal(err)
	}
	return waitGroup(t, a, g.ID, func(g *store.Group) bool { return g.Status == store.GroupActive && g.InviteLink != "" })
}

// TestSandboxKeepsItsWorldAcrossRestarts is "make run" twice: groups,
// links, participants and join requests made in the first run are still on
// the simulated WhatsApp in the second, and a sync finds nothing to fix.
func TestSandboxKeepsItsWorldAcrossRestarts(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "sandbox.db")
	a := startSandbox(t, db)
	open := createGroup(t, a, "Open house", "auto_approve")
	gated := createGroup(t, a, "Gated garden", "approval_required")
	for _, wa := range []string{"15550000001", "15550000002"} {
		a.Sim.AddUser(wasim.User{WaID: wa, Name: "Person " + wa})
		if res, err := a.Sim.Tap(wa, open.InviteLink); err != nil || res != wasim.TapJoined {
			t.Fatalf("join: %v %v", res, err)
		}
	}
	a.Sim.AddUser(wasim.User{WaID: "15550000003", Name: "Asker"})
	if res, err := a.Sim.Tap("15550000003", gated.InviteLink); err != nil || res != wasim.TapRequested {
		t.Fatalf("request: %v %v", res, err)
	}
	waitGroup(t, a, open.ID, func(g *store.Group) bool { return g.ParticipantCount == 2 })
	waitGroup(t, a, gated.ID, func(g *store.Group) bool { return g.PendingRequests == 1 })
	a.Close()

	a = startSandbox(t, db)
	defer a.Close()
	rep, err := a.Sync.Sync(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Checked != 2 || len(rep.Drifts) != 0 || len(rep.Errors) != 0 || rep.Unknown != 0 || rep.Guard != "" {
		t.Fatalf("sync right after the restart: %+v", rep)
	}
	for _, g := range []*store.Group{open, gated} {
		if got := waitGroup(t, a, g.ID, func(*store.Group) bool { return true }); got.Status != store.GroupActive {
			t.Errorf("%s is %s after restart", g.Subject, got.Status)
		}
	}
	// The link shared before the restart still lets people in.
	a.Sim.AddUser(wasim.User{WaID: "15550000004", Name: "Late"})
	if res, err := a.Sim.Tap("15550000004", open.InviteLink); err != nil || res != wasim.TapJoined {
		t.Fatalf("join after restart: %v %v", res, err)
	}
	waitGroup(t, a, open.ID, func(g *store.Group) bool { return g.ParticipantCount == 3 })
}
