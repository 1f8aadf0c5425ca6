package wasim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/jpeg"
	"mime/multipart"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// matchShape compares actual JSON against a hand-written golden value: same
// keys, same JSON types; "<...>" strings are wildcards, other strings and
// non-zero numbers must be equal. Arrays compare element i against golden
// element min(i, len-1) and must be non-empty when the golden one is.
func matchShape(path string, golden, actual any) []string {
	switch g := golden.(type) {
	case map[string]any:
		a, ok := actual.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: want object, got %T", path, actual)}
		}
		var errs []string
		for k := range g {
			if _, ok := a[k]; !ok {
				errs = append(errs, fmt.Sprintf("%s.%s: missing", path, k))
			}
		}
		for k := range a {
			if _, ok := g[k]; !ok {
				errs = append(errs, fmt.Sprintf("%s.%s: unexpected key", path, k))
			}
		}
		for k, gv := range g {
			if av, ok := a[k]; ok {
				errs = append(errs, matchShape(path+"."+k, gv, av)...)
			}
		}
		sort.Strings(errs)
		return errs
	case []any:
		a, ok := actual.([]any)
		if !ok {
			return []string{fmt.Sprintf("%s: want array, got %T", path, actual)}
		}
		if len(g) > 0 && len(a) == 0 {
			return []string{path + ": empty array"}
		}
		var errs []string
		for i, av := range a {
			errs = append(errs, matchShape(fmt.Sprintf("%s[%d]", path, i), g[min(i, len(g)-1)], av)...)
		}
		return errs
	case string:
		a, ok := actual.(string)
		if !ok {
			return []string{fmt.Sprintf("%s: want string, got %T (%v)", path, actual, actual)}
		}
		if !(strings.HasPrefix(g, "<") && strings.HasSuffix(g, ">")) && a != g {
			return []string{fmt.Sprintf("%s: want %q, got %q", path, g, a)}
		}
	case float64:
		a, ok := actual.(float64)
		if !ok {
			return []string{fmt.Sprintf("%s: want number, got %T", path, actual)}
		}
		if g != 0 && a != g {
			return []string{fmt.Sprintf("%s: want %v, got %v", path, g, a)}
		}
	case bool:
		if _, ok := actual.(bool); !ok {
			return []string{fmt.Sprintf("%s: want bool, got %T", path, actual)}
		}
	}
	return nil
}

func loadGolden(t *testing.T, name string) any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return v
}

// findChange returns the first received change whose field matches and for
// which pick reports true, as generic JSON.
func findChange(t *testing.T, rc *receiver, field string, pick func(v map[string]any) bool) any {
	t.Helper()
	for _, c := range rc.changes() {
		if c.Field == field && pick(c.Value) {
			var v any
			_ = json.Unmarshal(c.Raw, &v)
			return map[string]any{"field": c.Field, "value": v}
		}
	}
	return nil
}

func groupEvent(typ string, extra func(ev map[string]any) bool) func(map[string]any) bool {
	return func(v map[string]any) bool {
		gs, _ := v["groups"].([]any)
		if len(gs) == 0 {
			return false
		}
		ev := gs[0].(map[string]any)
		return ev["type"] == typ && (extra == nil || extra(ev))
	}
}

func has(key string) func(map[string]any) bool {
	return func(ev map[string]any) bool { _, ok := ev[key]; return ok }
}

func lacks(key string) func(map[string]any) bool {
	return func(ev map[string]any) bool { _, ok := ev[key]; return !ok }
}

func messageOfType(typ string) func(map[string]any) bool {
	return func(v map[string]any) bool {
		ms, _ := v["messages"].([]any)
		return len(ms) > 0 && ms[0].(map[string]any)["type"] == typ
	}
}

func statusOf(status string, pred func(st map[string]any) bool) func(map[string]any) bool {
	return func(v map[string]any) bool {
		sts, _ := v["statuses"].([]any)
		if len(sts) == 0 {
			return false
		}
		st := sts[0].(map[string]any)
		return st["status"] == status && (pred == nil || pred(st))
	}
}

func jpegOf(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, w, h)), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// multipartBody builds a form with text fields and one file part.
func multipartBody(t *testing.T, fields map[string]string, fileField string, file []byte) (*bytes.Buffer, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	if fileField != "" {
		fw, err := mw.CreateFormFile(fileField, "photo.jpg")
		if err != nil {
			t.Fatal(err)
		}
		_, _ = fw.Write(file)
	}
	_ = mw.Close()
	return &b, mw.FormDataContentType()
}

func TestWebhookShapes(t *testing.T) {
	h := newHarness(t, nil)
	id, _ := h.groupWithMembers("16505550001", "16505550002", "16505550003")
	for _, kind := range []string{"text", "image", "unsupported"} {
		if _, err := h.sim.Say("16505550001", id, kind, "hello "+kind); err != nil {
			t.Fatal(err)
		}
	}
	if st, b := h.do("POST", phonePath+"/messages", map[string]any{
		"messaging_product": "whatsapp", "recipient_type": "group", "to": id,
		"type": "text", "text": map[string]any{"body": "hi"},
	}); st != 200 {
		t.Fatalf("send: %d %v", st, b)
	}
	h.wait()
	if err := h.sim.Leave("16505550003", id); err != nil {
		t.Fatal(err)
	}
	h.do("DELETE", "/v23.0/"+id+"/participants", map[string]any{"messaging_product": "whatsapp",
		"participants": []any{map[string]any{"user": "+16505550002"}, map[string]any{"user": "16505559999"}}})
	h.wait()
	body, ctype := multipartBody(t, map[string]string{"messaging_product": "whatsapp", "subject": "New", "description": "Desc"}, "file", jpegOf(t, 200, 200))
	if st, b := h.raw("POST", "/v23.0/"+id, body, ctype, testToken); st != 200 {
		t.Fatalf("settings: %d %v", st, b)
	}
	body, ctype = multipartBody(t, map[string]string{"subject": "Newer"}, "profile_picture_file", jpegOf(t, 300, 200))
	if st, b := h.raw("POST", "/v23.0/"+id, body, ctype, testToken); st != 200 {
		t.Fatalf("settings partial: %d %v", st, b)
	}
	h.wait()
	if err := h.sim.SetSuspended(id, true); err != nil {
		t.Fatal(err)
	}
	if err := h.sim.SetSuspended(id, false); err != nil {
		t.Fatal(err)
	}
	h.do("DELETE", "/v23.0/"+id+"/participants", map[string]any{"messaging_product": "whatsapp",
		"participants": []any{map[string]any{"user": "16505550001"}}})
	h.wait()
	if st, b := h.do("DELETE", "/v23.0/"+id, nil); st != 200 {
		t.Fatalf("delete: %d %v", st, b)
	}

	// Approval flow on a second group.
	gid, link := h.createGroup("Approval", "approval_required")
	h.sim.AddUser(User{WaID: "16505550004", Name: "Dee"})
	if res, err := h.sim.Tap("16505550004", link); err != nil || res != TapRequested {
		t.Fatalf("tap: %v %v", res, err)
	}
	if err := h.sim.CancelRequest("16505550004", gid); err != nil {
		t.Fatal(err)
	}
	_, _ = h.sim.Tap("16505550004", link)
	_, list := h.do("GET", "/v23.0/"+gid+"/join_requests", nil)
	jr := list["data"].([]any)[0].(map[string]any)["join_request_id"]
	if st, b := h.do("POST", "/v23.0/"+gid+"/join_requests", map[string]any{"messaging_product": "whatsapp", "join_requests": []any{jr}}); st != 200 {
		t.Fatalf("approve: %d %v", st, b)
	}
	h.wait()

	cases := []struct {
		golden string
		field  string
		pick   func(map[string]any) bool
	}{
		{"group_create.json", "group_lifecycle_update", groupEvent("group_create", nil)},
		{"group_delete.json", "group_lifecycle_update", groupEvent("group_delete", nil)},
		{"participants_add_invite.json", "group_participants_update", groupEvent("group_participants_add", func(ev map[string]any) bool {
			return ev["group_id"] == id
		})},
		{"participants_add_approved.json", "group_participants_update", groupEvent("group_participants_add", func(ev map[string]any) bool {
			return ev["group_id"] == gid
		})},
		{"join_request_created.json", "group_participants_update", groupEvent("group_join_request_created", nil)},
		{"join_request_revoked.json", "group_participants_update", groupEvent("group_join_request_revoked", nil)},
		{"participants_remove_self.json", "group_participants_update", groupEvent("group_participants_remove", func(ev map[string]any) bool {
			return ev["initiated_by"] == "participant"
		})},
		{"participants_remove_partial.json", "group_participants_update", groupEvent("group_participants_remove", has("failed_participants"))},
		{"participants_remove_business.json", "group_participants_update", groupEvent("group_participants_remove", func(ev map[string]any) bool {
			return ev["initiated_by"] == "business" && lacks("failed_participants")(ev)
		})},
		{"settings_update.json", "group_settings_update", groupEvent("group_settings_update", lacks("errors"))},
		{"settings_update_partial.json", "group_settings_update", groupEvent("group_settings_update", has("errors"))},
		{"group_suspend.json", "group_status_update", groupEvent("group_suspend", nil)},
		{"group_suspend_cleared.json", "group_status_update", groupEvent("group_suspend_cleared", nil)},
		{"inbound_text.json", "messages", messageOfType("text")},
		{"inbound_image.json", "messages", messageOfType("image")},
		{"inbound_unsupported.json", "messages", messageOfType("unsupported")},
		{"status_sent.json", "messages", statusOf("sent", nil)},
		{"status_delivered.json", "messages", statusOf("delivered", has("pricing"))},
	}
	for _, c := range cases {
		t.Run(c.golden, func(t *testing.T) {
			got := findChange(t, h.rc, c.field, c.pick)
			if got == nil {
				t.Fatalf("no matching %s webhook received", c.field)
			}
			for _, e := range matchShape("$", loadGolden(t, c.golden), got) {
				t.Error(e)
			}
		})
	}
	t.Run("envelope.json", func(t *testing.T) {
		h.rc.mu.Lock()
		bodies := h.rc.bodies
		h.rc.mu.Unlock()
		for _, b := range bodies {
			if !bytes.Contains(b, []byte(`"group_suspend"`)) {
				continue
			}
			var v any
			_ = json.Unmarshal(b, &v)
			for _, e := range matchShape("$", loadGolden(t, "envelope.json"), v) {
				t.Error(e)
			}
			return
		}
		t.Fatal("no group_suspend delivery")
	})
}

func TestStatusShapesAggregatedAndFailed(t *testing.T) {
	h := newHarness(t, func(c *Config) {
		c.AggregateStatuses, c.ReadSkipsDelivered = true, true
		c.SentDelay = 100 * time.Millisecond
		c.DeliverDelay, c.ReadDelay = 105*time.Millisecond, 110*time.Millisecond
	})
	id, _ := h.groupWithMembers("16505550001", "16505550002")
	st, b := h.do("POST", phonePath+"/messages", map[string]any{
		"messaging_product": "whatsapp", "recipient_type": "group", "to": id, "type": "template",
		"template": map[string]any{"name": "promo_autumn", "language": map[string]any{"code": "en_US"}},
	})
	if st != 200 {
		t.Fatalf("send: %d %v", st, b)
	}
	h.wait()
	other, _ := h.groupWithMembers("16505550003")
	h.do("POST", phonePath+"/messages", map[string]any{
		"messaging_product": "whatsapp", "recipient_type": "group", "to": other,
		"type": "text", "text": map[string]any{"body": "doomed"},
	})
	if err := h.sim.ForceDelete(other); err != nil {
		t.Fatal(err)
	}
	h.wait()
	for golden, pick := range map[string]func(map[string]any) bool{
		"status_read_aggregated.json": statusOf("read", nil),
		"status_failed.json":          statusOf("failed", nil),
	} {
		got := findChange(t, h.rc, "messages", pick)
		if got == nil {
			t.Fatalf("%s: no matching webhook", golden)
		}
		for _, e := range matchShape("$", loadGolden(t, golden), got) {
			t.Errorf("%s: %s", golden, e)
		}
	}
	if n := len(h.rc.statuses()); n != 4 { // sent + 2 aggregated reads + failed
		t.Errorf("got %d statuses, want 4 (no delivered when read skips it)", n)
	}
}
