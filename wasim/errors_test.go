package wasim

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestAuth(t *testing.T) {
	h := newHarness(t, nil)
	for _, tok := range []string{"", "wrong"} {
		st, body := h.raw("GET", phonePath+"/groups", nil, "", tok)
		if st != 401 || errCode(body) != 190 {
			t.Errorf("token %q: got %d %v, want 401/190", tok, st, body)
		}
	}
	st, _ := h.raw("GET", "/100000000000001/groups?access_token="+testToken, nil, "", "")
	if st != 200 {
		t.Errorf("access_token query param without version prefix: %d", st)
	}
	// An empty AccessToken accepts any non-empty token.
	open := newHarness(t, func(c *Config) { c.AccessToken = "" })
	if st, _ := open.raw("GET", phonePath+"/groups", nil, "", "anything"); st != 200 {
		t.Errorf("any token: %d", st)
	}
}

func TestSyncErrors(t *testing.T) {
	h := newHarness(t, nil)
	id, _ := h.groupWithMembers("16505550001")
	empty, _ := h.createGroup("Empty", "")
	suspended, _ := h.groupWithMembers("16505550002")
	if err := h.sim.SetSuspended(suspended, true); err != nil {
		t.Fatal(err)
	}
	_, sent := h.do("POST", phonePath+"/messages", map[string]any{"messaging_product": "whatsapp", "recipient_type": "group",
		"to": id, "type": "text", "text": map[string]any{"body": "x"}})
	wamid := sent["messages"].([]any)[0].(map[string]any)["id"].(string)
	long := strings.Repeat("a", 129)
	grp := func(to string, typ string, obj any) map[string]any {
		return map[string]any{"messaging_product": "whatsapp", "recipient_type": "group", "to": to, "type": typ, typ: obj}
	}
	users := func(n int) []any {
		var out []any
		for i := range n {
			out = append(out, map[string]any{"user": "1650555100" + string(rune('0'+i))})
		}
		return out
	}
	cases := []struct {
		name, method, path string
		body               any
		status, code       int
	}{
		{"create without subject", "POST", phonePath + "/groups", map[string]any{"messaging_product": "whatsapp"}, 400, 100},
		{"create blank subject", "POST", phonePath + "/groups", map[string]any{"messaging_product": "whatsapp", "subject": "   "}, 400, 100},
		{"create long subject", "POST", phonePath + "/groups", map[string]any{"messaging_product": "whatsapp", "subject": long}, 400, 100},
		{"create long description", "POST", phonePath + "/groups", map[string]any{"messaging_product": "whatsapp", "subject": "s", "description": strings.Repeat("d", 2049)}, 400, 100},
		{"create bad mode", "POST", phonePath + "/groups", map[string]any{"messaging_product": "whatsapp", "subject": "s", "join_approval_mode": "open"}, 400, 100},
		{"create without product", "POST", phonePath + "/groups", map[string]any{"subject": "s"}, 400, 100},
		{"list limit 0", "GET", phonePath + "/groups?limit=0", nil, 400, 100},
		{"list limit 1025", "GET", phonePath + "/groups?limit=1025", nil, 400, 100},
		{"list bad cursor", "GET", phonePath + "/groups?after=bm90LWEtY3Vyc29y", nil, 400, 131059},
		{"list foreign cursor", "GET", phonePath + "/groups?after=" + encodeCursor(cursor{Offset: 1, Version: "other"}), nil, 400, 131059},
		{"info unknown group", "GET", "/v23.0/Y2FwaV9ncm91cDoxOjIZD?fields=subject", nil, 400, 131041},
		{"info unknown field", "GET", "/v23.0/" + id + "?fields=subject,color", nil, 400, 100},
		{"suspended invite link", "GET", "/v23.0/" + suspended + "/invite_link", nil, 403, 131207},
		{"suspended send", "POST", phonePath + "/messages", grp(suspended, "text", map[string]any{"body": "x"}), 403, 131207},
		{"suspended delete", "DELETE", "/v23.0/" + suspended, nil, 403, 131207},
		{"send to group without participants", "POST", phonePath + "/messages", grp(empty, "text", map[string]any{"body": "x"}), 400, 131020},
		{"send to unknown group", "POST", phonePath + "/messages", grp("Y2FwaV9ncm91cDoxOjIZD", "text", map[string]any{"body": "x"}), 400, 131041},
		{"send interactive", "POST", phonePath + "/messages", grp(id, "interactive", map[string]any{"type": "button"}), 400, 100},
		{"send location", "POST", phonePath + "/messages", grp(id, "location", map[string]any{}), 400, 100},
		{"send empty text", "POST", phonePath + "/messages", grp(id, "text", map[string]any{"body": ""}), 400, 100},
		{"send long text", "POST", phonePath + "/messages", grp(id, "text", map[string]any{"body": strings.Repeat("x", 4097)}), 400, 100},
		{"audio caption", "POST", phonePath + "/messages", grp(id, "audio", map[string]any{"link": "https://x/a.mp3", "caption": "no"}), 400, 100},
		{"sticker caption", "POST", phonePath + "/messages", grp(id, "sticker", map[string]any{"link": "https://x/a.webp", "caption": "no"}), 400, 100},
		{"image id and link", "POST", phonePath + "/messages", grp(id, "image", map[string]any{"id": "1", "link": "https://x/a.jpg"}), 400, 100},
		{"image long caption", "POST", phonePath + "/messages", grp(id, "image", map[string]any{"link": "https://x/a.jpg", "caption": strings.Repeat("c", 1025)}), 400, 100},
		{"image unknown media id", "POST", phonePath + "/messages", grp(id, "image", map[string]any{"id": "999"}), 400, 131009},
		{"template without name", "POST", phonePath + "/messages", grp(id, "template", map[string]any{"language": map[string]any{"code": "en"}}), 400, 100},
		{"individual to group id", "POST", phonePath + "/messages", map[string]any{"messaging_product": "whatsapp", "recipient_type": "individual", "to": id, "type": "text", "text": map[string]any{"body": "x"}}, 400, 100},
		{"individual to non-phone", "POST", phonePath + "/messages", map[string]any{"messaging_product": "whatsapp", "to": "bob", "type": "text", "text": map[string]any{"body": "x"}}, 400, 100},
		{"to of wrong type", "POST", phonePath + "/messages", map[string]any{"messaging_product": "whatsapp", "to": 5, "type": "text", "text": map[string]any{"body": "x"}}, 400, 100},
		{"bad recipient_type", "POST", phonePath + "/messages", map[string]any{"messaging_product": "whatsapp", "recipient_type": "channel", "to": id, "type": "text", "text": map[string]any{"body": "x"}}, 400, 100},
		{"mark unknown read", "POST", phonePath + "/messages", map[string]any{"messaging_product": "whatsapp", "status": "read", "message_id": "wamid.nope"}, 400, 131009},
		{"pin bad expiration", "POST", phonePath + "/messages", grp(id, "pin", map[string]any{"type": "pin", "message_id": wamid, "expiration_days": 31}), 400, 100},
		{"pin unknown message", "POST", phonePath + "/messages", grp(id, "pin", map[string]any{"type": "pin", "message_id": "wamid.x", "expiration_days": 3}), 400, 131009},
		{"remove none", "DELETE", "/v23.0/" + id + "/participants", map[string]any{"messaging_product": "whatsapp", "participants": []any{}}, 400, 100},
		{"remove nine", "DELETE", "/v23.0/" + id + "/participants", map[string]any{"messaging_product": "whatsapp", "participants": users(9)}, 400, 131204},
		{"remove duplicates", "DELETE", "/v23.0/" + id + "/participants", map[string]any{"messaging_product": "whatsapp", "participants": []any{map[string]any{"user": "+16505550001"}, map[string]any{"user": "16505550001"}}}, 400, 131202},
		{"remove user and user_id", "DELETE", "/v23.0/" + id + "/participants", map[string]any{"messaging_product": "whatsapp", "participants": []any{map[string]any{"user": "1", "user_id": "US.1"}}}, 400, 100},
		{"add participants", "POST", "/v23.0/" + id + "/participants", map[string]any{"messaging_product": "whatsapp", "participants": users(1)}, 400, 100},
		{"settings nothing", "POST", "/v23.0/" + id, map[string]any{"messaging_product": "whatsapp"}, 400, 100},
		{"settings empty subject", "POST", "/v23.0/" + id, map[string]any{"messaging_product": "whatsapp", "subject": " "}, 400, 100},
		{"settings long description", "POST", "/v23.0/" + id, map[string]any{"description": strings.Repeat("d", 2049)}, 400, 100},
		{"approve nothing", "POST", "/v23.0/" + id + "/join_requests", map[string]any{"messaging_product": "whatsapp", "join_requests": []any{}}, 400, 100},
		{"unknown path", "GET", phonePath + "/nothing", nil, 400, 100},
		{"bad json", "POST", phonePath + "/groups", "not-an-object", 400, 100},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st, body := h.do(c.method, c.path, c.body)
			if st != c.status || errCode(body) != c.code {
				t.Fatalf("got %d %v, want %d/%d", st, body, c.status, c.code)
			}
			e := body["error"].(map[string]any)
			if e["type"] != "OAuthException" || e["fbtrace_id"] == "" || !strings.HasPrefix(e["message"].(string), "(#") {
				t.Errorf("envelope: %v", e)
			}
			if d, _ := e["error_data"].(map[string]any); d["messaging_product"] != "whatsapp" || d["details"] == "" {
				t.Errorf("error_data: %v", e["error_data"])
			}
		})
	}
	// Info stays readable when suspended: that's where the flag shows.
	st, info := h.do("GET", "/v23.0/"+suspended+"?fields=suspended", nil)
	if st != 200 || info["suspended"] != true {
		t.Errorf("suspended info: %d %v", st, info)
	}
}

func TestPhotoValidation(t *testing.T) {
	for _, c := range []struct {
		name   string
		photo  []byte
		sync   bool
		status int
		code   int
	}{
		{"not a jpeg", []byte("\x89PNG\r\n\x1a\nrest"), false, 400, 100},
		{"too large", append(jpegOf(t, 200, 200), make([]byte, photoMax)...), false, 400, 100},
		{"not square sync", jpegOf(t, 300, 200), true, 400, 131209},
		{"too small sync", jpegOf(t, 100, 100), true, 400, 131210},
		{"not square async", jpegOf(t, 300, 200), false, 200, 0},
		{"fine", jpegOf(t, 192, 192), false, 200, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, func(cfg *Config) { cfg.SyncPhotoErrors = c.sync })
			id, _ := h.createGroup("Photo", "")
			body, ctype := multipartBody(t, map[string]string{"messaging_product": "whatsapp"}, "file", c.photo)
			st, resp := h.raw("POST", "/v23.0/"+id, body, ctype, testToken)
			if st != c.status || errCode(resp) != c.code {
				t.Fatalf("got %d %v, want %d/%d", st, resp, c.status, c.code)
			}
			if st != 200 {
				return
			}
			h.wait()
			evs := h.rc.groupEvents("group_settings_update")
			if len(evs) != 1 {
				t.Fatalf("want one settings webhook, got %d", len(evs))
			}
			pp := evs[0]["profile_picture"].(map[string]any)
			wantOK := c.name == "fine"
			if pp["update_successful"] != wantOK {
				t.Errorf("update_successful = %v, want %v", pp["update_successful"], wantOK)
			}
			if !wantOK {
				errs := pp["errors"].([]any)
				if code := errs[0].(map[string]any)["code"].(float64); code != 131209 {
					t.Errorf("per-setting code %v, want 131209", code)
				}
				// Total failure: the top-level error repeats the setting's.
				if top := evs[0]["errors"].([]any)[0].(map[string]any)["code"].(float64); top != 131209 {
					t.Errorf("top-level code %v", top)
				}
			}
		})
	}
}

func TestGroupCapAndIneligible(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.GroupCap = 2 })
	create := func() (int, map[string]any) {
		return h.do("POST", phonePath+"/groups", map[string]any{"messaging_product": "whatsapp", "subject": "g"})
	}
	// Pending creations count against the cap before their webhook arrives.
	for range 2 {
		if st, b := create(); st != 200 {
			t.Fatalf("create: %d %v", st, b)
		}
	}
	if st, b := create(); st != 400 || errCode(b) != 131211 {
		t.Fatalf("third create: %d %v, want 131211", st, b)
	}
	h.wait()
	h.sim.Configure(func(c *Config) { c.Ineligible = true })
	if st, b := h.do("GET", phonePath+"/groups", nil); st != 400 || errCode(b) != 131215 {
		t.Fatalf("ineligible: %d %v", st, b)
	}
}

func TestRateLimit(t *testing.T) {
	now := time.Unix(1_760_000_000, 0)
	h := newHarness(t, func(c *Config) {
		c.OpsPerWindow, c.OpsWindow = 3, time.Minute
		c.Now = func() time.Time { return now }
	})
	for i := range 3 {
		if st, b := h.do("GET", phonePath+"/groups", nil); st != 200 {
			t.Fatalf("op %d: %d %v", i, st, b)
		}
	}
	st, b := h.do("POST", phonePath+"/groups", map[string]any{"messaging_product": "whatsapp", "subject": "x"})
	if st != 429 || errCode(b) != 131208 {
		t.Fatalf("4th op: %d %v, want 429/131208", st, b)
	}
	// Sends are not group operations and stay allowed.
	if st, b := h.do("POST", phonePath+"/messages", map[string]any{"messaging_product": "whatsapp", "to": "16505550001",
		"type": "text", "text": map[string]any{"body": "hi"}}); st != 200 {
		t.Fatalf("1:1 send under group rate limit: %d %v", st, b)
	}
	now = now.Add(61 * time.Second)
	if st, _ := h.do("GET", phonePath+"/groups", nil); st != 200 {
		t.Fatalf("after window: %d", st)
	}
}

func TestVersionPrefixesAndBody(t *testing.T) {
	h := newHarness(t, nil)
	for _, p := range []string{"/v25.0/100000000000001/groups", "/100000000000001/groups", "/v1.0/100000000000001/groups/"} {
		if st, b := h.raw("GET", p, nil, "", testToken); st != 200 {
			t.Errorf("%s: %d %v", p, st, b)
		}
	}
	if st, _ := h.raw("GET", "/vX/100000000000001/groups", bytes.NewReader(nil), "", testToken); st != 400 {
		t.Errorf("bogus version prefix accepted")
	}
}

func TestCreateFailures(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.CreationDisabled = true })
	body := map[string]any{"messaging_product": "whatsapp", "subject": "  Trim me  ", "description": "d"}
	if st, b := h.do("POST", phonePath+"/groups", body); st != 400 || errCode(b) != 131214 {
		t.Fatalf("disabled: %d %v", st, b)
	}
	h.sim.Configure(func(c *Config) { c.CreationDisabled, c.FailCreates = false, true })
	st, b := h.do("POST", phonePath+"/groups", body)
	if st != 200 {
		t.Fatalf("create: %d %v", st, b)
	}
	h.wait()
	got := findChange(t, h.rc, "group_lifecycle_update", groupEvent("group_create", has("errors")))
	if got == nil {
		t.Fatal("no failed group_create webhook")
	}
	for _, e := range matchShape("$", loadGolden(t, "group_create_failed.json"), got) {
		t.Error(e)
	}
	ev := got.(map[string]any)["value"].(map[string]any)["groups"].([]any)[0].(map[string]any)
	if ev["subject"] != "Trim me" || ev["request_id"] != b["request_id"] {
		t.Errorf("failed create event %v", ev)
	}
	if len(h.sim.Groups()) != 0 {
		t.Error("a failed create left a group behind")
	}
}
