package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"groupdeck/internal/testutil"
	"groupdeck/store"
	"groupdeck/wasim"
)

func num(v any) int64 { f, _ := v.(float64); return int64(f) }

// TestGroupLifecycleThroughTheAPI drives a group the way an automation
// tool would, against the simulator: create, page, change, invite, people
// join and ask to join, decisions, messages with receipts, labels, delete.
func TestGroupLifecycleThroughTheAPI(t *testing.T) {
	e := start(t)
	ctx := context.Background()
	mgr := e.tokens[store.RoleManager]
	open := e.activeGroup("Open house", "auto_approve")
	gated := e.activeGroup("Gated garden", "approval_required")

	// Cursor paging: one group a page, newest first, nothing twice.
	var seen []int64
	next := ""
	for range 3 {
		r := e.do("GET", "/groups?limit=1&cursor="+next, mgr, nil)
		page := r.json(t)
		for _, it := range page["items"].([]any) {
			seen = append(seen, num(it.(map[string]any)["id"]))
		}
		next, _ = page["next_cursor"].(string)
		if next == "" {
			break
		}
	}
	if fmt.Sprint(seen) != fmt.Sprint([]int64{gated, open}) {
		t.Fatalf("paged groups %v", seen)
	}
	isProblem(t, e.do("GET", "/groups?cursor=nope!", mgr, nil), 400)
	if items := e.do("GET", "/groups?q=garden", mgr, nil).json(t)["items"].([]any); len(items) != 1 {
		t.Fatalf("search found %d", len(items))
	}

	// Settings: validated like the form, then pending until the webhook.
	p := isProblem(t, e.do("PATCH", fmt.Sprint("/groups/", open), mgr, map[string]any{"subject": strings.Repeat("x", 129)}), 422)
	if !strings.Contains(p["errors"].(map[string]any)["subject"].(string), "128") {
		t.Errorf("long subject: %v", p)
	}
	isProblem(t, e.do("PATCH", fmt.Sprint("/groups/", open), mgr, map[string]any{"subjekt": "typo"}), 400)
	if r := e.do("PATCH", fmt.Sprint("/groups/", open), mgr, map[string]any{"subject": "Open house 2027"}); r.status != 202 {
		t.Fatalf("settings: %d %s", r.status, r.body)
	}
	testutil.Eventually(t, 10*time.Second, func() error {
		if s := e.do("GET", fmt.Sprint("/groups/", open), mgr, nil).json(t)["subject"]; s != "Open house 2027" {
			return fmt.Errorf("subject is %v", s)
		}
		return nil
	})

	// Invite links: a reset gives a new link, and the old one stops working.
	oldLink := e.do("GET", fmt.Sprint("/groups/", open, "/invite"), mgr, nil).json(t)["link"].(string)
	r := e.do("POST", fmt.Sprint("/groups/", open, "/invite/reset"), mgr, nil)
	link, _ := r.json(t)["link"].(string)
	if r.status != 200 || link == "" || link == oldLink {
		t.Fatalf("reset: %d %s", r.status, r.body)
	}
	e.a.Sim.AddUser(wasim.User{WaID: "15550000001", Name: "Ann"})
	e.a.Sim.AddUser(wasim.User{WaID: "15550000002", Name: "Bob"})
	e.a.Sim.AddUser(wasim.User{WaID: "15550000003", Name: "Cy"})
	if res, _ := e.a.Sim.Tap("15550000001", oldLink); res == wasim.TapJoined {
		t.Fatal("the old link still works")
	}
	for _, wa := range []string{"15550000001", "15550000002"} {
		if res, err := e.a.Sim.Tap(wa, link); err != nil || res != wasim.TapJoined {
			t.Fatalf("join: %v %v", res, err)
		}
	}
	if res, err := e.a.Sim.Tap("15550000003", e.do("GET", fmt.Sprint("/groups/", gated, "/invite"), mgr, nil).json(t)["link"].(string)); err != nil || res != wasim.TapRequested {
		t.Fatalf("request: %v %v", res, err)
	}
	var parts []any
	testutil.Eventually(t, 10*time.Second, func() error {
		parts = e.do("GET", fmt.Sprint("/groups/", open, "/participants"), mgr, nil).json(t)["items"].([]any)
		if len(parts) != 2 {
			return fmt.Errorf("%d participants", len(parts))
		}
		return nil
	})

	// Join requests: listed per group and in the inbox; a wrong id refuses
	// the whole decision; the right one is approved.
	var reqs []any
	testutil.Eventually(t, 10*time.Second, func() error {
		reqs = e.do("GET", fmt.Sprint("/groups/", gated, "/join-requests"), mgr, nil).json(t)["items"].([]any)
		if len(reqs) != 1 {
			return fmt.Errorf("%d requests", len(reqs))
		}
		return nil
	})
	if all := e.do("GET", "/join-requests", mgr, nil).json(t)["items"].([]any); len(all) != 1 {
		t.Fatalf("inbox has %d", len(all))
	}
	jr := num(reqs[0].(map[string]any)["id"])
	isProblem(t, e.do("POST", fmt.Sprint("/groups/", gated, "/join-requests/approve"), mgr, map[string]any{"ids": []int64{jr, jr + 100}}), 422)
	isProblem(t, e.do("POST", fmt.Sprint("/groups/", open, "/join-requests/approve"), mgr, map[string]any{"ids": []int64{jr}}), 422)
	r = e.do("POST", fmt.Sprint("/groups/", gated, "/join-requests/approve"), mgr, map[string]any{"ids": []int64{jr}})
	if d := r.json(t); r.status != 200 || num(d["done"]) != 1 || len(d["failures"].([]any)) != 0 {
		t.Fatalf("approve: %d %s", r.status, r.body)
	}
	testutil.Eventually(t, 10*time.Second, func() error {
		if n := num(e.do("GET", fmt.Sprint("/groups/", gated), mgr, nil).json(t)["participant_count"]); n != 1 {
			return fmt.Errorf("gated has %d", n)
		}
		return nil
	})
	// WhatsApp reports the approval as a join through the invite link;
	// groupdeck records it as the answer to the request, and the joins
	// through the open group's link stay invite_link.
	gatedParts := e.do("GET", fmt.Sprint("/groups/", gated, "/participants"), mgr, nil).json(t)["items"].([]any)
	if len(gatedParts) != 1 || gatedParts[0].(map[string]any)["joined_via"] != store.ViaJoinRequest {
		t.Fatalf("gated participants after the approval: %v", gatedParts)
	}
	for _, p := range parts {
		if via := p.(map[string]any)["joined_via"]; via != store.ViaInviteLink {
			t.Errorf("a link join reads joined_via %v", via)
		}
	}

	// Messages: a text goes out through the outbox and its receipts come back.
	isProblem(t, e.do("POST", fmt.Sprint("/groups/", open, "/messages"), mgr, map[string]any{"kind": "text", "body": "  "}), 422)
	r = e.do("POST", fmt.Sprint("/groups/", open, "/messages"), mgr, map[string]any{"kind": "text", "body": "Hello from the API"})
	if r.status != 202 || r.json(t)["state"] != store.MsgQueued {
		t.Fatalf("send: %d %s", r.status, r.body)
	}
	mid := num(r.json(t)["id"])
	var msg map[string]any
	testutil.Eventually(t, 10*time.Second, func() error {
		items := e.do("GET", fmt.Sprint("/groups/", open, "/messages"), mgr, nil).json(t)["items"].([]any)
		if len(items) == 0 {
			return fmt.Errorf("no messages")
		}
		msg = items[0].(map[string]any)
		if num(msg["id"]) != mid || msg["wamid"] == nil || num(msg["delivered"]) != 2 {
			return fmt.Errorf("newest message %v", msg)
		}
		return nil
	})
	if err := e.a.Sim.Read("15550000001", msg["wamid"].(string)); err != nil {
		t.Fatal(err)
	}
	testutil.Eventually(t, 10*time.Second, func() error {
		rs := e.do("GET", fmt.Sprint("/groups/", open, "/messages/", mid, "/receipts"), mgr, nil)
		var read int
		var list []map[string]any
		if err := jsonInto(rs.body, &list); err != nil {
			return err
		}
		for _, x := range list {
			if x["read_at"] != nil {
				read++
			}
		}
		if len(list) != 2 || read != 1 {
			return fmt.Errorf("receipts %s", rs.body)
		}
		return nil
	})

	// People: get and label a participant (audited); unknown keys are 404.
	isProblem(t, e.do("GET", "/people/15559999999", mgr, nil), 404)
	r = e.do("PUT", "/people/15550000001/label", mgr, map[string]any{"label": "volunteer", "note": "Drives the van"})
	if pp := r.json(t); r.status != 200 || pp["label"] != "volunteer" || fmt.Sprint(pp["groups"]) != fmt.Sprintf("[%d]", open) {
		t.Fatalf("label: %d %s", r.status, r.body)
	}
	if pp := e.do("GET", "/people/15550000001", e.tokens[store.RoleViewer], nil).json(t); pp["note"] != "Drives the van" {
		t.Fatalf("person %v", pp)
	}
	entries, err := e.a.Store.AuditLog(ctx, 50)
	if err != nil {
		t.Fatal(err)
	}
	found := map[store.AuditAction]bool{}
	for _, a := range entries {
		if a.UserID == e.users[store.RoleManager].ID {
			found[a.Action] = true
		}
	}
	for _, want := range []store.AuditAction{store.AuditGroupCreate, store.AuditGroupSettings, store.AuditInviteReset,
		store.AuditRequestsApprove, store.AuditMessageQueue, store.AuditPersonLabel} {
		if !found[want] {
			t.Errorf("no %s audit entry by the token's user", want)
		}
	}

	// Removal, then delete: both pending until WhatsApp's webhook.
	isProblem(t, e.do("POST", fmt.Sprint("/groups/", open, "/participants/remove"), mgr, map[string]any{"keys": []string{"15559999999"}}), 422)
	if r := e.do("POST", fmt.Sprint("/groups/", open, "/participants/remove"), mgr, map[string]any{"keys": []string{"15550000002"}}); r.status != 202 {
		t.Fatalf("remove: %d %s", r.status, r.body)
	}
	testutil.Eventually(t, 10*time.Second, func() error {
		if n := len(e.do("GET", fmt.Sprint("/groups/", open, "/participants"), mgr, nil).json(t)["items"].([]any)); n != 1 {
			return fmt.Errorf("%d participants", n)
		}
		return nil
	})
	if r := e.do("DELETE", fmt.Sprint("/groups/", gated), mgr, nil); r.status != 202 {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	testutil.Eventually(t, 10*time.Second, func() error {
		if s := e.do("GET", fmt.Sprint("/groups/", gated), mgr, nil).json(t)["status"]; s != store.GroupDeleted {
			return fmt.Errorf("status %v", s)
		}
		return nil
	})
	isProblem(t, e.do("POST", fmt.Sprint("/groups/", gated, "/invite/reset"), mgr, nil), 409)
	if r := e.do("GET", "/campaigns", mgr, nil); r.status != 200 || len(r.json(t)["items"].([]any)) != 0 {
		t.Fatalf("campaigns: %d %s", r.status, r.body)
	}
	isProblem(t, e.do("GET", "/jobs/1", mgr, nil), 404)
	isProblem(t, e.do("GET", "/nothing/here", mgr, nil), 404)
	isProblem(t, e.do("PUT", "/groups", mgr, nil), http.StatusNotFound)
}

// TestIdempotencyKey: a retried create answers the first answer and
// creates nothing more; the same key for another body is refused.
func TestIdempotencyKey(t *testing.T) {
	e := start(t)
	mgr := e.tokens[store.RoleManager]
	body := map[string]any{"subject": "Once only"}
	first := e.do("POST", "/groups", mgr, body, "Idempotency-Key", "k-1")
	again := e.do("POST", "/groups", mgr, body, "Idempotency-Key", "k-1")
	if first.status != 201 || again.status != 201 || string(first.body) != string(again.body) {
		t.Fatalf("retry: %d %s / %d %s", first.status, first.body, again.status, again.body)
	}
	if again.header.Get("Idempotent-Replayed") != "true" || first.header.Get("Idempotent-Replayed") != "" {
		t.Error("the replay is not marked")
	}
	gs, _, err := e.a.Store.GroupList(context.Background(), store.GroupQuery{Search: "Once only"})
	if err != nil || len(gs) != 1 {
		t.Fatalf("%d groups created (%v)", len(gs), err)
	}
	isProblem(t, e.do("POST", "/groups", mgr, map[string]any{"subject": "Something else"}, "Idempotency-Key", "k-1"), 422)
	// A refusal is an answer too: kept, and replayed.
	bad := e.do("POST", "/groups", mgr, map[string]any{"subject": ""}, "Idempotency-Key", "k-2")
	isProblem(t, bad, 422)
	if again := e.do("POST", "/groups", mgr, map[string]any{"subject": ""}, "Idempotency-Key", "k-2"); again.header.Get("Idempotent-Replayed") != "true" {
		t.Error("a kept refusal was not replayed")
	}
	// Keys belong to one token: another token's same key acts anew.
	other := e.do("POST", "/groups", e.tokens[store.RoleAdmin], body, "Idempotency-Key", "k-1")
	if other.status != 201 || other.header.Get("Idempotent-Replayed") != "" {
		t.Fatalf("another token: %d", other.status)
	}
}
