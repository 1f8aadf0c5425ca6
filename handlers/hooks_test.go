package handlers

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"groupdeck/hooks"
)

// TestHooksAdmin registers an endpoint through the page, is refused a
// loopback URL until private targets are allowed, sends a test event and
// redelivers it; the receiver verifies both signatures and the log shows
// the attempts.
func TestHooksAdmin(t *testing.T) {
	ts := newTestServer(t)
	cs := roleClients(ts)
	for _, r := range []string{"manager", "viewer"} {
		if st, _ := cs[r].get("/hooks"); st != http.StatusForbidden {
			t.Errorf("%s GET /hooks: %d, want 403", r, st)
		}
		if st, _ := cs[r].form("/hooks", url.Values{"url": {"https://x.example/"}, "events": {hooks.MemberJoined}}, false); st != http.StatusForbidden {
			t.Errorf("%s POST /hooks: %d, want 403", r, st)
		}
	}
	admin := cs["admin"]
	if _, body := admin.get("/hooks"); !strings.Contains(body, `data-testid="hooks-empty"`) {
		t.Error("no empty state")
	}

	var mu sync.Mutex
	var got []hooks.Envelope
	var sigs []string
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var e hooks.Envelope
		json.Unmarshal(b, &e)
		mu.Lock()
		got = append(got, e)
		sigs = append(sigs, r.Header.Get(hooks.SignatureHeader)+"|"+string(b))
		mu.Unlock()
		w.Write([]byte("thanks"))
	}))
	defer recv.Close()

	form := url.Values{"url": {recv.URL + "/in"}, "events": {hooks.MemberJoined, hooks.GroupCreated, "bogus"}}
	st, body := admin.form("/hooks", form, false)
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, "private, loopback") || !strings.Contains(body, recv.URL+"/in") {
		t.Fatalf("loopback target while refused: %d", st)
	}
	if st, body = admin.form("/hooks", url.Values{"url": {"ftp://x"}, "secret": {"short"}}, false); st != http.StatusUnprocessableEntity ||
		!strings.Contains(body, "Choose at least one event") || !strings.Contains(body, "full http") || !strings.Contains(body, "16 characters") {
		t.Errorf("bad form: %d", st)
	}
	if st, _ = admin.form("/hooks/settings", url.Values{"allow_private": {"1"}}, false); st != http.StatusSeeOther {
		t.Fatalf("settings: %d", st)
	}
	if st, _ = admin.form("/hooks", form, false); st != http.StatusSeeOther {
		t.Fatalf("create: %d", st)
	}
	eps, err := ts.store.HookEndpoints(context.Background())
	if err != nil || len(eps) != 1 {
		t.Fatalf("endpoints %v %v", eps, err)
	}
	ep := eps[0]
	if !strings.HasPrefix(ep.Secret, "whsec_") || strings.Join(ep.Events, ",") != "member.joined,group.created" {
		t.Errorf("stored %+v", ep)
	}
	id := itoa64(ep.ID)
	if st, _ = admin.form("/hooks/"+id+"/test", nil, false); st != http.StatusSeeOther {
		t.Fatalf("test event: %d", st)
	}
	subs := &hooks.Subs{}
	if err := subs.Load(context.Background(), ts.store); err != nil || !subs.AllowPrivate() || !subs.Wants(hooks.GroupCreated) {
		t.Fatalf("subscriptions not stored: %v", err)
	}
	sender := &hooks.Sender{Store: ts.store, Client: hooks.Client(subs.AllowPrivate, time.Second)}
	if n, err := sender.RunOnce(context.Background()); n != 1 || err != nil {
		t.Fatalf("send: %d %v", n, err)
	}
	_, body = admin.get("/hooks/" + id)
	if strings.Count(body, `data-testid="hook-attempt"`) != 1 || !strings.Contains(body, "thanks") || !strings.Contains(body, ">200<") {
		t.Errorf("log does not show the delivered test event")
	}
	ev := strings.TrimPrefix(got[0].ID, "evt_")
	if st, _ = admin.form("/hooks/"+id+"/redeliver", url.Values{"event": {ev}}, false); st != http.StatusSeeOther {
		t.Fatalf("redeliver: %d", st)
	}
	if n, err := sender.RunOnce(context.Background()); n != 1 || err != nil {
		t.Fatalf("send again: %d %v", n, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 2 || got[0].ID != got[1].ID || got[0].Type != hooks.TestEvent {
		t.Fatalf("received %+v", got)
	}
	for _, s := range sigs {
		h, b, _ := strings.Cut(s, "|")
		if err := hooks.Verify(ep.Secret, h, []byte(b), time.Now(), hooks.ReplayWindow); err != nil {
			t.Errorf("signature: %v", err)
		}
	}
	if st, _ = admin.form("/hooks/"+id+"/redeliver", url.Values{"event": {"999999"}}, false); st != http.StatusSeeOther {
		t.Errorf("redeliver unknown: %d", st)
	}
	_, body = admin.get("/audit")
	for _, a := range []string{"hook.create", "hook.test", "hook.redeliver", "hook.settings"} {
		if !strings.Contains(body, a) {
			t.Errorf("audit lacks %s", a)
		}
	}
	if st, _ = admin.form("/hooks/"+id+"/delete", nil, false); st != http.StatusSeeOther {
		t.Errorf("delete: %d", st)
	}
	if eps, _ := ts.store.HookEndpoints(context.Background()); len(eps) != 0 {
		t.Error("endpoint not deleted")
	}
}

func TestReadyz(t *testing.T) {
	ts := newTestServer(t)
	res, err := http.Get(ts.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var r readiness
	if err := json.NewDecoder(res.Body).Decode(&r); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("readyz: %d %v", res.StatusCode, err)
	}
	if r.Status != "ready" || r.Database != "ok" {
		t.Errorf("readyz %+v", r)
	}
	if res, _ := http.Get(ts.URL + "/metrics"); res.StatusCode != http.StatusNotFound {
		t.Errorf("/metrics without a token configured: %d, want 404", res.StatusCode)
	}
}
