package hooks_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"groupdeck/hooks"
)

func TestPublic(t *testing.T) {
	for addr, want := range map[string]bool{
		"8.8.8.8": true, "2606:4700::1111": true,
		"127.0.0.1": false, "::1": false, "10.1.2.3": false, "172.16.0.1": false, "192.168.1.1": false,
		"169.254.169.254": false, "fe80::1": false, "fd00::1": false, "0.0.0.0": false, "::": false,
		"100.64.0.1": false, "::ffff:127.0.0.1": false, "224.0.0.1": false,
	} {
		if got := hooks.Public(netip.MustParseAddr(addr)); got != want {
			t.Errorf("Public(%s) = %v, want %v", addr, got, want)
		}
	}
}

// TestClientRefusesLoopbackUnlessAllowed checks the address at connection
// time: the same URL fails while private targets are refused and works
// once an admin allows them.
func TestClientRefusesLoopbackUnlessAllowed(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	allow := false
	c := hooks.Client(func() bool { return allow }, time.Second)
	_, err := c.Get(srv.URL)
	if !errors.Is(err, hooks.ErrPrivateTarget) {
		t.Fatalf("loopback with private targets refused: err = %v", err)
	}
	allow = true
	resp, err := c.Get(srv.URL)
	if err != nil {
		t.Fatalf("allowed: %v", err)
	}
	resp.Body.Close()
}

func TestVerify(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	body := []byte(`{"id":"evt_1"}`)
	h := hooks.Sign("k", now, body)
	// Known answer, as the README's openssl line computes it.
	if want := "t=1800000000,v1=cbe0c8caa036c8cca32e14022fa31df3c8ce5e5c4576563b4bb885dbf32202a0"; h != want {
		t.Fatalf("header %q, want %q", h, want)
	}
	if err := hooks.Verify("k", h, body, now.Add(time.Minute), hooks.ReplayWindow); err != nil {
		t.Errorf("good signature: %v", err)
	}
	for name, err := range map[string]error{
		"tampered body": hooks.Verify("k", h, []byte(`{"id":"evt_2"}`), now, hooks.ReplayWindow),
		"wrong secret":  hooks.Verify("x", h, body, now, hooks.ReplayWindow),
		"replayed late": hooks.Verify("k", h, body, now.Add(hooks.ReplayWindow+time.Second), hooks.ReplayWindow),
		"malformed":     hooks.Verify("k", "v1=abc", body, now, hooks.ReplayWindow),
	} {
		if err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestRefusedTargetIsLoggedAndRetried: with private targets refused, a
// loopback endpoint gets no request, and the log says why.
func TestRefusedTargetIsLoggedAndRetried(t *testing.T) {
	r := newRig(t)
	hit := false
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) { hit = true }))
	defer srv.Close()
	ep := r.endpoint(t, srv.URL, "k", hooks.GroupCreated)
	r.group(t, "R1", "G1")
	s := &hooks.Sender{Store: r.st, Client: hooks.Client(func() bool { return false }, time.Second)}
	if n, err := s.RunOnce(context.Background()); err != nil || n != 1 {
		t.Fatalf("RunOnce = %d, %v", n, err)
	}
	log, err := r.st.HookAttempts(context.Background(), ep.ID, 10)
	if err != nil || len(log) != 1 {
		t.Fatalf("log %+v %v", log, err)
	}
	if hit || !strings.Contains(log[0].Error, "private") || log[0].State != "pending" {
		t.Errorf("hit=%v attempt %+v: want refused, still pending", hit, log[0])
	}
}
