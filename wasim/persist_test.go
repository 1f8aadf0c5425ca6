package wasim

import (
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestPersistKeepsTheWorld builds a world through the API and the user
// hooks, closes the simulator, starts a new one on the same file, and
// checks that everything WhatsApp would remember is still there and
// still behaves.
func TestPersistKeepsTheWorld(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sim.json")
	h := newHarness(t, nil)
	if err := h.sim.Persist(path, 5*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	id, oldLink := h.groupWithMembers("15550000001", "15550000002", "15550000003")
	gated, gatedLink := h.createGroup("Gated", "approval_required")
	h.sim.AddUser(User{WaID: "15550000009", Name: "Asks"})
	if res, err := h.sim.Tap("15550000009", gatedLink); err != nil || res != TapRequested {
		t.Fatalf("request: %v %v", res, err)
	}
	gone, _ := h.createGroup("Gone", "")
	if st, b := h.do("DELETE", "/v23.0/"+gone, nil); st != 200 {
		t.Fatalf("delete: %d %v", st, b)
	}
	if st, b := h.do("DELETE", "/v23.0/"+id+"/participants", map[string]any{"messaging_product": "whatsapp",
		"participants": []any{map[string]any{"user": "15550000003"}}}); st != 200 {
		t.Fatalf("remove: %d %v", st, b)
	}
	_, sent := h.do("POST", phonePath+"/messages", map[string]any{"messaging_product": "whatsapp", "recipient_type": "group",
		"to": id, "type": "text", "text": map[string]any{"body": "hello"}})
	wamid := sent["messages"].([]any)[0].(map[string]any)["id"].(string)
	if st, b := h.do("POST", phonePath+"/messages", map[string]any{"messaging_product": "whatsapp", "recipient_type": "group",
		"to": id, "type": "pin", "pin": map[string]any{"type": "pin", "message_id": wamid, "expiration_days": 7}}); st != 200 {
		t.Fatalf("pin: %d %v", st, b)
	}
	_, reset := h.do("POST", "/v23.0/"+id+"/invite_link", nil)
	newLink := reset["invite_link"].(string)
	if _, err := h.sim.Say("15550000001", id, "text", "hi all"); err != nil {
		t.Fatal(err)
	}
	h.wait()
	groups, users, msgs := jsonOf(t, h.sim.Groups()), jsonOf(t, h.sim.Users()), jsonOf(t, h.sim.Sent())
	inbox := jsonOf(t, h.sim.Inbox("15550000002"))
	h.sim.Close()

	// The same seed would hand out the same ids again: restored ones must
	// be skipped.
	sim := New(Config{AccessToken: testToken, AppSecret: testSecret, WebhookURL: h.srv.URL, Seed: 42,
		WebhookDelay: 5 * time.Millisecond, SentDelay: 2 * time.Millisecond, DeliverDelay: 10 * time.Millisecond, ReadDelay: 20 * time.Millisecond})
	if err := sim.Persist(path, 5*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	rc := &receiver{t: t}
	hook := httptest.NewServer(rc)
	t.Cleanup(hook.Close)
	sim.SetWebhookURL(hook.URL)
	sim.Start()
	t.Cleanup(sim.Close)
	h2 := &harness{t: t, sim: sim, srv: srv, rc: rc}

	if got := jsonOf(t, sim.Groups()); got != groups {
		t.Errorf("groups after restart\n got %s\nwant %s", got, groups)
	}
	if got := jsonOf(t, sim.Users()); got != users {
		t.Errorf("users after restart\n got %s\nwant %s", got, users)
	}
	if got := jsonOf(t, sim.Sent()); got != msgs {
		t.Errorf("sent after restart\n got %s\nwant %s", got, msgs)
	}
	if got := jsonOf(t, sim.Inbox("15550000002")); got != inbox {
		t.Errorf("inbox after restart\n got %s\nwant %s", got, inbox)
	}

	// And it behaves as before: the old link is dead, the new one works,
	// the removed person stays out, the request is still pending, the
	// deleted group stays deleted, the listing has the two live groups.
	if _, err := sim.Tap("15550000002", oldLink); err == nil || !strings.Contains(err.Error(), "no longer valid") {
		t.Errorf("old link after restart: %v", err)
	}
	if _, err := sim.Tap("15550000003", newLink); err == nil || !strings.Contains(err.Error(), "removed by the business") {
		t.Errorf("removed person after restart: %v", err)
	}
	sim.AddUser(User{WaID: "15550000004", Name: "New"})
	if res, err := sim.Tap("15550000004", newLink); err != nil || res != TapJoined {
		t.Errorf("new link after restart: %v %v", res, err)
	}
	if _, b := h2.do("GET", "/v23.0/"+gated+"/join_requests", nil); len(b["data"].([]any)) != 1 {
		t.Errorf("join requests after restart: %v", b)
	}
	if st, b := h2.do("GET", "/v23.0/"+gone+"?fields=subject", nil); st == 200 {
		t.Errorf("deleted group answers after restart: %v", b)
	}
	if _, b := h2.do("GET", phonePath+"/groups", nil); len(b["data"].(map[string]any)["groups"].([]any)) != 2 {
		t.Errorf("listing after restart: %v", b)
	}
	if _, b := h2.do("GET", "/v23.0/"+id+"?fields=participants", nil); len(b["participants"].([]any)) != 3 {
		t.Errorf("participants after restart: %v", b)
	}
	fresh, _ := h2.createGroup("Fresh", "")
	for _, g := range sim.Groups()[:3] {
		if g.ID == fresh {
			t.Errorf("a new group reused the id of %q", g.Subject)
		}
	}

	// What changed after the restart is written too.
	sim.Close()
	b, err := os.ReadFile(path)
	if err != nil || !strings.Contains(string(b), "Fresh") || !strings.Contains(string(b), "15550000004") {
		t.Errorf("state after the second run: %v %.200s", err, b)
	}
}

func TestPersistRefusesAnUnreadableFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sim.json")
	if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := New(Config{}).Persist(path, time.Second)
	if err == nil || !strings.Contains(err.Error(), "move it away") {
		t.Errorf("corrupt state: %v", err)
	}
}
