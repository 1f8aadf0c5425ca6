package handlers

import (
	"bytes"
	"encoding/csv"
	"image"
	"image/jpeg"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"groupdeck/store"
	"groupdeck/whatsapp"
)

func TestManagePermissions(t *testing.T) {
	ts := newTestServer(t)
	g := seedActive(t, ts, "Perm", "approval_required", "15550001111")
	cs := roleClients(ts)
	gp := "/groups/" + itoa64(g.ID)
	_, page := cs["viewer"].get(gp)
	for _, ctl := range []string{"Reset link", "Remove…", "Edit settings", "Delete group", "Approve", `name="key"`} {
		if strings.Contains(page, ctl) {
			t.Errorf("viewer sees %q", ctl)
		}
	}
	_, page = cs["manager"].get(gp)
	for _, ctl := range []string{"Reset link", "Remove…", "Edit settings", "Delete group"} {
		if !strings.Contains(page, ctl) {
			t.Errorf("manager does not see %q", ctl)
		}
	}
	routes := []struct {
		path      string
		adminOnly bool
	}{
		{gp + "/invite/reset", false},
		{gp + "/invite/delete", false},
		{gp + "/participants/remove", false},
		{gp + "/requests/sync", false},
		{gp + "/settings", false},
		{gp + "/delete", false},
		{"/requests/decide", false},
		{"/users", true},
		{"/users/1/role", true},
		{"/users/1/password", true},
		{"/users/1/disable", true},
		{"/users/1/enable", true},
	}
	for _, r := range routes {
		if st, _ := cs["viewer"].form(r.path, nil, false); st != http.StatusForbidden {
			t.Errorf("viewer %s: %d, want 403", r.path, st)
		}
	}
	if len(ts.wa.calls) != 0 {
		t.Errorf("refused requests reached WhatsApp: %v", ts.wa.calls)
	}
	for _, r := range routes {
		t.Run(r.path, func(t *testing.T) {
			st, _ := cs["manager"].form(r.path, nil, false)
			if r.adminOnly && st != http.StatusForbidden {
				t.Errorf("manager on admin route: %d, want 403", st)
			}
			if !r.adminOnly && st == http.StatusForbidden {
				t.Errorf("manager refused")
			}
		})
	}
	for _, p := range []string{"/users", "/audit"} {
		if st, _ := cs["manager"].get(p); st != http.StatusForbidden {
			t.Errorf("manager GET %s: %d, want 403", p, st)
		}
		if st, _ := cs["admin"].get(p); st != http.StatusOK {
			t.Errorf("admin GET %s: %d", p, st)
		}
	}
}

func TestInviteReset(t *testing.T) {
	ts := newTestServer(t)
	g := seedActive(t, ts, "Links", "auto_approve")
	c := ts.client()
	c.login("manager@x.test")
	ts.wa.link = "https://chat.whatsapp.com/NEW"
	st, body := c.form("/groups/"+itoa64(g.ID)+"/invite/reset", nil, true)
	if st != http.StatusOK || !strings.Contains(body, "https://chat.whatsapp.com/NEW") || !strings.Contains(body, "stopped working") {
		t.Fatalf("reset: %d %s", st, body)
	}
	if g2, _ := ts.store.GroupByID(t.Context(), g.ID); g2.InviteLink != "https://chat.whatsapp.com/NEW" {
		t.Errorf("stored link %q", g2.InviteLink)
	}

	ts.wa.err = &whatsapp.APIError{HTTPStatus: 429, Code: 131208}
	_, body = c.form("/groups/"+itoa64(g.ID)+"/invite/reset", nil, true)
	if !strings.Contains(body, "Too many group changes in a short time (131208) — try again in 30 s") {
		t.Errorf("rate limit not explained: %s", body)
	}
	ts.wa.err = &whatsapp.APIError{HTTPStatus: 403, Code: 131207}
	_, body = c.form("/groups/"+itoa64(g.ID)+"/invite/delete", nil, true)
	if !strings.Contains(body, "suspended") || !strings.Contains(body, "131207") {
		t.Errorf("suspension not explained: %s", body)
	}
	ts.wa.err = nil
	_, body = c.form("/groups/"+itoa64(g.ID)+"/invite/delete", nil, true)
	if !strings.Contains(body, "nobody can join") && !strings.Contains(body, "Nobody can join") {
		t.Errorf("delete: %s", body)
	}
	rows, _, _ := ts.store.AuditSearch(t.Context(), store.AuditQuery{GroupID: g.ID})
	if len(rows) != 4 || rows[1].Outcome == "ok" {
		t.Errorf("audit %+v", rows)
	}
}

func TestInviteQR(t *testing.T) {
	ts := newTestServer(t)
	g := seedActive(t, ts, "QR", "auto_approve")
	c := ts.client()
	c.login("viewer@x.test")
	res, err := c.Get(ts.URL + "/groups/" + itoa64(g.ID) + "/invite/qr.png?download=1")
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(res.Body)
	res.Body.Close()
	if err != nil || img.Bounds().Dx() < 200 || !strings.Contains(res.Header.Get("Content-Disposition"), ".png") {
		t.Fatalf("png: %v %v %q", err, img, res.Header.Get("Content-Disposition"))
	}
	st, svg := c.get("/groups/" + itoa64(g.ID) + "/invite/qr.svg")
	if st != 200 || !strings.HasPrefix(svg, "<svg") || !strings.Contains(svg, "M") {
		t.Fatalf("svg: %d %.80s", st, svg)
	}
}

func TestRemoveParticipants(t *testing.T) {
	ts := newTestServer(t)
	g := seedActive(t, ts, "Pod", "auto_approve", "15550001111", "15550002222", "15550003333")
	c := ts.client()
	c.login("manager@x.test")
	path := "/groups/" + itoa64(g.ID) + "/participants/remove"

	st, body := c.form(path, url.Values{"key": {"15550001111", "15550002222"}}, true)
	if st != 200 || !strings.Contains(body, "Remove 2 people") || !strings.Contains(body, "cannot rejoin through any invite link") {
		t.Fatalf("confirm: %d %s", st, body)
	}
	if len(ts.wa.calls) != 0 {
		t.Fatal("removed before confirmation")
	}
	st, _ = c.form(path, url.Values{"key": {"nobody"}}, true)
	if st != http.StatusUnprocessableEntity {
		t.Errorf("unknown person: %d", st)
	}
	st, body = c.form(path, url.Values{"key": {"15550001111", "15550002222"}, "confirm": {"1"}}, true)
	if st != 200 || !strings.Contains(body, "Removal of 2 asked for") {
		t.Fatalf("remove: %d %s", st, body)
	}
	if want := "remove WA-" + itoa64(g.ID) + " 15550001111,15550002222"; len(ts.wa.calls) != 1 || ts.wa.calls[0] != want {
		t.Errorf("calls %v, want %q", ts.wa.calls, want)
	}
	cs, _ := ts.store.RecentChanges(t.Context(), g.ID, 10)
	if len(cs) != 2 || cs[0].State != store.ChangePending || cs[0].RequestID != "req-rm" {
		t.Errorf("changes %+v", cs)
	}

	// WhatsApp removes one and fails the other: each person's change says so.
	wh := `{"object":"whatsapp_business_account","entry":[{"id":"W","changes":[{"field":"group_participants_update","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"1","phone_number_id":"P"},"groups":[{"timestamp":"1755548877","group_id":"WA-` + itoa64(g.ID) + `","type":"group_participants_remove","request_id":"req-rm","initiated_by":"business","removed_participants":[{"input":"15550001111"}],"failed_participants":[{"input":"15550002222","errors":[{"code":131212,"message":"x"}]}],"errors":[{"code":131201,"message":"y"}]}]}}]}]}`
	if st := postWebhook(t, ts, []byte(wh), sign([]byte(wh))); st != 200 {
		t.Fatalf("webhook %d", st)
	}
	cs, _ = ts.store.RecentChanges(t.Context(), g.ID, 10)
	states := map[string]string{}
	for _, ch := range cs {
		states[ch.Target] = ch.State + " " + ch.Error
	}
	if states["15550001111"] != "done " || !strings.HasPrefix(states["15550002222"], "failed") || !strings.Contains(states["15550002222"], "131212") {
		t.Errorf("per-person outcomes %q", states)
	}
	_, body = c.get("/groups/" + itoa64(g.ID) + "/changes")
	if !strings.Contains(body, "not a participant") || !strings.Contains(body, "Confirmed") {
		t.Errorf("changes fragment: %s", body)
	}

	ts.wa.err = &whatsapp.APIError{HTTPStatus: 400, Code: 131204}
	_, body = c.form(path, url.Values{"one": {"15550003333"}, "confirm": {"1"}}, true)
	if !strings.Contains(body, "(131204)") {
		t.Errorf("failure not shown: %s", body)
	}
}

func TestJoinRequestsDecide(t *testing.T) {
	ts := newTestServer(t)
	g := seedActive(t, ts, "Approval", "approval_required")
	c := ts.client()
	c.login("manager@x.test")
	ts.wa.pending = []whatsapp.JoinRequest{{ID: "JR1", WaID: "15550001111", CreatedAt: 10}, {ID: "JR2", WaID: "15550002222", CreatedAt: 11},
		{ID: "JR3", WaID: "15550003333", CreatedAt: 12}}
	st, body := c.form("/groups/"+itoa64(g.ID)+"/requests/sync", nil, true)
	if st != 200 || strings.Count(body, `data-testid="request"`) != 3 {
		t.Fatalf("sync: %d %s", st, body)
	}
	if g2, _ := ts.store.GroupByID(t.Context(), g.ID); g2.PendingRequests != 3 {
		t.Errorf("pending count %d", g2.PendingRequests)
	}
	rs, _, _ := ts.store.PendingJoinRequests(t.Context(), 0, 10)
	shown := url.Values{"do": {"approve:all"}}
	for _, r := range rs {
		shown.Add("shown", itoa64(r.ID))
	}
	st, body = c.form("/requests/decide", shown, true)
	if st != 200 || !strings.Contains(body, "Approve 3 join requests in 1 group?") {
		t.Fatalf("confirm: %d %s", st, body)
	}
	// A confirm without the review's token only reviews again.
	st, again := c.form("/requests/decide", url.Values{"do": {"approve:selected"}, "confirm": {"1"}, "id": shown["shown"]}, true)
	if st != 200 || !strings.Contains(again, "Approve 3 join requests in 1 group?") || strings.Contains(strings.Join(ts.wa.calls, " "), "approve") {
		t.Fatalf("confirm without review: %d %v", st, ts.wa.calls)
	}
	ts.wa.decide = func(ids []string) (*whatsapp.JoinRequestResult, error) {
		return &whatsapp.JoinRequestResult{Done: ids[:1], Partial: true, Failed: []whatsapp.FailedJoinRequest{
			{ID: ids[1], Errors: []whatsapp.ErrorObject{{Code: 131203}}},
			{ID: ids[2], Errors: []whatsapp.ErrorObject{{Code: 131213}}}}}, nil
	}
	form := hiddenFields(body)
	form.Set("do", "approve:selected")
	st, body = c.form("/requests/decide", form, true)
	if st != 200 || !strings.Contains(body, "Approved 1 of 3") || !strings.Contains(body, "Terms of Service") ||
		!strings.Contains(body, "(131213)") {
		t.Fatalf("decide: %d %s", st, body)
	}
	left, total, _ := ts.store.PendingJoinRequests(t.Context(), g.ID, 10)
	if total != 1 || left[0].JoinRequestID != "JR2" {
		t.Errorf("still pending %+v (the ToS failure stays, the unknown one is revoked)", left)
	}
	ts.wa.decide = nil
	// One request, rejected straight away: no confirmation step.
	st, body = c.form("/requests/decide", url.Values{"do": {"reject:" + itoa64(left[0].ID)}, "group": {itoa64(g.ID)}}, true)
	if st != 200 || !strings.Contains(body, "Rejected 1 of 1") {
		t.Fatalf("reject one: %d %s", st, body)
	}
	ts.wa.err = &whatsapp.APIError{HTTPStatus: 429, Code: 131208}
	_, body = c.form("/groups/"+itoa64(g.ID)+"/requests/sync", nil, true)
	if !strings.Contains(body, "131208") {
		t.Errorf("sync failure: %s", body)
	}
}

func jpegBytes(t *testing.T, w, h int) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewRGBA(image.Rect(0, 0, w, h)), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func (c *client) multipart(path string, fields map[string]string, photo []byte) (int, string) {
	c.ts.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("_csrf", c.csrf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if photo != nil {
		fw, _ := mw.CreateFormFile("photo", "p.jpg")
		fw.Write(photo)
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, c.ts.URL+path, &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := c.Do(req)
	if err != nil {
		c.ts.t.Fatal(err)
	}
	defer res.Body.Close()
	return res.StatusCode, readAll(res)
}

func TestSettings(t *testing.T) {
	ts := newTestServer(t)
	g := seedActive(t, ts, "Old subject", "auto_approve")
	c := ts.client()
	c.login("manager@x.test")
	path := "/groups/" + itoa64(g.ID) + "/settings"
	var png1 bytes.Buffer
	png.Encode(&png1, image.NewRGBA(image.Rect(0, 0, 200, 200)))
	tests := []struct {
		name  string
		subj  string
		photo []byte
		want  string
	}{
		{"nothing changed", "Old subject", nil, "Nothing changed"},
		{"empty subject", "  ", nil, "Give the group a subject"},
		{"not square", "Old subject", jpegBytes(t, 300, 200), "300×200 pixels; it must be square"},
		{"too small", "Old subject", jpegBytes(t, 100, 100), "at least 192×192"},
		{"png", "Old subject", png1.Bytes(), "JPEG only"},
		{"too big", "Old subject", bytes.Repeat([]byte{0xff}, 5<<20+10), "at most 5 MB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, body := c.multipart(path, map[string]string{"subject": tt.subj}, tt.photo)
			if st != http.StatusUnprocessableEntity || !strings.Contains(body, tt.want) {
				t.Fatalf("%d, want 422 with %q", st, tt.want)
			}
		})
	}
	if len(ts.wa.calls) != 0 {
		t.Fatalf("invalid settings reached WhatsApp: %v", ts.wa.calls)
	}
	st, body := c.multipart(path, map[string]string{"subject": "New subject", "description": "Hello"}, jpegBytes(t, 192, 192))
	if st != 200 || !strings.Contains(body, "Pending") {
		t.Fatalf("save: %d %s", st, body)
	}
	if want := "settings WA-" + itoa64(g.ID) + " subject=New subject description=Hello photo"; ts.wa.calls[0] != want {
		t.Errorf("call %q, want %q", ts.wa.calls[0], want)
	}
	cs, _ := ts.store.RecentChanges(t.Context(), g.ID, 10)
	if len(cs) != 3 {
		t.Fatalf("changes %+v", cs)
	}
	// The webhook confirms the subject and fails the photo.
	body2 := `{"object":"whatsapp_business_account","entry":[{"id":"W","changes":[{"field":"group_settings_update","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"1","phone_number_id":"P"},"groups":[{"timestamp":"1755548877","group_id":"WA-` + itoa64(g.ID) + `","type":"group_settings_update","request_id":"req-set","group_subject":{"text":"New subject","update_successful":true},"group_description":{"text":"Hello","update_successful":true},"profile_picture":{"update_successful":false,"errors":[{"code":131209,"message":"x"}]}}]}}]}]}`
	if st := postWebhook(t, ts, []byte(body2), sign([]byte(body2))); st != 200 {
		t.Fatalf("webhook %d", st)
	}
	g2, _ := ts.store.GroupByID(t.Context(), g.ID)
	cs, _ = ts.store.RecentChanges(t.Context(), g.ID, 10)
	if g2.Subject != "New subject" || cs[0].State != store.ChangeFailed || !strings.Contains(cs[0].Error, "131209") || cs[2].State != store.ChangeDone {
		t.Errorf("after webhook: %q %+v", g2.Subject, cs)
	}
}

func TestDeleteGroup(t *testing.T) {
	ts := newTestServer(t)
	g := seedActive(t, ts, "Doomed", "auto_approve")
	c := ts.client()
	c.login("manager@x.test")
	path := "/groups/" + itoa64(g.ID) + "/delete"
	if st, body := c.get(path); st != 200 || !strings.Contains(body, "cannot be undone") {
		t.Fatalf("confirm page %d", st)
	}
	st, body := c.form(path, url.Values{"subject": {"doomed"}}, false)
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, "exactly") || len(ts.wa.calls) != 0 {
		t.Fatalf("wrong subject: %d %v", st, ts.wa.calls)
	}
	ts.wa.err = &whatsapp.APIError{HTTPStatus: 403, Code: 131207}
	if st, body = c.form(path, url.Values{"subject": {"Doomed"}}, false); !strings.Contains(body, "131207") {
		t.Fatalf("failure: %d", st)
	}
	ts.wa.err = nil
	if st, _ = c.form(path, url.Values{"subject": {"Doomed"}}, false); st != http.StatusSeeOther {
		t.Fatalf("delete: %d", st)
	}
	if g2, _ := ts.store.GroupByID(t.Context(), g.ID); g2.Status != store.GroupDeleting {
		t.Errorf("status %s", g2.Status)
	}
	body3 := `{"object":"whatsapp_business_account","entry":[{"id":"W","changes":[{"field":"group_lifecycle_update","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"1","phone_number_id":"P"},"groups":[{"timestamp":"1755548877","group_id":"WA-` + itoa64(g.ID) + `","type":"group_delete","request_id":"req-del"}]}}]}]}`
	postWebhook(t, ts, []byte(body3), sign([]byte(body3)))
	if g2, _ := ts.store.GroupByID(t.Context(), g.ID); g2.Status != store.GroupDeleted {
		t.Errorf("after webhook: %s", g2.Status)
	}
}

func TestParticipantsCSV(t *testing.T) {
	ts := newTestServer(t)
	g := seedActive(t, ts, "=HYPERLINK(\"x\")", "auto_approve", "15550001111")
	seedActive(t, ts, "Other", "auto_approve", "15550002222", "15550003333")
	c := ts.client()
	c.login("viewer@x.test")
	for _, tt := range []struct {
		path string
		rows int
	}{{"/groups/" + itoa64(g.ID) + "/participants.csv", 2}, {"/participants.csv", 4}} {
		res, err := c.Get(ts.URL + tt.path)
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(res.Body).ReadAll()
		res.Body.Close()
		if err != nil || len(recs) != tt.rows || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("%s: %v %d rows", tt.path, err, len(recs))
		}
		if recs[1][1] != `'=HYPERLINK("x")` || recs[1][3] != "'+1 555 000 1111" || recs[1][7] != "Person 15550001111" {
			t.Errorf("row %q", recs[1])
		}
	}
}
