package handlers

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"groupdeck/jobs"
	"groupdeck/messaging"
	"groupdeck/store"
	"groupdeck/whatsapp"
)

// seedTemplates fills the template cache as a refresh would.
func seedTemplates(t *testing.T, st *store.Store) {
	t.Helper()
	tpl := func(name, status, cat string, named bool, cs ...whatsapp.TemplateComponent) store.Template {
		return store.Template{Name: name, Language: "en_US", Status: status, Category: cat, Named: named, Components: whatsapp.MarshalComponents(cs)}
	}
	body := func(s string) whatsapp.TemplateComponent { return whatsapp.TemplateComponent{Type: "BODY", Text: s} }
	err := st.ReplaceTemplates(context.Background(), []store.Template{
		tpl("weekly_update", "APPROVED", "UTILITY", false, body("Hi {{1}}, see you {{2}}.")),
		tpl("spring_sale", "APPROVED", "MARKETING", false, body("Spring sale!")),
		tpl("other_template", "APPROVED", "UTILITY", false, body("Other.")),
		tpl("rejected_one", "REJECTED", "MARKETING", false, body("No.")),
		tpl("event_invitation", "APPROVED", "UTILITY", true,
			whatsapp.TemplateComponent{Type: "HEADER", Format: "IMAGE"},
			body("Hello {{first_name}}! Join us for {{event_name}}."),
			whatsapp.TemplateComponent{Type: "BUTTONS", Buttons: []whatsapp.TemplateAction{{Type: "URL", Text: "See details", URL: "https://example.com/e/{{1}}"}}}),
	})
	if err != nil {
		t.Fatal(err)
	}
}

// postFiles posts a multipart form with files under their own field names.
func (c *client) postFiles(path string, fields map[string]string, files map[string][]byte) (int, string) {
	c.ts.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("_csrf", c.csrf)
	for k, v := range fields {
		_ = w.WriteField(k, v)
	}
	for name, data := range files {
		field, file, _ := strings.Cut(name, "=")
		fw, _ := w.CreateFormFile(field, file)
		_, _ = fw.Write(data)
	}
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, c.ts.URL+path, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("HX-Request", "true")
	res, err := c.Do(req)
	if err != nil {
		c.ts.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func TestTemplatePickerNamedImageHeader(t *testing.T) {
	ts := newTestServer(t)
	seedTemplates(t, ts.store)
	c := ts.client()
	c.login("manager@x.test")
	g := ts.activeGroup("111", "222")
	path := fmt.Sprintf("/groups/%d/messages", g.ID)

	// The picker offers approved templates only, with category and body.
	_, page := c.get(fmt.Sprintf("/groups/%d", g.ID))
	if !strings.Contains(page, `value="event_invitation|en_US"`) || strings.Contains(page, "rejected_one") ||
		!strings.Contains(page, "spring_sale (en_US, marketing): Spring sale!") {
		t.Fatalf("picker: %s", page)
	}
	// Choosing one renders its fields, preview and cost.
	_, fields := c.get("/templates/fields?template=event_invitation%7Cen_US&people=2")
	for _, want := range []string{`name="header_file"`, `name="tv:body.first_name"`, `name="tv:body.event_name"`, `name="tv:button.0.1"`,
		`data-testid="template-preview"`, "Utility template: charged once per participant", "≈ 0.00"} {
		if !strings.Contains(fields, want) {
			t.Errorf("fields lack %q:\n%s", want, fields)
		}
	}

	// Missing values and a header of the wrong type: 422, every field says why, nothing queued.
	st, body := c.postFiles(path, map[string]string{"kind": "template", "template": "event_invitation|en_US", "tv:body.first_name": "Ana",
		"tv:body.event_name": "two\nlines"}, map[string][]byte{"header_file=cat.webp": webpBytes})
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, "line breaks") || !strings.Contains(body, "Fill in Button") ||
		!strings.Contains(body, `value="Ana"`) {
		t.Fatalf("invalid: %d %s", st, body)
	}
	if ms := messagesOf(t, ts, g); len(ms) != 0 {
		t.Fatalf("an invalid template was queued: %+v", ms)
	}
	if len(ts.media.uploads) != 0 {
		t.Fatalf("uploaded despite errors: %v", ts.media.uploads)
	}

	st, body = c.postFiles(path, map[string]string{"kind": "template", "template": "event_invitation|en_US", "tv:body.first_name": "Ana",
		"tv:body.event_name": "the launch", "tv:button.0.1": "launch-42"}, map[string][]byte{"header_file=poster.png": pngBytes})
	if st != http.StatusOK {
		t.Fatalf("valid: %d %s", st, body)
	}
	m := messagesOf(t, ts, g)[0]
	if m.Kind != "template" || m.MediaID != "MEDIA1" || m.Payload.Header != "image" || !m.Payload.Named || m.Body != "Hello Ana! Join us for the launch." {
		t.Fatalf("message: %+v", m)
	}
	var keys []string
	for _, v := range m.Payload.Vars {
		keys = append(keys, v.Key+"="+v.Text)
	}
	if strings.Join(keys, ",") != "body.first_name=Ana,body.event_name=the launch,button.0.1=launch-42" {
		t.Errorf("vars %v", keys)
	}

	// A template that is not (or no longer) approved is refused with a reason.
	st, body = c.postFiles(path, map[string]string{"kind": "template", "template": "rejected_one|en_US"}, nil)
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, "not an approved template") {
		t.Errorf("rejected template: %d", st)
	}
}

type fakeRefresher struct{ err error }

func (f *fakeRefresher) Refresh(context.Context) error { return f.err }

type fakeLib struct{ created []string }

func (f *fakeLib) LibraryTemplates(_ context.Context, category, topic, _ string) ([]whatsapp.LibraryTemplate, error) {
	return []whatsapp.LibraryTemplate{{Name: "group_invite_link_lib", Category: category, Topic: topic}}, nil
}

func (f *fakeLib) CreateLibraryTemplate(_ context.Context, waba, name, lang, cat, lib string) (*whatsapp.CreatedTemplate, error) {
	f.created = append(f.created, strings.Join([]string{waba, name, lang, cat, lib}, " "))
	return &whatsapp.CreatedTemplate{ID: "1", Status: "PENDING", Category: cat}, nil
}

func TestTemplatesPage(t *testing.T) {
	lib := &fakeLib{}
	ref := &fakeRefresher{err: &whatsapp.APIError{Code: 190, Message: "token expired"}}
	ts := newTestServer(t, func(d *Deps) {
		d.Templates, d.TemplateLib, d.WABAID = ref, lib, "W1"
		d.InviteTemplate = whatsapp.Template{Name: "group_invite_link", Language: "en_US"}
	})
	seedTemplates(t, ts.store)
	c := ts.client()
	c.login("viewer@x.test")
	_, page := c.get("/templates")
	if !strings.Contains(page, "rejected_one") || !strings.Contains(page, "has no approved <code>group_invite_link</code>") ||
		strings.Contains(page, `data-testid="templates-refresh"`) {
		t.Fatalf("viewer page: %s", page)
	}
	if st, _, _ := c.post("/templates/refresh", url.Values{"_csrf": {c.csrf}}); st != http.StatusForbidden {
		t.Errorf("viewer refresh: %d", st)
	}
	c = ts.client()
	c.login("manager@x.test")
	st, body, _ := c.post("/templates/refresh", url.Values{"_csrf": {c.csrf}})
	if st != http.StatusBadGateway || !strings.Contains(body, "WhatsApp did not list the templates") {
		t.Errorf("failed refresh: %d", st)
	}
	ref.err = nil
	st, body, _ = c.post("/templates/invite", url.Values{"_csrf": {c.csrf}})
	if st != http.StatusOK || !strings.Contains(body, "Meta is reviewing it (status pending)") ||
		len(lib.created) != 1 || lib.created[0] != "W1 group_invite_link en_US UTILITY group_invite_link_lib" {
		t.Errorf("invite create: %d %v %s", st, lib.created, body)
	}
}

// A template with an image header sent to many groups: the header is
// uploaded once, at the review, and the confirm sends the reviewed id.
func TestBroadcastTemplateHeaderUploadedOnce(t *testing.T) {
	ts := newTestServer(t)
	ts.h.Jobs.Register(jobs.KindBroadcast, &messaging.Broadcaster{Store: ts.store, WakeOutbox: func() {}, Notify: ts.h.Notify})
	seedTemplates(t, ts.store)
	c := ts.client()
	c.login("manager@x.test")
	ts.activeGroup("111", "222")
	c.get("/messages/broadcast")
	st, review := c.postFiles("/messages/broadcast", map[string]string{"kind": "template", "template": "event_invitation|en_US", "all": "1", "status": "",
		"tv:body.first_name": "Ana", "tv:body.event_name": "the launch", "tv:button.0.1": "x1"}, map[string][]byte{"header_file=poster.png": pngBytes})
	if st != http.StatusOK || !strings.Contains(review, "confirm-send") {
		t.Fatalf("review: %d %s", st, review)
	}
	st, body, _ := c.post("/messages/broadcast", hiddenFields(review))
	if st != http.StatusSeeOther {
		t.Fatalf("confirm: %d %s", st, body)
	}
	if len(ts.media.uploads) != 1 {
		t.Errorf("uploads: %v", ts.media.uploads)
	}
	js, _ := ts.store.Jobs(context.Background(), string(jobs.KindBroadcast), 10)
	if len(js) != 1 || !strings.Contains(string(js[0].Params), `"MEDIA1"`) || !strings.Contains(string(js[0].Params), `"header":"image"`) {
		t.Errorf("job: %+v", js)
	}
}

// Campaign invites offer the approved templates that can carry the link
// and send the one picked at review.
func TestInviteTemplatePicker(t *testing.T) {
	ts := newTestServer(t, func(d *Deps) { d.InviteTemplate = whatsapp.Template{Name: "group_invite_link", Language: "en_US"} })
	ts.h.Jobs.Register("campaign_invites", noopRunner{})
	body := func(s string) string {
		return whatsapp.MarshalComponents([]whatsapp.TemplateComponent{{Type: "BODY", Text: s}})
	}
	if err := ts.store.ReplaceTemplates(t.Context(), []store.Template{
		{Name: "group_invite_link", Language: "en_US", Status: "APPROVED", Category: "UTILITY", Components: body("Join: {{1}}")},
		{Name: "vip_invite", Language: "pt_BR", Status: "APPROVED", Category: "MARKETING", Components: body("Entre: {{1}}")},
		{Name: "two_vars", Language: "en_US", Status: "APPROVED", Category: "UTILITY", Components: body("{{1}} {{2}}")},
		{Name: "pending_invite", Language: "en_US", Status: "PENDING", Category: "UTILITY", Components: body("Join: {{1}}")},
	}); err != nil {
		t.Fatal(err)
	}
	g := activeGroup(t, ts.store, "wa-1", "https://chat.whatsapp.com/A", 0)
	mgr := ts.client()
	mgr.login("manager@x.test")
	page := createCampaign(t, mgr, "VIP", "group:"+itoa64(g.ID), "vip")
	_, form := mgr.get(page + "/invites")
	if !strings.Contains(form, `value="vip_invite|pt_BR"`) || !strings.Contains(form, `value="group_invite_link|en_US" selected`) ||
		strings.Contains(form, "two_vars") || strings.Contains(form, "pending_invite") {
		t.Fatalf("picker: %s", form)
	}
	st, review, _ := mgr.post(page+"/invites", url.Values{"_csrf": {mgr.csrf}, "numbers": {"+1 650 555 1234"}, "template": {"vip_invite|pt_BR"}})
	if st != http.StatusOK || !strings.Contains(review, "<code>vip_invite</code> (pt_BR)") {
		t.Fatalf("review: %d %s", st, review)
	}
	confirm := hiddenFields(review)
	confirm.Set("action", "send")
	if st, _, _ := mgr.post(page+"/invites", confirm); st != http.StatusSeeOther {
		t.Fatalf("confirm: %d", st)
	}
	js, _ := ts.store.Jobs(t.Context(), "campaign_invites", 10)
	if len(js) != 1 || !strings.Contains(string(js[0].Params), `"template":"vip_invite","language":"pt_BR"`) {
		t.Errorf("job: %+v", js)
	}
}
