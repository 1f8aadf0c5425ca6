package hooks_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"groupdeck/hooks"
	"groupdeck/ingest"
	"groupdeck/internal/testutil"
	"groupdeck/store"
)

func envelope(field, value string) []byte {
	return []byte(fmt.Sprintf(`{"object":"whatsapp_business_account","entry":[{"id":"W","changes":[{"field":%q,
		"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"1","phone_number_id":"P"},%s}}]}]}`, field, value))
}

func created(req, gid string) []byte {
	return envelope("group_lifecycle_update", fmt.Sprintf(`"groups":[{"timestamp":"100","group_id":%q,"type":"group_create",
		"request_id":%q,"subject":"S","invite_link":"https://chat.whatsapp.com/L","join_approval_mode":"auto_approve"}]`, gid, req))
}

func joined(gid, wa string, ts int) []byte {
	return envelope("group_participants_update", fmt.Sprintf(`"groups":[{"timestamp":"%d","group_id":%q,"type":"group_participants_add",
		"reason":"invite_link","added_participants":[{"wa_id":%q}]}]`, ts, gid, wa))
}

func left(gid, wa string, ts int) []byte {
	return envelope("group_participants_update", fmt.Sprintf(`"groups":[{"timestamp":%d,"group_id":%q,"type":"group_participants_remove",
		"initiated_by":"participant","removed_participants":[{"wa_id":%q}]}]`, ts, gid, wa))
}

// rig is a store, an ingester emitting hook events, and two groups
// created through the webhook like in production.
type rig struct {
	st   *store.Store
	in   *ingest.Ingester
	subs *hooks.Subs
}

func newRig(t *testing.T) *rig {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "h.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	r := &rig{st: st, subs: &hooks.Subs{}}
	r.in = &ingest.Ingester{Store: st, Hooks: r.subs}
	return r
}

func (r *rig) group(t *testing.T, req, gid string) {
	t.Helper()
	g := &store.Group{Subject: "S", JoinApprovalMode: "auto_approve"}
	if err := r.st.CreateGroup(context.Background(), g); err != nil {
		t.Fatal(err)
	}
	if _, err := r.in.GroupRequested(context.Background(), g.ID, req); err != nil {
		t.Fatal(err)
	}
	r.apply(t, created(req, gid))
}

func (r *rig) apply(t *testing.T, body []byte) {
	t.Helper()
	res, err := r.in.Apply(context.Background(), body)
	if err != nil || res.Outcome == store.OutcomeFailed {
		t.Fatalf("apply: %v %+v", err, res)
	}
}

func (r *rig) endpoint(t *testing.T, url, secret string, events ...string) *store.HookEndpoint {
	t.Helper()
	e := &store.HookEndpoint{URL: url, Secret: secret, Events: events, Enabled: true}
	if _, err := r.st.WithTx(context.Background(), func(tx *store.Tx) error { return tx.CreateHookEndpoint(e) }); err != nil {
		t.Fatal(err)
	}
	if err := r.subs.Load(context.Background(), r.st); err != nil {
		t.Fatal(err)
	}
	return e
}

type received struct {
	env hooks.Envelope
	sig error
}

// TestReceiverGetsSignedOrderedEventsAndRetries posts to a receiver that
// is down at first (nothing listens on its port), then comes up: every
// event arrives signed, each group's in the order they happened, and the
// first delivery's retry is in the log.
func TestReceiverGetsSignedOrderedEventsAndRetries(t *testing.T) {
	r := newRig(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // down: connections are refused

	const secret = "s3cret"
	ep := r.endpoint(t, "http://"+addr+"/in", secret, hooks.MemberJoined, hooks.MemberLeft, hooks.GroupCreated)
	r.group(t, "R1", "G1")
	r.group(t, "R2", "G2")
	for i := range 4 {
		r.apply(t, joined("G1", fmt.Sprint("3161", i), 200+i))
		r.apply(t, joined("G2", fmt.Sprint("3162", i), 200+i))
	}
	r.apply(t, left("G1", "31610", 300))

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := &hooks.Sender{Store: r.st, Client: hooks.Client(func() bool { return true }, 2*time.Second), FirstRetry: 20 * time.Millisecond}
	outcomes := map[string]int{}
	var mu sync.Mutex
	s.Outcome = func(o string) { mu.Lock(); outcomes[o]++; mu.Unlock() }
	done := make(chan struct{})
	go func() { defer close(done); s.Run(ctx) }()
	defer func() { cancel(); <-done }()

	// Wait for a failed attempt, then bring the receiver up.
	testutil.Eventually(t, 5*time.Second, func() error {
		log, err := r.st.HookAttempts(ctx, ep.ID, 10)
		if err != nil || len(log) == 0 {
			return errors.New("no attempt yet")
		}
		return nil
	})
	var got []received
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		var env hooks.Envelope
		if err := json.Unmarshal(body, &env); err != nil {
			t.Errorf("body is not an envelope: %v", err)
		}
		mu.Lock()
		got = append(got, received{env, hooks.Verify(secret, req.Header.Get(hooks.SignatureHeader), body, time.Now(), hooks.ReplayWindow)})
		mu.Unlock()
		w.Write([]byte(`{"ok":true}`))
	})}
	ln, err = net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	defer srv.Close()
	s.Wake()

	const want = 2 + 8 + 1 // created, joined, left
	testutil.Eventually(t, 10*time.Second, func() error {
		mu.Lock()
		defer mu.Unlock()
		if len(got) < want || outcomes["delivered"] < want {
			return fmt.Errorf("received %d of %d events, %d recorded", len(got), want, outcomes["delivered"])
		}
		return nil
	})
	mu.Lock()
	defer mu.Unlock()
	if len(got) != want {
		t.Fatalf("received %d events, want %d (duplicates?)", len(got), want)
	}
	last := map[string]string{} // group → last event id seen
	byGroup := map[string][]string{}
	for _, g := range got {
		if g.sig != nil {
			t.Errorf("%s: signature: %v", g.env.ID, g.sig)
		}
		var d struct {
			Group struct {
				WaGroupID string `json:"wa_group_id"`
			} `json:"group"`
			Member struct {
				WaID string `json:"wa_id"`
			} `json:"member"`
		}
		if err := json.Unmarshal(g.env.Data, &d); err != nil {
			t.Fatal(err)
		}
		gid := d.Group.WaGroupID
		if prev := last[gid]; prev != "" && evNum(prev) >= evNum(g.env.ID) {
			t.Errorf("group %s: %s arrived after %s", gid, g.env.ID, prev)
		}
		last[gid] = g.env.ID
		byGroup[gid] = append(byGroup[gid], g.env.Type+" "+d.Member.WaID)
	}
	wantG1 := "group.created ,member.joined 31610,member.joined 31611,member.joined 31612,member.joined 31613,member.left 31610"
	if s := strings.Join(byGroup["G1"], ","); s != wantG1 {
		t.Errorf("G1 got %s\nwant %s", s, wantG1)
	}
	if outcomes["retry"] == 0 || outcomes["delivered"] != want {
		t.Errorf("outcomes %v: want retries and %d delivered", outcomes, want)
	}
	log, err := r.st.HookAttempts(context.Background(), ep.ID, 100)
	if err != nil {
		t.Fatal(err)
	}
	var refused, retried bool
	for _, a := range log {
		refused = refused || (a.Status == 0 && strings.Contains(a.Error, "refused"))
		retried = retried || (a.Status == 200 && a.State == "delivered" && a.Response == `{"ok":true}`)
	}
	if !refused || !retried {
		t.Errorf("log lacks a refused attempt followed by a delivery: %+v", log)
	}
	var firstAttempt int
	for _, g := range got {
		if g.env.Attempt > 1 {
			firstAttempt++
		}
	}
	if firstAttempt == 0 {
		t.Error("no event says it was a retry (attempt > 1)")
	}
}

func evNum(id string) int {
	var n int
	fmt.Sscanf(id, "evt_%d", &n)
	return n
}

// TestSlowEndpointHoldsBackOnlyItself: one endpoint does not answer until
// the other has received all its events; with one shared batch that
// would never happen.
func TestSlowEndpointHoldsBackOnlyItself(t *testing.T) {
	r := newRig(t)
	release := make(chan struct{})
	var fast atomic.Int32
	slowSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		select {
		case <-release:
		case <-req.Context().Done():
		}
	}))
	defer slowSrv.Close()
	fastSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if fast.Add(1) == 3 {
			close(release)
		}
	}))
	defer fastSrv.Close()
	r.endpoint(t, slowSrv.URL, "k", hooks.MemberJoined)
	r.endpoint(t, fastSrv.URL, "k", hooks.MemberJoined)
	r.group(t, "R1", "G1")
	for i := range 3 {
		r.apply(t, joined("G1", fmt.Sprint("3161", i), 200+i))
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	s := &hooks.Sender{Store: r.st, Client: hooks.Client(func() bool { return true }, 30*time.Second)}
	go func() { defer close(done); s.Run(ctx) }()
	defer func() { cancel(); <-done }()
	testutil.Eventually(t, 10*time.Second, func() error {
		if n := fast.Load(); n < 3 {
			return fmt.Errorf("fast endpoint got %d of 3 while the slow one hangs", n)
		}
		return nil
	})
}
