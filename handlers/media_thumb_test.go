package handlers

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

// An inbound image shows as a thumbnail served by the app: inline, with
// the sniffed type, cacheable, and refused when the bytes are no picture.
func TestMessageThumb(t *testing.T) {
	ts := newTestServer(t)
	c := ts.client()
	c.login("viewer@x.test")
	g := ts.activeGroup("16505551234")
	ts.media.files = map[string][]byte{"IN1": pngBytes, "IN2": []byte("%PDF-1.4 not a picture")}
	body := []byte(fmt.Sprintf(`{"object":"whatsapp_business_account","entry":[{"id":"W","changes":[{"field":"messages",
		"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"1","phone_number_id":"P"},
		"contacts":[{"profile":{"name":"Tiago"},"wa_id":"16505551234"}],
		"messages":[{"from":"16505551234","group_id":"WA%d","id":"wamid.IMG","timestamp":"1744344496","type":"image",
			"image":{"caption":"Sunset","mime_type":"image/png","sha256":"x","id":"IN1"}},
		{"from":"16505551234","group_id":"WA%d","id":"wamid.BAD","timestamp":"1744344497","type":"image",
			"image":{"mime_type":"image/png","sha256":"y","id":"IN2"}}]}}]}]}`, g.ID, g.ID))
	if st := postWebhook(t, ts, body, sign(body)); st != http.StatusOK {
		t.Fatalf("webhook: %d", st)
	}
	ms := messagesOf(t, ts, g)
	if len(ms) != 2 {
		t.Fatalf("stored %d messages", len(ms))
	}
	_, page := c.get(fmt.Sprintf("/groups/%d", g.ID))
	if !strings.Contains(page, fmt.Sprintf(`src="/groups/%d/messages/%d/thumb"`, g.ID, ms[0].ID)) || !strings.Contains(page, `alt="Image: Sunset"`) {
		t.Errorf("no thumbnail in the timeline")
	}
	res, err := c.Get(fmt.Sprintf("%s/groups/%d/messages/%d/thumb", ts.URL, g.ID, ms[0].ID))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !bytes.Equal(b, pngBytes) || res.Header.Get("Content-Type") != "image/png" ||
		res.Header.Get("Content-Disposition") != "inline" || !strings.Contains(res.Header.Get("Cache-Control"), "max-age") {
		t.Errorf("thumb: %d %v", res.StatusCode, res.Header)
	}
	req, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/groups/%d/messages/%d/thumb", ts.URL, g.ID, ms[0].ID), nil)
	req.Header.Set("If-None-Match", res.Header.Get("ETag"))
	if res, err := c.Do(req); err != nil || res.StatusCode != http.StatusNotModified {
		t.Errorf("revalidation: %v %v", res, err)
	}
	if res, _ := c.Get(fmt.Sprintf("%s/groups/%d/messages/%d/thumb", ts.URL, g.ID, ms[1].ID)); res.StatusCode != http.StatusUnsupportedMediaType {
		t.Errorf("a PDF claiming to be an image was served inline: %d", res.StatusCode)
	}
}
