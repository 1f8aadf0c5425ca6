package wasim

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"
)

// simCall calls the unauthenticated /_sim API and decodes the answer.
func (h *harness) simCall(method, path string, body any, into any) int {
	h.t.Helper()
	var rd *bytes.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	} else {
		rd = bytes.NewReader(nil)
	}
	req, _ := http.NewRequest(method, h.srv.URL+path, rd)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	if into != nil {
		if err := json.NewDecoder(resp.Body).Decode(into); err != nil {
			h.t.Fatalf("%s %s: %v", method, path, err)
		}
	}
	return resp.StatusCode
}

func TestSimAPI(t *testing.T) {
	h := newHarness(t, nil)
	id, link := h.createGroup("Sim", "")

	var u User
	if st := h.simCall("POST", "/_sim/users", map[string]any{"wa_id": "+16505550001", "name": "Ana"}, &u); st != 200 || u.WaID != "16505550001" || len(u.UserID) < 5 || u.UserID[:3] != "US." {
		t.Fatalf("add user: %d %+v", st, u)
	}
	var again User
	h.simCall("POST", "/_sim/users", map[string]any{"wa_id": "16505550001", "name": "Other"}, &again)
	if again != u {
		t.Fatalf("AddUser not idempotent: %+v vs %+v", again, u)
	}
	var users []User
	h.simCall("GET", "/_sim/users", nil, &users)
	if len(users) != 1 {
		t.Fatalf("users %v", users)
	}
	var tap map[string]any
	if st := h.simCall("POST", "/_sim/tap", map[string]any{"wa_id": "16505550001", "link": link}, &tap); st != 200 || tap["result"] != "joined" {
		t.Fatalf("tap: %d %v", st, tap)
	}
	var refused map[string]any
	if st := h.simCall("POST", "/_sim/tap", map[string]any{"wa_id": "16505550001", "link": "https://chat.whatsapp.com/nope"}, &refused); st != 409 || refused["error"] == "" {
		t.Fatalf("bad link: %d %v", st, refused)
	}
	var said map[string]any
	if st := h.simCall("POST", "/_sim/say", map[string]any{"wa_id": "16505550001", "group_id": id, "text": "hi"}, &said); st != 200 || said["message_id"] == "" {
		t.Fatalf("say: %d %v", st, said)
	}
	var cfg simConfig
	if st := h.simCall("POST", "/_sim/config", map[string]any{"auto_read": false, "aggregate_statuses": true, "deliver_delay_ms": 0}, &cfg); st != 200 || *cfg.AutoRead || !*cfg.AggregateStatuses || *cfg.DeliverDelayMS != 0 {
		t.Fatalf("config: %d %+v", st, cfg)
	}
	if c := h.sim.Config(); !c.ManualRead || !c.AggregateStatuses {
		t.Fatalf("config not applied: %+v", c)
	}
	wamid := sendText(t, h, id, "from business")
	var inbox []InboxItem
	h.simCall("GET", "/_sim/inbox?wa_id=16505550001", nil, &inbox)
	if len(inbox) != 1 || inbox[0].ID != wamid || inbox[0].Text != "from business" || inbox[0].GroupID != id {
		t.Fatalf("inbox %+v", inbox)
	}
	if st := h.simCall("POST", "/_sim/read", map[string]any{"wa_id": "16505550001", "message_id": wamid}, nil); st != 200 {
		t.Fatalf("read: %d", st)
	}
	if st := h.simCall("POST", "/_sim/suspend", map[string]any{"group_id": id, "suspended": true}, nil); st != 200 {
		t.Fatalf("suspend: %d", st)
	}
	var groups []GroupState
	h.simCall("GET", "/_sim/groups", nil, &groups)
	if len(groups) != 1 || !groups[0].Suspended || len(groups[0].Participants) != 1 || groups[0].Participants[0].Name != "Ana" {
		t.Fatalf("groups %+v", groups)
	}
	h.simCall("POST", "/_sim/suspend", map[string]any{"group_id": id, "suspended": false}, nil)
	if st := h.simCall("POST", "/_sim/leave", map[string]any{"wa_id": "16505550001", "group_id": id}, nil); st != 200 {
		t.Fatalf("leave: %d", st)
	}
	if st := h.simCall("POST", "/_sim/force", map[string]any{"op": "add", "group_id": id, "wa_id": "16505550002", "name": "Bo"}, nil); st != 200 {
		t.Fatalf("force add: %d", st)
	}
	h.simCall("GET", "/_sim/groups?wa_id=16505550002", nil, &groups)
	if len(groups) != 1 {
		t.Fatalf("groups of user %+v", groups)
	}
	if st := h.simCall("POST", "/_sim/cancel", map[string]any{"wa_id": "16505550002", "group_id": id}, nil); st != 409 {
		t.Fatalf("cancel without request: %d", st)
	}
	if st := h.simCall("POST", "/_sim/nope", map[string]any{}, nil); st != 404 {
		t.Fatalf("unknown endpoint: %d", st)
	}
	h.wait()
	var reads int
	for _, st := range h.rc.statuses() {
		if st["status"] == "read" {
			reads++
		}
	}
	if reads != 1 {
		t.Fatalf("want exactly the manual read, got %d", reads)
	}
	var pending map[string]int
	h.simCall("GET", "/_sim/pending", nil, &pending)
	if pending["pending"] != 0 {
		t.Fatalf("pending %v", pending)
	}
}

// With a control token set, /_sim/ answers only requests that carry it;
// the Cloud API endpoints keep their own bearer token.
func TestSimAPIControlToken(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.ControlToken = "ctl-secret" })
	if st := h.simCall("POST", "/_sim/users", map[string]any{"wa_id": "16505550001", "name": "Ana"}, nil); st != http.StatusUnauthorized {
		t.Errorf("POST /_sim/users without the token: %d, want 401", st)
	}
	if len(h.sim.Users()) != 0 {
		t.Error("a user was added without the token")
	}
	req, _ := http.NewRequest("POST", h.srv.URL+"/_sim/users", bytes.NewReader([]byte(`{"wa_id":"16505550001","name":"Ana"}`)))
	req.Header.Set(ControlTokenHeader, "ctl-secret")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK || len(h.sim.Users()) != 1 {
		t.Errorf("POST /_sim/users with the token: %d, %d users", res.StatusCode, len(h.sim.Users()))
	}
	h.createGroup("Still served", "") // the API itself does not need the control token
}
