package reconcile

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"groupdeck/ingest"
	"groupdeck/internal/testutil"
	"groupdeck/store"
	"groupdeck/wasim"
	"groupdeck/whatsapp"
)

const secret = "reconcile-secret"

type harness struct {
	t   *testing.T
	st  *store.Store
	in  *ingest.Ingester
	sim *wasim.Server
	wa  *whatsapp.Client
	url string // the simulator's Graph base URL
	// drop, when set, loses webhook bodies it returns true for (answered
	// 200 but never applied), as when Meta gave up on them.
	drop atomic.Pointer[func([]byte) bool]
}

// newHarness runs the simulator against a real ingest endpoint, so the
// app's state starts out right and every drift is made on purpose.
func newHarness(t *testing.T) *harness {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "r.db"))
	if err != nil {
		t.Fatal(err)
	}
	in := &ingest.Ingester{Store: st}
	h := &harness{t: t, st: st, in: in}
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if whatsapp.VerifySignature(secret, body, r.Header.Get("X-Hub-Signature-256")) != nil {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if drop := h.drop.Load(); drop != nil && (*drop)(body) {
			return
		}
		if _, err := in.Apply(r.Context(), body); err != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	sim := wasim.New(wasim.Config{AccessToken: "tok", AppSecret: secret, WebhookURL: hook.URL,
		WebhookDelay: time.Millisecond, SentDelay: time.Millisecond, DeliverDelay: time.Millisecond, ReadDelay: time.Millisecond})
	api := httptest.NewServer(sim)
	sim.Start()
	t.Cleanup(func() { sim.Close(); api.Close(); hook.Close(); st.Close() })
	h.sim, h.url = sim, api.URL+"/v23.0"
	h.wa = whatsapp.New(h.url, "100000000000001", "tok")
	return h
}

func (h *harness) createGroup(subject string) *store.Group {
	return h.createGroupMode(subject, "auto_approve")
}

func (h *harness) createGroupMode(subject, mode string) *store.Group {
	h.t.Helper()
	ctx := context.Background()
	g := &store.Group{Subject: subject, JoinApprovalMode: mode}
	if err := h.st.CreateGroup(ctx, g); err != nil {
		h.t.Fatal(err)
	}
	req, err := h.wa.CreateGroup(ctx, whatsapp.CreateGroupRequest{Subject: subject, JoinApprovalMode: mode})
	if err != nil {
		h.t.Fatal(err)
	}
	if _, err := h.in.GroupRequested(ctx, g.ID, req); err != nil {
		h.t.Fatal(err)
	}
	return h.waitFor(g.ID, func(g *store.Group) bool { return g.Status == store.GroupActive })
}

// waitFor polls the store until cond holds: webhooks are asynchronous.
func (h *harness) waitFor(id int64, cond func(*store.Group) bool) *store.Group {
	h.t.Helper()
	var g *store.Group
	testutil.Eventually(h.t, 5*time.Second, func() error {
		var err error
		if g, err = h.st.GroupByID(context.Background(), id); err != nil {
			h.t.Fatal(err)
		}
		if !cond(g) {
			return fmt.Errorf("group %d never reached the expected state: %+v", id, g)
		}
		return nil
	})
	return g
}

func (h *harness) members(id int64) []string {
	ps, err := h.st.Participants(context.Background(), id)
	if err != nil {
		h.t.Fatal(err)
	}
	var out []string
	for _, p := range ps {
		out = append(out, p.Key)
	}
	slices.Sort(out)
	return out
}

func TestSyncHealsDrift(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	a := h.createGroup("Alpha")
	b := h.createGroup("Beta")
	for _, wa := range []string{"15550000001", "15550000002"} {
		h.sim.AddUser(wasim.User{WaID: wa, Name: "P" + wa})
		if _, err := h.sim.Tap(wa, a.InviteLink); err != nil {
			t.Fatal(err)
		}
	}
	h.waitFor(a.ID, func(g *store.Group) bool { return g.ParticipantCount == 2 })

	// A first sync finds nothing to heal and confirms both groups.
	s := New(h.st, h.wa, slog.New(slog.DiscardHandler), 0, nil)
	rep, err := s.Sync(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Checked != 2 || len(rep.Drifts) != 0 {
		t.Fatalf("clean sync: %+v", rep)
	}
	if g, _ := h.st.GroupByID(ctx, a.ID); g.ConfirmedAt == 0 {
		t.Error("confirmed_at not set")
	}

	// Behind the app's back: one person gone, one added, a new subject,
	// and the other group deleted.
	must(t, h.sim.ForceRemoveParticipant(a.WaGroupID, "15550000001"))
	must(t, h.sim.ForceAddParticipant(a.WaGroupID, wasim.User{WaID: "15550000003", Name: "New"}))
	must(t, h.sim.ForceSubject(a.WaGroupID, "Alpha renamed"))
	must(t, h.sim.ForceDelete(b.WaGroupID))

	rep, err = s.Sync(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Drifts) != 4 || len(rep.Errors) != 0 {
		t.Errorf("drifts %+v errors %v", rep.Drifts, rep.Errors)
	}
	if got := h.members(a.ID); !slices.Equal(got, []string{"15550000002", "15550000003"}) {
		t.Errorf("members after sync %v", got)
	}
	ga, _ := h.st.GroupByID(ctx, a.ID)
	if ga.Subject != "Alpha renamed" || ga.ParticipantCount != 2 {
		t.Errorf("group a %+v", ga)
	}
	if gb, _ := h.st.GroupByID(ctx, b.ID); gb.Status != store.GroupDeleted {
		t.Errorf("group b status %s", gb.Status)
	}
	audit, _ := h.st.AuditLog(ctx, 50)
	n := 0
	for _, e := range audit {
		if e.Action == "sync.drift" {
			n++
		}
	}
	if n != 4 {
		t.Errorf("%d drifts audit-logged, want 4", n)
	}
	acts, _ := h.st.RecentActivity(ctx, 0, 50)
	if len(acts) == 0 || acts[0].Kind != store.ActDrift {
		t.Errorf("drift not in the activity feed: %+v", acts)
	}

	// Healed: a third run finds nothing.
	if rep, err = s.Sync(ctx, 0); err != nil || len(rep.Drifts) != 0 || rep.Checked != 1 {
		t.Errorf("after healing: %+v %v", rep, err)
	}
}

func TestSyncHealsJoinRequests(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	g := h.createGroupMode("Gated", "approval_required")
	h.sim.AddUser(wasim.User{WaID: "15550000009", Name: "Req"})
	if res, err := h.sim.Tap("15550000009", g.InviteLink); err != nil || res != "requested" {
		t.Fatalf("tap: %v %v", res, err)
	}
	h.waitFor(g.ID, func(g *store.Group) bool { return g.PendingRequests == 1 })
	// The app lost track of the request (say, a decision that never reached WhatsApp).
	rs, _, _ := h.st.PendingJoinRequests(ctx, g.ID, 10)
	must(t, h.st.DecideJoinRequests(ctx, g.ID, []string{rs[0].JoinRequestID}, "rejected"))
	h.waitFor(g.ID, func(g *store.Group) bool { return g.PendingRequests == 0 })

	s := New(h.st, h.wa, slog.New(slog.DiscardHandler), 0, nil)
	rep, err := s.Sync(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Drifts) != 1 {
		t.Errorf("drifts %+v", rep.Drifts)
	}
	h.waitFor(g.ID, func(g *store.Group) bool { return g.PendingRequests == 1 })
}

func TestRunDisabledReturns(t *testing.T) {
	s := New(nil, nil, slog.New(slog.DiscardHandler), 0, nil)
	done := make(chan struct{})
	go func() { s.Run(context.Background()); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run with interval 0 did not return")
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
