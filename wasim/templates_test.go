package wasim

import (
	"path/filepath"
	"testing"
	"time"
)

// A template created from the library survives a restart, with its review
// still running on the simulator's clock; seeded ones are rebuilt.
func TestPersistKeepsCreatedTemplates(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sim.json")
	h := newHarness(t, func(c *Config) { c.NoInviteTemplate, c.TemplateReview = true, time.Hour })
	if err := h.sim.Persist(path, 5*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	st, b := h.do("POST", "/v23.0/200000000000001/message_templates", map[string]any{"name": "group_invite_link",
		"language": "en_US", "category": "UTILITY", "library_template_name": "group_invite_link"})
	if st != 200 || b["status"] != "PENDING" {
		t.Fatalf("create: %d %v", st, b)
	}
	h.sim.Close()

	sim := New(Config{AccessToken: testToken, NoInviteTemplate: true, TemplateReview: time.Hour})
	if err := sim.Persist(path, 5*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	sim.mu.Lock()
	tpl := sim.findTemplate("group_invite_link", "en_US")
	seeded := sim.findTemplate("order_update", "en_US")
	sim.mu.Unlock()
	if tpl == nil || tpl.status != "PENDING" || tpl.reviewAt.IsZero() || tpl.body == "" || seeded == nil {
		t.Fatalf("after restart: %+v (seeded %v)", tpl, seeded != nil)
	}
}
