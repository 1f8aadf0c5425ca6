package handlers

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"groupdeck/store"
)

type fakeMedia struct {
	mu      sync.Mutex
	uploads []string
	files   map[string][]byte
}

func (f *fakeMedia) UploadMedia(_ context.Context, name, mime string, r io.Reader) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	b, _ := io.ReadAll(r)
	f.uploads = append(f.uploads, name+" "+mime)
	if f.files == nil {
		f.files = map[string][]byte{}
	}
	id := fmt.Sprintf("MEDIA%d", len(f.uploads))
	f.files[id] = b
	return id, nil
}

func (f *fakeMedia) MediaURL(_ context.Context, id string) (string, string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.files[id] == nil {
		return "", "", errors.New("gone")
	}
	return "http://media.test/" + id, "image/png", nil
}

func (f *fakeMedia) DownloadMedia(_ context.Context, u string) ([]byte, string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.files[strings.TrimPrefix(u, "http://media.test/")], "image/png", nil
}

func (f *fakeMedia) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.uploads)
}

// activeGroup makes a created group with members.
func (ts *testServer) activeGroup(members ...string) *store.Group {
	ts.t.Helper()
	ctx := context.Background()
	g := &store.Group{Subject: "Cohort", JoinApprovalMode: "auto_approve"}
	if err := ts.store.CreateGroup(ctx, g); err != nil {
		ts.t.Fatal(err)
	}
	if _, err := ts.store.WithTx(ctx, func(tx *store.Tx) error {
		if err := tx.GroupCreated(store.GroupCreatedEvent{GroupID: g.ID, WaGroupID: fmt.Sprintf("WA%d", g.ID), InviteLink: "https://chat.whatsapp.com/x", At: 1}); err != nil {
			return err
		}
		for _, m := range members {
			if err := tx.ParticipantJoined(g.ID, store.Member{WaID: m, Name: "Person " + m}, "invite_link", 2); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		ts.t.Fatal(err)
	}
	g, _ = ts.store.GroupByID(ctx, g.ID)
	return g
}

func (c *client) postMultipart(path string, fields map[string]string, file string, data []byte, htmx bool) (int, string) {
	c.ts.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("_csrf", c.csrf)
	for k, v := range fields {
		_ = w.WriteField(k, v)
	}
	if file != "" {
		fw, _ := w.CreateFormFile("file", file)
		_, _ = fw.Write(data)
	}
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, c.ts.URL+path, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	if htmx {
		req.Header.Set("HX-Request", "true")
	}
	res, err := c.Do(req)
	if err != nil {
		c.ts.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func messagesOf(t *testing.T, ts *testServer, g *store.Group) []store.Message {
	t.Helper()
	ms, err := ts.store.Messages(context.Background(), g.ID, 100)
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

var (
	pngBytes  = append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 100)...)
	webpBytes = append([]byte("RIFF\x00\x00\x00\x00WEBPVP8 "), make([]byte, 100)...)
)

func TestComposerRefusesGroupsThatCannotReceive(t *testing.T) {
	ts := newTestServer(t)
	c := ts.client()
	c.login("manager@x.test")
	empty := ts.activeGroup()
	path := fmt.Sprintf("/groups/%d/messages", empty.ID)
	st, body := c.postMultipart(path, map[string]string{"kind": "text", "body": "hello"}, "", nil, true)
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, "131020") || !strings.Contains(body, "hello") {
		t.Errorf("empty group: %d %s", st, body)
	}
	if ms := messagesOf(t, ts, empty); len(ms) != 0 {
		t.Errorf("queued %+v", ms)
	}
	_, page := c.get(fmt.Sprintf("/groups/%d", empty.ID))
	// Nobody in it yet is a normal state: the page says what to do, in a
	// neutral note; the refused send above is the failure, shown as one.
	if !strings.Contains(page, `<p class="note" role="status" data-testid="send-waiting">`) || !strings.Contains(page, "Share the invite link") || !strings.Contains(page, "131020") {
		t.Errorf("the group page does not say what to do")
	}
	if strings.Contains(page, `data-testid="send-refused"`) {
		t.Errorf("an empty group is shown as an error")
	}
	if !strings.Contains(body, `class="field-error" id="composer-error" role="alert">Nobody has joined`) {
		t.Errorf("the refused send is not shown as an error: %s", body)
	}
	// Without JavaScript the whole page comes back, keeping the draft.
	st, body = c.postMultipart(path, map[string]string{"kind": "text", "body": "draft kept"}, "", nil, false)
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, "draft kept") || !strings.Contains(body, "<html") {
		t.Errorf("no-JS refusal: %d", st)
	}
}

func TestComposerQueuesTextAndValidates(t *testing.T) {
	ts := newTestServer(t)
	c := ts.client()
	c.login("manager@x.test")
	g := ts.activeGroup("111")
	path := fmt.Sprintf("/groups/%d/messages", g.ID)

	long := strings.Repeat("é", MaxText+1)
	st, body := c.postMultipart(path, map[string]string{"kind": "text", "body": long}, "", nil, true)
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, "4097 characters") {
		t.Errorf("too long: %d", st)
	}
	st, body = c.postMultipart(path, map[string]string{"kind": "text", "body": "Hi <all>", "preview_url": "1"}, "", nil, true)
	if st != http.StatusOK || !strings.Contains(body, "Queued") {
		t.Fatalf("send: %d %s", st, body)
	}
	ms := messagesOf(t, ts, g)
	if len(ms) != 1 || ms[0].Body != "Hi <all>" || ms[0].State != store.MsgQueued || !ms[0].Payload.PreviewURL {
		t.Errorf("queued %+v", ms)
	}
	_, list := c.get(path)
	if !strings.Contains(list, "Hi &lt;all&gt;") || !strings.Contains(list, "Queued") {
		t.Errorf("timeline: %s", list)
	}

	v := ts.client()
	v.login("viewer@x.test")
	if st, _ := v.postMultipart(path, map[string]string{"kind": "text", "body": "x"}, "", nil, true); st != http.StatusForbidden {
		t.Errorf("viewer: %d", st)
	}
}

func TestComposerChecksMediaBeforeUpload(t *testing.T) {
	ts := newTestServer(t)
	c := ts.client()
	c.login("manager@x.test")
	g := ts.activeGroup("111")
	path := fmt.Sprintf("/groups/%d/messages", g.ID)
	bigSticker := append([]byte("RIFF\x00\x00\x00\x00WEBPVP8 "), make([]byte, 150<<10)...)
	cases := []struct {
		name, kind, file, caption string
		data                      []byte
		want                      string
	}{
		{"wrong type", "image", "run.exe", "", pngBytes, "does not take exe files"},
		{"disguised", "image", "cat.png", "", []byte("<html>not a png</html>"), "content is not image/png"},
		{"too big", "image", "big.png", "", append(pngBytes, make([]byte, 5<<20)...), "up to 5.0 MB"},
		{"static sticker over 100 KB", "sticker", "s.webp", "", bigSticker, "static stickers up to 100 KB"},
		{"caption on audio", "audio", "a.mp3", "hello", []byte("ID3...."), "captions on audios"},
		{"no file", "video", "", "", nil, "Choose a file"},
	}
	for _, tc := range cases {
		st, body := c.postMultipart(path, map[string]string{"kind": "media", "media_type": tc.kind, "caption": tc.caption}, tc.file, tc.data, true)
		if st != http.StatusUnprocessableEntity || !strings.Contains(body, tc.want) {
			t.Errorf("%s: %d, want %q in %s", tc.name, st, tc.want, body)
		}
	}
	if ts.media.count() != 0 {
		t.Fatalf("uploaded despite errors: %v", ts.media.uploads)
	}
	st, body := c.postMultipart(path, map[string]string{"kind": "media", "media_type": "image", "caption": "A cat"}, "cat.png", pngBytes, true)
	if st != http.StatusOK {
		t.Fatalf("image: %d %s", st, body)
	}
	st, _ = c.postMultipart(path, map[string]string{"kind": "media", "media_type": "sticker"}, "s.webp", webpBytes, true)
	if st != http.StatusOK {
		t.Fatalf("sticker: %d", st)
	}
	ms := messagesOf(t, ts, g)
	if len(ms) != 2 || ms[0].Kind != "image" || ms[0].MediaID != "MEDIA1" || ms[0].Body != "A cat" || ms[0].MediaMime != "image/png" || ms[1].Kind != "sticker" {
		t.Errorf("queued %+v", ms)
	}

	// The upload route takes more than the global 1 MB body limit.
	doc := append([]byte("%PDF-1.4\n"), make([]byte, 3<<20)...)
	if st, body := c.postMultipart(path, map[string]string{"kind": "media", "media_type": "document"}, "terms.pdf", doc, true); st != http.StatusOK {
		t.Errorf("3 MB document: %d %s", st, body)
	}
	big := strings.Repeat("x", 2<<20)
	if st, _, _ := c.post("/groups", url.Values{"_csrf": {c.csrf}, "subject": {big}}); st != http.StatusRequestEntityTooLarge {
		t.Errorf("other routes keep the 1 MB limit: %d", st)
	}

	// Media is downloadable through the app, as an attachment.
	res, err := c.Get(fmt.Sprintf("%s/groups/%d/messages/%d/media", ts.URL, g.ID, ms[0].ID))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !bytes.Equal(b, pngBytes) || !strings.Contains(res.Header.Get("Content-Disposition"), `attachment; filename="cat.png"`) ||
		res.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("download: %d %v", res.StatusCode, res.Header)
	}
}

func TestTemplatePinRetryAndReceipts(t *testing.T) {
	ts := newTestServer(t)
	c := ts.client()
	c.login("manager@x.test")
	g := ts.activeGroup("111", "222")
	path := fmt.Sprintf("/groups/%d/messages", g.ID)
	ctx := context.Background()

	seedTemplates(t, ts.store)
	st, body := c.postMultipart(path, map[string]string{"kind": "template", "template": "Bad Name|en_US"}, "", nil, true)
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, "not an approved template") {
		t.Errorf("bad template name: %d", st)
	}
	st, _ = c.postMultipart(path, map[string]string{"kind": "template", "template": "weekly_update|en_US",
		"tv:body.1": "Ana", "tv:body.2": "Friday"}, "", nil, true)
	if st != http.StatusOK {
		t.Fatalf("template: %d", st)
	}
	m := messagesOf(t, ts, g)[0]
	if m.Kind != "template" || len(m.Payload.Vars) != 2 || m.Payload.Vars[1].Text != "Friday" || m.Body != "Hi Ana, see you Friday." {
		t.Errorf("template %+v", m)
	}
	// Pretend the outbox sent it and a participant read it.
	if _, err := ts.store.ClaimMessage(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.store.MessageSent(ctx, m.ID, "wamid.T"); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.store.WithTx(ctx, func(tx *store.Tx) error {
		return tx.Receipt(store.ReceiptEvent{WAMID: "wamid.T", Participant: "222", Status: "read", At: 9000})
	}); err != nil {
		t.Fatal(err)
	}
	_, panel := c.get(fmt.Sprintf("/groups/%d/messages/%d/receipts", g.ID, m.ID))
	if strings.Count(panel, `data-testid="receipt-row"`) != 2 || !strings.Contains(panel, "Person 222") || !strings.Contains(panel, "not yet") {
		t.Errorf("receipts: %s", panel)
	}

	st, _, _ = c.post(fmt.Sprintf("/groups/%d/messages/%d/pin", g.ID, m.ID), url.Values{"_csrf": {c.csrf}, "days": {"40"}})
	if st != http.StatusUnprocessableEntity {
		t.Errorf("40-day pin: %d", st)
	}
	st, _, _ = c.post(fmt.Sprintf("/groups/%d/messages/%d/pin", g.ID, m.ID), url.Values{"_csrf": {c.csrf}, "days": {"7"}})
	if st != http.StatusSeeOther {
		t.Errorf("pin: %d", st)
	}
	cmds, _ := ts.store.PinCommands(ctx, g.ID)
	if len(cmds) != 1 || cmds[0].Payload.Target != "wamid.T" || cmds[0].Payload.Days != 7 {
		t.Errorf("pin command %+v", cmds)
	}

	// Retry works on failed messages only.
	retry := fmt.Sprintf("/groups/%d/messages/%d/retry", g.ID, m.ID)
	if st, _, _ := c.post(retry, url.Values{"_csrf": {c.csrf}}); st != http.StatusConflict {
		t.Errorf("retry of a sent message: %d", st)
	}
	if err := ts.store.MessageFailed(ctx, m.ID, "boom"); err != nil {
		t.Fatal(err)
	}
	if st, _, _ := c.post(retry, url.Values{"_csrf": {c.csrf}}); st != http.StatusSeeOther {
		t.Errorf("retry: %d", st)
	}
	if got, _ := ts.store.MessageByID(ctx, g.ID, m.ID); got.State != store.MsgQueued {
		t.Errorf("after retry: %+v", got)
	}
}

func TestInboundMediaAndUnsupportedInTimeline(t *testing.T) {
	ts := newTestServer(t)
	c := ts.client()
	c.login("viewer@x.test")
	g := ts.activeGroup("16505551234")
	ts.media.files = map[string][]byte{"IN1": pngBytes}
	body := []byte(fmt.Sprintf(`{"object":"whatsapp_business_account","entry":[{"id":"W","changes":[{"field":"messages",
		"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"1","phone_number_id":"P"},
		"contacts":[{"profile":{"name":"Tiago"},"wa_id":"16505551234"}],
		"messages":[{"from":"16505551234","group_id":"WA%d","id":"wamid.IMG","timestamp":"1744344496","type":"image",
			"image":{"caption":"Look <here>","mime_type":"image/png","sha256":"x","id":"IN1"}},
		{"from":"16505551234","group_id":"WA%d","id":"wamid.UNS","timestamp":"1744344497","type":"unsupported",
			"errors":[{"code":130501,"message":"Message type is not currently supported","title":"Unsupported message type"}]}]}}]}]}`, g.ID, g.ID))
	if st := postWebhook(t, ts, body, sign(body)); st != http.StatusOK {
		t.Fatalf("webhook: %d", st)
	}
	_, page := c.get(fmt.Sprintf("/groups/%d", g.ID))
	for _, want := range []string{"Tiago", "+1 650 555 1234", "Look &lt;here&gt;", `data-testid="media-download"`, `data-testid="unsupported"`,
		`data-testid="window-warning"`, "the last participant message was"} {
		if !strings.Contains(page, want) {
			t.Errorf("group page lacks %s", want)
		}
	}
	if strings.Contains(page, `id="composer"`) {
		t.Error("a viewer sees the composer")
	}
	ms := messagesOf(t, ts, g)
	if len(ms) != 2 || ms[0].MediaID != "IN1" || ms[0].MediaMime != "image/png" {
		t.Fatalf("stored %+v", ms)
	}
	res, err := c.Get(fmt.Sprintf("%s/groups/%d/messages/%d/media", ts.URL, g.ID, ms[0].ID))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !bytes.Equal(b, pngBytes) {
		t.Errorf("download: %d", res.StatusCode)
	}
	if res, _ := c.Get(fmt.Sprintf("%s/groups/%d/messages/%d/media", ts.URL, g.ID, ms[1].ID)); res.StatusCode != http.StatusNotFound {
		t.Errorf("download of a message without media: %d", res.StatusCode)
	}
}
