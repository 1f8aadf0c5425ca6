package contract

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"groupdeck/wasim"
	"groupdeck/whatsapp"
)

// metaTemplateList is the item and paging shape of Meta's "Get templates"
// sample (GET /<WABA_ID>/message_templates, docs/cloud-api.md#templates),
// without the optional "example" objects, which groupdeck does not read.
const metaTemplateList = `{
  "data": [{
    "name": "order_confirmation", "parameter_format": "NAMED", "language": "en_US", "status": "APPROVED",
    "category": "UTILITY", "id": "1234567890",
    "components": [{"type": "BODY", "text": "Thank you, {{first_name}}!"}]
  }],
  "paging": {"cursors": {"before": "MAZDZD", "after": "MjQZD"}, "next": "https://graph.facebook.com/v23.0/1/message_templates?after=MjQZD"}
}`

// metaNamedSend is Meta's sample send of a named template with an image
// header and a URL button ("Send template messages").
const metaNamedSend = `{
  "messaging_product": "whatsapp", "recipient_type": "group", "to": "G", "type": "template",
  "biz_opaque_callback_data": "x",
  "template": {"name": "event_invitation", "language": {"code": "en_US"}, "components": [
    {"type": "header", "parameters": [{"type": "image", "image": {"id": "1"}}]},
    {"type": "body", "parameters": [{"type": "text", "parameter_name": "first_name", "text": "Jessica"}]},
    {"type": "button", "sub_type": "url", "index": "0", "parameters": [{"type": "text", "text": "summer2026"}]}
  ]}
}`

func TestTemplateListPagesAndShape(t *testing.T) {
	e := newEnv(t)
	var fixture map[string]any
	must(t, json.Unmarshal([]byte(metaTemplateList), &fixture))
	// A raw first page of 5: Meta's shape, and a next link to follow.
	var page map[string]any
	e.rawGet("/v23.0/"+wabaID+"/message_templates?limit=5", &page)
	fixItem := fixture["data"].([]any)[0].(map[string]any)
	items := page["data"].([]any)
	if len(items) != 5 {
		t.Fatalf("page of %d", len(items))
	}
	for _, it := range items {
		m := it.(map[string]any)
		// Components vary per template; the item's own keys must match.
		if d := shapeDiff("data[]", without(fixItem, "components"), without(m, "components")); len(d) > 0 {
			t.Errorf("template shape: %v", d)
		}
	}
	if d := shapeDiff("paging", fixture["paging"], page["paging"]); len(d) > 0 {
		t.Errorf("paging shape: %v", d)
	}

	// The client follows every page.
	all, err := e.c.ListTemplates(ctx(), wabaID)
	must(t, err)
	seen := map[string]bool{}
	byName := map[string]whatsapp.TemplateInfo{}
	for _, tp := range all {
		seen[tp.Status] = true
		seen[tp.ParameterFormat] = true
		seen["header:"+tp.Part("HEADER").Format] = true
		byName[tp.Name] = tp
	}
	for _, want := range []string{"APPROVED", "PENDING", "REJECTED", "NAMED", "POSITIONAL", "header:IMAGE", "header:VIDEO", "header:DOCUMENT", "header:TEXT"} {
		if !seen[want] {
			t.Errorf("the account's templates have no %s", want)
		}
	}
	if len(all) <= 5 || len(byName) != len(all) {
		t.Fatalf("listed %d templates (%d distinct): paging lost or repeated some", len(all), len(byName))
	}
	ev := byName["event_invitation"]
	fields := ev.Fields()
	var keys []string
	for _, f := range fields {
		keys = append(keys, f.Key)
	}
	if !ev.Named() || strings.Join(keys, ",") != "header.media,body.first_name,body.event_name,button.0.1" {
		t.Errorf("event_invitation fields %v", keys)
	}
	if _, err := e.c.ListTemplates(ctx(), "999"); err == nil {
		t.Error("another WABA's templates listed")
	}
}

func without(m map[string]any, key string) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		if k != key {
			out[k] = v
		}
	}
	return out
}

func (e *env) rawGet(path string, out any) {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.api.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(res.Body)
		e.t.Fatalf("GET %s: %d %s", path, res.StatusCode, b)
	}
	must(e.t, json.NewDecoder(res.Body).Decode(out))
}

// recorder forwards to the simulator and keeps the last message send body.
type recorder struct {
	next http.Handler
	mu   sync.Mutex
	last []byte
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if strings.HasSuffix(req.URL.Path, "/messages") {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.last = b
		r.mu.Unlock()
		req.Body = io.NopCloser(bytes.NewReader(b))
	}
	r.next.ServeHTTP(w, req)
}

func TestTemplateSendsCheckedLikeMeta(t *testing.T) {
	e := newEnv(t)
	id, link := e.createGroup("Templates", "")
	e.join(link, "15550000001", "15550000002")
	rec := &recorder{next: e.sim}
	proxy := httptest.NewServer(rec)
	t.Cleanup(proxy.Close)
	c := whatsapp.New(proxy.URL+"/v23.0", phoneID, token, whatsapp.WithRetry(1, 0))
	img, err := c.UploadMedia(ctx(), "poster.png", "image/png", bytes.NewReader([]byte("\x89PNG\r\n\x1a\n0000")))
	must(t, err)
	all, err := c.ListTemplates(ctx(), wabaID)
	must(t, err)
	info := map[string]whatsapp.TemplateInfo{}
	for _, tp := range all {
		info[tp.Name] = tp
	}
	// Built the way groupdeck builds every template send (outbox.TemplateFor).
	fill := func(name string, vals map[string]string, media string) whatsapp.Template {
		tp := info[name]
		var vs []whatsapp.TemplateValue
		header := ""
		for _, f := range tp.Fields() {
			if f.Key == "header.media" {
				header = f.Format
				continue
			}
			if v, ok := vals[f.Key]; ok {
				vs = append(vs, whatsapp.TemplateValue{Key: f.Key, Text: v})
			}
		}
		return whatsapp.FillTemplate(tp.Name, tp.Language, tp.Named(), header, whatsapp.MediaRef{ID: media}, vs)
	}
	full := map[string]string{"body.first_name": "Jessica", "body.event_name": "the launch", "button.0.1": "summer2026"}

	res, err := c.SendTemplate(whatsapp.WithCallbackData(ctx(), "groupdeck:message:7"), id, fill("event_invitation", full, img))
	must(t, err)
	var fixture, sent map[string]any
	must(t, json.Unmarshal([]byte(metaNamedSend), &fixture))
	rec.mu.Lock()
	must(t, json.Unmarshal(rec.last, &sent))
	rec.mu.Unlock()
	// Components differ in kind, so each is compared with its own sample.
	fixComps := fixture["template"].(map[string]any)["components"].([]any)
	sentComps := sent["template"].(map[string]any)["components"].([]any)
	d := shapeDiff("send", without(fixture, "template"), without(sent, "template"))
	if len(sentComps) != len(fixComps) {
		d = append(d, "a different number of components")
	} else {
		for i := range fixComps {
			d = append(d, shapeDiff("component", fixComps[i], sentComps[i])...)
		}
	}
	if len(d) > 0 {
		t.Errorf("the client's send differs from Meta's sample: %v\n%s", d, rec.last)
	}
	e.settle()
	sts := e.statuses(res.MessageID)
	if len(sts) == 0 {
		t.Fatal("no statuses")
	}
	for _, s := range sts {
		if s.BizOpaqueCallbackData != "groupdeck:message:7" {
			t.Errorf("status %s without the callback data: %+v", s.Status, s)
		}
		if s.Pricing != nil && s.Pricing.Category != "group_utility" {
			t.Errorf("pricing of a utility template: %+v", s.Pricing)
		}
	}

	positional := fill("event_invitation", full, img)
	for i := range positional.BodyParams {
		positional.BodyParams[i].Name = ""
	}
	noHeader := fill("event_invitation", full, img)
	noHeader.Header = nil
	noButton := fill("event_invitation", map[string]string{"body.first_name": "J", "body.event_name": "E"}, img)
	textHeader := fill("meeting_reminder", map[string]string{"header.topic": "Budget", "body.first_name": "Ana", "body.date": "Friday", "body.place": "Room 2"}, "")
	for _, tc := range []struct {
		name string
		t    whatsapp.Template
		code int
	}{
		{"named template with a text header", textHeader, 0},
		{"document header", fill("weekly_menu", map[string]string{"body.1": "Monday"}, img), 0},
		{"media header missing", noHeader, 132012},
		{"named parameters without parameter_name", positional, 132012},
		{"URL button variable missing", noButton, 132000},
		{"body parameter missing", whatsapp.Template{Name: "order_update", Language: "en_US"}, 132000},
		{"too many parameters", whatsapp.Template{Name: "shipping_update", Language: "en_US", BodyParams: []whatsapp.TemplateParam{{Text: "x"}}}, 132000},
		{"pending template", whatsapp.Template{Name: "flash_sale", Language: "en_US", BodyParams: []whatsapp.TemplateParam{{Text: "x"}}}, 132001},
		{"rejected template", whatsapp.Template{Name: "win_a_prize", Language: "en_US", BodyParams: []whatsapp.TemplateParam{{Text: "x"}}}, 132001},
		{"unknown language", whatsapp.Template{Name: "shipping_update", Language: "pt_BR"}, 132001},
		{"line break in a parameter", whatsapp.Template{Name: "order_update", Language: "en_US", BodyParams: []whatsapp.TemplateParam{{Text: "a\nb"}}}, 132018},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.SendTemplate(ctx(), id, tc.t)
			if tc.code == 0 {
				must(t, err)
				return
			}
			var a *whatsapp.APIError
			if !errors.As(err, &a) || a.Code != tc.code {
				t.Fatalf("want code %d, got %v", tc.code, err)
			}
			if h := whatsapp.Human(err); !strings.Contains(h, "132") {
				t.Errorf("the human sentence lacks the code: %q", h)
			}
		})
	}
}

func TestInviteTemplateFromLibrary(t *testing.T) {
	now := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	e := newEnv(t, func(c *wasim.Config) { c.NoInviteTemplate, c.TemplateReview, c.Now = true, time.Hour, clock })
	id, _ := e.createGroup("Invites", "")
	tpl := whatsapp.Template{Name: "group_invite_link", Language: "en_US"}
	if _, err := e.c.SendInviteTemplate(ctx(), "15550000009", tpl, id); !isCode(err, 132001) {
		t.Fatalf("invite without the template: %v", err)
	}
	lib, err := e.c.LibraryTemplates(ctx(), "utility", "group_invite_link", "en")
	must(t, err)
	if len(lib) != 1 || lib[0].Category != "UTILITY" {
		t.Fatalf("library: %+v", lib)
	}
	created, err := e.c.CreateLibraryTemplate(ctx(), wabaID, "group_invite_link", "en_US", "utility", lib[0].Name)
	must(t, err)
	if created.Status != "PENDING" || created.ID == "" {
		t.Fatalf("created: %+v", created)
	}
	if _, err := e.c.CreateLibraryTemplate(ctx(), wabaID, "group_invite_link", "en_US", "utility", lib[0].Name); !isCode(err, 100) {
		t.Errorf("duplicate create: %v", err)
	}
	if _, err := e.c.SendInviteTemplate(ctx(), "15550000009", tpl, id); !isCode(err, 132001) {
		t.Fatalf("invite with a pending template: %v", err)
	}
	mu.Lock()
	now = now.Add(2 * time.Hour)
	mu.Unlock()
	all, err := e.c.ListTemplates(ctx(), wabaID)
	must(t, err)
	approved := false
	for _, tp := range all {
		approved = approved || (tp.Name == "group_invite_link" && tp.Approved())
	}
	if !approved {
		t.Fatal("the created template was never approved")
	}
	if _, err := e.c.SendInviteTemplate(ctx(), "15550000009", tpl, id); err != nil {
		t.Fatalf("invite once approved: %v", err)
	}
}

func isCode(err error, code int) bool {
	var a *whatsapp.APIError
	return errors.As(err, &a) && a.Code == code
}
