package api_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"groupdeck/internal/testutil"
	"groupdeck/store"
	"groupdeck/wasim"
)

// TestTemplateAndMediaSends sends what the composer sends, through the
// API against the simulator: a named template with an image header given
// by media id, and an image by id; mistakes are 422 naming the field.
func TestTemplateAndMediaSends(t *testing.T) {
	e := start(t)
	ctx := context.Background()
	mgr := e.tokens[store.RoleManager]
	g := e.activeGroup("Template town", "auto_approve")
	path := fmt.Sprint("/groups/", g, "/messages")
	e.a.Sim.AddUser(wasim.User{WaID: "15550000001", Name: "Ann"})
	link := e.do("GET", fmt.Sprint("/groups/", g, "/invite"), mgr, nil).json(t)["link"].(string)
	if res, err := e.a.Sim.Tap("15550000001", link); err != nil || res != wasim.TapJoined {
		t.Fatalf("join: %v %v", res, err)
	}
	testutil.Eventually(t, 10*time.Second, func() error {
		if n := num(e.do("GET", fmt.Sprint("/groups/", g), mgr, nil).json(t)["participant_count"]); n != 1 {
			return fmt.Errorf("%d participants", n)
		}
		return nil
	})
	if err := e.a.Templates.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")
	mediaID, err := e.a.WA.UploadMedia(ctx, "poster.png", "image/png", bytes.NewReader(png))
	if err != nil {
		t.Fatal(err)
	}
	errsOf := func(r answer, status int) map[string]any {
		t.Helper()
		p := isProblem(t, r, status)
		errs, _ := p["errors"].(map[string]any)
		return errs
	}
	tpl := map[string]any{"name": "event_invitation", "language": "en_US"}

	// A missing variable and a missing header media: each field says why.
	errs := errsOf(e.do("POST", path, mgr, map[string]any{"kind": "template", "template": tpl,
		"variables": map[string]string{"body.first_name": "Ana", "button.0.1": "fair-2027"}}), 422)
	if !strings.Contains(fmt.Sprint(errs["variables.body.event_name"]), "Fill in") || errs["header_media_id"] == nil || len(errs) != 2 {
		t.Fatalf("missing variable: %v", errs)
	}
	// A template that is not approved, or not there at all.
	for _, name := range []string{"no_such_template", "win_a_prize"} {
		errs = errsOf(e.do("POST", path, mgr, map[string]any{"kind": "template", "template": map[string]any{"name": name, "language": "en_US"}}), 422)
		if !strings.Contains(fmt.Sprint(errs["template"]), "not an approved template") {
			t.Fatalf("%s: %v", name, errs)
		}
	}
	// A variable the template does not have.
	errs = errsOf(e.do("POST", path, mgr, map[string]any{"kind": "template", "template": map[string]any{"name": "shipping_update", "language": "en_US"},
		"variables": map[string]string{"body.1": "x"}}), 422)
	if errs["variables.body.1"] == nil {
		t.Fatalf("extra variable: %v", errs)
	}

	r := e.do("POST", path, mgr, map[string]any{"kind": "template", "template": tpl, "header_media_id": mediaID,
		"variables": map[string]string{"body.first_name": "Ana", "body.event_name": "the spring fair", "button.0.1": "fair-2027"}})
	if r.status != 202 || r.json(t)["kind"] != "template" || r.json(t)["body"] != "Hello Ana! Join us for the spring fair." {
		t.Fatalf("template send: %d %s", r.status, r.body)
	}
	delivered(t, e, g, num(r.json(t)["id"]))
	m, err := e.a.Store.MessageByID(ctx, g, num(r.json(t)["id"]))
	if err != nil {
		t.Fatal(err)
	}
	if m.MediaID != mediaID || m.Payload.Header != "image" || !m.Payload.Named || len(m.Payload.Vars) != 3 {
		t.Fatalf("stored template: %+v", m)
	}

	// Media by id, with the composer's caption rules.
	errs = errsOf(e.do("POST", path, mgr, map[string]any{"kind": "sticker", "media_id": mediaID, "caption": "no"}), 422)
	if !strings.Contains(fmt.Sprint(errs["caption"]), "captions on stickers") {
		t.Fatalf("sticker caption: %v", errs)
	}
	errs = errsOf(e.do("POST", path, mgr, map[string]any{"kind": "image"}), 422)
	if errs["media_id"] == nil {
		t.Fatalf("no media id: %v", errs)
	}
	errs = errsOf(e.do("POST", path, mgr, map[string]any{"kind": "gif", "media_id": mediaID}), 422)
	if errs["kind"] == nil {
		t.Fatalf("unknown kind: %v", errs)
	}
	r = e.do("POST", path, mgr, map[string]any{"kind": "image", "media_id": mediaID, "caption": "The poster"})
	if r.status != 202 || r.json(t)["kind"] != "image" || r.json(t)["body"] != "The poster" {
		t.Fatalf("image send: %d %s", r.status, r.body)
	}
	delivered(t, e, g, num(r.json(t)["id"]))
}

// delivered waits until the message left the outbox and reached the group.
func delivered(t *testing.T, e *env, g, mid int64) {
	t.Helper()
	testutil.Eventually(t, 10*time.Second, func() error {
		m, err := e.a.Store.MessageByID(context.Background(), g, mid)
		if err != nil {
			return err
		}
		if m.WAMID == "" || m.Delivered == 0 {
			return fmt.Errorf("message %d: state %s, error %q, delivered %d", mid, m.State, m.Error, m.Delivered)
		}
		return nil
	})
}
