package whatsapp

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

const sendOK = `{"messaging_product":"whatsapp","contacts":[{"input":"` + testGroupID + `","wa_id":"` + testGroupID + `"}],
	"messages":[{"id":"wamid.HBgLOUT","group_id":"` + testGroupID + `"}]}`

// sendServer checks a POST to /messages against want and replies sendOK.
func sendServer(t *testing.T, want string) *Client {
	t.Helper()
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		expect(t, r, "POST", "/v23.0/"+testPhone+"/messages")
		expectJSON(t, r, want)
		reply(w, 200, sendOK)
	})
	return c
}

func checkSent(t *testing.T, res *SendResult, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	if res.MessageID != "wamid.HBgLOUT" || res.GroupID != testGroupID {
		t.Fatalf("SendResult = %+v", res)
	}
}

func TestSendText(t *testing.T) {
	c := sendServer(t, `{"messaging_product":"whatsapp","recipient_type":"group","to":"`+testGroupID+`",
		"type":"text","text":{"preview_url":true,"body":"Hello group https://example.com"}}`)
	res, err := c.SendText(context.Background(), testGroupID, "Hello group https://example.com", true)
	checkSent(t, res, err)

	c = sendServer(t, `{"messaging_product":"whatsapp","recipient_type":"group","to":"`+testGroupID+`",
		"type":"text","text":{"body":"plain"}}`)
	res, err = c.SendText(context.Background(), testGroupID, "plain", false)
	checkSent(t, res, err)
}

func TestSendTextGroupIDFallback(t *testing.T) {
	// The BSUID docs say contacts/wa_id may be absent; group_id too on
	// older versions.
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		reply(w, 200, `{"messaging_product":"whatsapp","messages":[{"id":"wamid.X"}]}`)
	})
	res, err := c.SendText(context.Background(), "G9", "hi", false)
	if err != nil || res.MessageID != "wamid.X" || res.GroupID != "G9" {
		t.Fatalf("SendText = %+v, %v", res, err)
	}
	c, _ = newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		reply(w, 200, `{"messaging_product":"whatsapp","messages":[]}`)
	})
	if _, err := c.SendText(context.Background(), "G9", "hi", false); err == nil {
		t.Fatal("missing message id must be an error")
	}
}

func TestSendErrors(t *testing.T) {
	for _, tt := range []struct{ code, status int }{
		{131207, 403}, {131020, 400}, {131041, 400}, {130429, 400}, {190, 401},
	} {
		c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
			reply(w, tt.status, graphError(tt.code, "(#"+itoa(tt.code)+") "+CodeText(tt.code), ""))
		})
		_, err := c.SendText(context.Background(), "G", "hi", false)
		mustAPIError(t, err, tt.code, tt.status)
	}
}

func TestSendValidation(t *testing.T) {
	c, _ := newTestClient(t, failOnCall(t))
	ctx := context.Background()
	_, err := c.SendText(ctx, "G", " ", false)
	mustValidation(t, err, "text")
	_, err = c.SendText(ctx, "G", strings.Repeat("a", 4097), false)
	mustValidation(t, err, "text")
	_, err = c.SendText(ctx, "", "hi", false)
	mustValidation(t, err, "group_id")
	_, err = c.SendMedia(ctx, "G", KindImage, MediaRef{})
	mustValidation(t, err, "media")
	_, err = c.SendMedia(ctx, "G", KindImage, MediaRef{ID: "1", Link: "https://x"})
	mustValidation(t, err, "media")
	_, err = c.SendMedia(ctx, "G", KindImage, MediaRef{ID: "1", Caption: strings.Repeat("c", 1025)})
	mustValidation(t, err, "caption")
	_, err = c.SendMedia(ctx, "G", KindAudio, MediaRef{ID: "1", Caption: "no"})
	mustValidation(t, err, "caption")
	_, err = c.SendMedia(ctx, "G", KindSticker, MediaRef{ID: "1", Caption: "no"})
	mustValidation(t, err, "caption")
	_, err = c.SendMedia(ctx, "G", KindImage, MediaRef{ID: "1", Filename: "a.jpg"})
	mustValidation(t, err, "filename")
	_, err = c.SendMedia(ctx, "G", "location", MediaRef{ID: "1"})
	mustValidation(t, err, "type")
	_, err = c.Pin(ctx, "G", "wamid.1", 0)
	mustValidation(t, err, "expiration_days")
	_, err = c.Pin(ctx, "G", "wamid.1", 31)
	mustValidation(t, err, "expiration_days")
	_, err = c.Unpin(ctx, "G", "")
	mustValidation(t, err, "message_id")
	_, err = c.SendTemplate(ctx, "G", Template{Language: "en_US"})
	mustValidation(t, err, "template")
	_, err = c.SendTemplate(ctx, "G", Template{Name: "t"})
	mustValidation(t, err, "template")
	_, err = c.SendTemplate(ctx, "G", Template{Name: "t", Language: "en", BodyParams: []TemplateParam{{Type: "currency"}}})
	mustValidation(t, err, "template")
	_, err = c.SendTemplate(ctx, "G", Template{Name: "t", Language: "en", BodyParams: []TemplateParam{{Text: ""}}})
	mustValidation(t, err, "template")
	_, err = c.SendMedia(ctx, "G", "location", MediaRef{ID: "1", Filename: "x"})
	mustValidation(t, err, "type")
	_, err = c.SendInviteTemplate(ctx, "", Template{Name: "t", Language: "en"}, "G")
	mustValidation(t, err, "to")
	_, err = c.SendInviteTemplate(ctx, "+1650", Template{Name: "t", Language: "en"}, "")
	mustValidation(t, err, "group_id")
	err = c.MarkRead(ctx, "")
	mustValidation(t, err, "message_id")
}

func TestSendMedia(t *testing.T) {
	g := `"messaging_product":"whatsapp","recipient_type":"group","to":"` + testGroupID + `"`
	tests := []struct {
		kind string
		ref  MediaRef
		want string
	}{
		{KindImage, MediaRef{ID: "1479537139650973", Caption: "look"}, `{` + g + `,"type":"image","image":{"id":"1479537139650973","caption":"look"}}`},
		{KindVideo, MediaRef{Link: "https://example.com/v.mp4"}, `{` + g + `,"type":"video","video":{"link":"https://example.com/v.mp4"}}`},
		{KindAudio, MediaRef{ID: "55"}, `{` + g + `,"type":"audio","audio":{"id":"55"}}`},
		{KindDocument, MediaRef{ID: "56", Caption: "Q3", Filename: "report.pdf"}, `{` + g + `,"type":"document","document":{"id":"56","caption":"Q3","filename":"report.pdf"}}`},
		{KindSticker, MediaRef{Link: "https://example.com/s.webp"}, `{` + g + `,"type":"sticker","sticker":{"link":"https://example.com/s.webp"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			res, err := sendServer(t, tt.want).SendMedia(context.Background(), testGroupID, tt.kind, tt.ref)
			checkSent(t, res, err)
		})
	}
}

func TestSendTemplate(t *testing.T) {
	c := sendServer(t, `{"messaging_product":"whatsapp","recipient_type":"group","to":"`+testGroupID+`","type":"template",
		"template":{"name":"order_update","language":{"code":"en_US"},
		"components":[{"type":"body","parameters":[{"type":"text","text":"Ana"},{"type":"text","text":"42"}]}]}}`)
	res, err := c.SendTemplate(context.Background(), testGroupID, Template{
		Name: "order_update", Language: "en_US",
		BodyParams: []TemplateParam{{Text: "Ana"}, {Type: ParamText, Text: "42"}},
	})
	checkSent(t, res, err)

	c = sendServer(t, `{"messaging_product":"whatsapp","recipient_type":"group","to":"`+testGroupID+`","type":"template",
		"template":{"name":"hello_world","language":{"code":"en_US"}}}`)
	res, err = c.SendTemplate(context.Background(), testGroupID, Template{Name: "hello_world", Language: "en_US"})
	checkSent(t, res, err)
}

func TestSendInviteTemplate(t *testing.T) {
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		expect(t, r, "POST", "/v23.0/"+testPhone+"/messages")
		expectJSON(t, r, `{"messaging_product":"whatsapp","recipient_type":"individual","to":"+16505551234","type":"template",
			"template":{"name":"group_invite","language":{"code":"en"},
			"components":[{"type":"body","parameters":[{"type":"group_id","group_id":"`+testGroupID+`"},{"type":"text","text":"Ana"}]}]}}`)
		reply(w, 200, `{"messaging_product":"whatsapp","contacts":[{"input":"+16505551234","wa_id":"16505551234"}],
			"messages":[{"id":"wamid.INV","message_status":"accepted"}]}`)
	})
	res, err := c.SendInviteTemplate(context.Background(), "+16505551234",
		Template{Name: "group_invite", Language: "en", BodyParams: []TemplateParam{{Text: "Ana"}}}, testGroupID)
	if err != nil || res.MessageID != "wamid.INV" || res.MessageStatus != "accepted" || res.GroupID != "" {
		t.Fatalf("SendInviteTemplate = %+v, %v", res, err)
	}
}

func TestPinUnpin(t *testing.T) {
	g := `"messaging_product":"whatsapp","recipient_type":"group","to":"` + testGroupID + `"`
	c := sendServer(t, `{`+g+`,"type":"pin","pin":{"type":"pin","message_id":"wamid.HBgLM","expiration_days":4}}`)
	res, err := c.Pin(context.Background(), testGroupID, "wamid.HBgLM", 4)
	checkSent(t, res, err)
	c = sendServer(t, `{`+g+`,"type":"pin","pin":{"type":"unpin","message_id":"wamid.HBgLM"}}`)
	res, err = c.Unpin(context.Background(), testGroupID, "wamid.HBgLM")
	checkSent(t, res, err)
}

func TestMarkRead(t *testing.T) {
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		expect(t, r, "POST", "/v23.0/"+testPhone+"/messages")
		expectJSON(t, r, `{"messaging_product":"whatsapp","status":"read","message_id":"wamid.IN"}`)
		reply(w, 200, `{"success":true}`)
	})
	if err := c.MarkRead(context.Background(), "wamid.IN"); err != nil {
		t.Fatal(err)
	}
	c, _ = newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		reply(w, 400, graphError(131009, "(#131009) Parameter value is not valid", "Invalid message ID"))
	})
	mustAPIError(t, c.MarkRead(context.Background(), "x"), 131009, 400)
}

func TestUploadMedia(t *testing.T) {
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		expect(t, r, "POST", "/v23.0/"+testPhone+"/media")
		fields, parts, files := readForm(t, r)
		if fields["messaging_product"] != "whatsapp" || fields["type"] != "image/png" {
			t.Errorf("fields = %v", fields)
		}
		p := parts["file"]
		if p == nil || p.FileName() != `we"ird.png` || p.Header.Get("Content-Type") != "image/png" || string(files["file"]) != "PNGDATA" {
			t.Errorf("file part = %+v", p)
		}
		reply(w, 200, `{"id":"1479537139650973"}`)
	})
	id, err := c.UploadMedia(context.Background(), `we"ird.png`, "image/png", strings.NewReader("PNGDATA"))
	if err != nil || id != "1479537139650973" {
		t.Fatalf("UploadMedia = %q, %v", id, err)
	}
	c, _ = newTestClient(t, failOnCall(t))
	_, err = c.UploadMedia(context.Background(), "a", "", strings.NewReader("x"))
	mustValidation(t, err, "type")
	_, err = c.UploadMedia(context.Background(), "a", "image/png", strings.NewReader(""))
	mustValidation(t, err, "file")
}

func TestMediaURLAndDownload(t *testing.T) {
	var base string
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v23.0/1479537139650973":
			expect(t, r, "GET", r.URL.Path)
			reply(w, 200, `{"messaging_product":"whatsapp","url":"`+base+`/media/blob?mid=1","mime_type":"image/jpeg",
				"sha256":"abc","file_size":"7","id":"1479537139650973"}`)
		case "/media/blob", "/v23.0/rel/blob":
			expect(t, r, "GET", r.URL.Path)
			w.Header().Set("Content-Type", "image/jpeg")
			_, _ = io.WriteString(w, "JPEGDAT")
		default:
			t.Errorf("unexpected %s", r.URL.Path)
			w.WriteHeader(404)
		}
	})
	base = strings.TrimSuffix(c.baseURL, "/v23.0")
	u, mt, err := c.MediaURL(context.Background(), "1479537139650973")
	if err != nil || u != base+"/media/blob?mid=1" || mt != "image/jpeg" {
		t.Fatalf("MediaURL = %q %q %v", u, mt, err)
	}
	data, ct, err := c.DownloadMedia(context.Background(), u)
	if err != nil || string(data) != "JPEGDAT" || ct != "image/jpeg" {
		t.Fatalf("DownloadMedia = %q %q %v", data, ct, err)
	}
	data, _, err = c.DownloadMedia(context.Background(), "rel/blob")
	if err != nil || string(data) != "JPEGDAT" {
		t.Fatalf("relative DownloadMedia = %q %v", data, err)
	}
	_, _, err = c.DownloadMedia(context.Background(), "ftp://x/y")
	mustValidation(t, err, "url")
}

func TestDownloadMediaKeepsTokenAtHome(t *testing.T) {
	foreign := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if got := r.Header.Get("Authorization"); got != "" {
			t.Errorf("token sent to a foreign host: %q", got)
		}
		_, _ = io.WriteString(w, "x")
	}))
	defer foreign.Close()
	c, _ := newTestClient(t, failOnCall(t))
	if _, _, err := c.DownloadMedia(context.Background(), foreign.URL+"/evil"); err != nil {
		t.Fatal(err)
	}
	for raw, want := range map[string]bool{
		"https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1": true,
		"https://scontent.whatsapp.net/v/t61":                              true,
		"http://lookaside.fbsbx.com/x":                                     false,
		"https://fbsbx.com.evil.example/x":                                 false,
		"https://evilfacebook.com/x":                                       false,
	} {
		u, _ := url.Parse(raw)
		if got := c.tokenAllowed(u); got != want {
			t.Errorf("tokenAllowed(%s) = %v", raw, got)
		}
	}
}
