package handlers

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"groupdeck/store"
)

func storeFilter() store.GroupFilter { return store.GroupFilter{Limit: 10} }

func TestCreateGroupValidation(t *testing.T) {
	ts := newTestServer(t)
	c := ts.client()
	c.login("manager@x.test")
	tests := []struct {
		name, subject, desc, mode, want string
	}{
		{"empty subject", "   ", "", "", "Give the group a subject"},
		{"long subject", strings.Repeat("é", 129), "", "", "at most 128"},
		{"long description", "ok", strings.Repeat("d", 2049), "", "at most 2048"},
		{"bad mode", "ok", "", "everyone", "Choose who can join"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, body, _ := c.post("/groups", url.Values{"_csrf": {c.csrf}, "subject": {tt.subject}, "description": {tt.desc}, "join_approval_mode": {tt.mode}})
			if st != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", st)
			}
			if !strings.Contains(body, tt.want) {
				t.Errorf("body lacks %q", tt.want)
			}
			if tt.desc != "" && !strings.Contains(body, tt.desc) {
				t.Error("the description typed was lost")
			}
		})
	}
	if len(ts.wa.creates) != 0 {
		t.Error("invalid input reached WhatsApp")
	}
}

func TestCreateGroupCallsWhatsApp(t *testing.T) {
	ts := newTestServer(t)
	c := ts.client()
	c.login("manager@x.test")
	st, _, h := c.post("/groups", url.Values{"_csrf": {c.csrf}, "subject": {"  Book club  "}, "join_approval_mode": {"approval_required"}})
	if st != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/groups/") {
		t.Fatalf("create: %d %q", st, h.Get("Location"))
	}
	if len(ts.wa.creates) != 1 || ts.wa.creates[0].Subject != "Book club" || ts.wa.creates[0].JoinApprovalMode != "approval_required" {
		t.Fatalf("WhatsApp got %+v", ts.wa.creates)
	}
	gs, _, _ := ts.store.Groups(t.Context(), storeFilter())
	if len(gs) != 1 || gs[0].Status != store.GroupCreating || gs[0].RequestID != "req-1" {
		t.Fatalf("stored %+v", gs)
	}
	_, body := c.get(h.Get("Location"))
	if !strings.Contains(body, "Creating…") {
		t.Error("group page does not say Creating…")
	}
}
