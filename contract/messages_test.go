package contract

import (
	"bytes"
	"errors"
	"net/http"
	"strings"
	"testing"

	"groupdeck/whatsapp"
)

func TestSendEveryMessageType(t *testing.T) {
	e := newEnv(t)
	id, link := e.createGroup("Talkative", "")
	a, b := "15550000001", "15550000002"
	e.join(link, a, b)

	photo := picture(t, 64, 64, jpg)
	mediaID, err := e.c.UploadMedia(ctx(), "photo.jpg", "image/jpeg", bytes.NewReader(photo))
	if err != nil || mediaID == "" {
		t.Fatalf("upload: %q %v", mediaID, err)
	}
	url, mime, err := e.c.MediaURL(ctx(), mediaID)
	if err != nil || url == "" || mime != "image/jpeg" {
		t.Fatalf("media url: %q %q %v", url, mime, err)
	}
	data, ctype, err := e.c.DownloadMedia(ctx(), url)
	if err != nil || !bytes.Equal(data, photo) || ctype != "image/jpeg" {
		t.Fatalf("download: %d bytes %q %v", len(data), ctype, err)
	}
	doc, err := e.c.UploadMedia(ctx(), "rules.pdf", "application/pdf", strings.NewReader("%PDF-1.4 rules"))
	if err != nil {
		t.Fatal(err)
	}

	type send struct {
		kind string
		do   func() (*whatsapp.SendResult, error)
	}
	sends := []send{
		{"text", func() (*whatsapp.SendResult, error) { return e.c.SendText(ctx(), id, "See https://example.com", true) }},
		{"image", func() (*whatsapp.SendResult, error) {
			return e.c.SendMedia(ctx(), id, whatsapp.KindImage, whatsapp.MediaRef{ID: mediaID, Caption: "our logo"})
		}},
		{"video", func() (*whatsapp.SendResult, error) {
			return e.c.SendMedia(ctx(), id, whatsapp.KindVideo, whatsapp.MediaRef{Link: "https://example.com/clip.mp4", Caption: "clip"})
		}},
		{"audio", func() (*whatsapp.SendResult, error) {
			return e.c.SendMedia(ctx(), id, whatsapp.KindAudio, whatsapp.MediaRef{Link: "https://example.com/a.ogg"})
		}},
		{"document", func() (*whatsapp.SendResult, error) {
			return e.c.SendMedia(ctx(), id, whatsapp.KindDocument, whatsapp.MediaRef{ID: doc, Filename: "rules.pdf", Caption: "read me"})
		}},
		{"sticker", func() (*whatsapp.SendResult, error) {
			return e.c.SendMedia(ctx(), id, whatsapp.KindSticker, whatsapp.MediaRef{Link: "https://example.com/s.webp"})
		}},
		{"template", func() (*whatsapp.SendResult, error) {
			return e.c.SendTemplate(ctx(), id, whatsapp.Template{Name: "order_update", Language: "en_US",
				BodyParams: []whatsapp.TemplateParam{{Text: "42"}}})
		}},
	}
	var ids []string
	for _, s := range sends {
		res, err := s.do()
		if err != nil {
			t.Fatalf("send %s: %v", s.kind, err)
		}
		if !strings.HasPrefix(res.MessageID, "wamid.") || res.GroupID != id {
			t.Errorf("send %s: %+v", s.kind, res)
		}
		ids = append(ids, res.MessageID)
	}
	e.settle()

	sent := e.sim.Sent()
	if len(sent) != len(sends) {
		t.Fatalf("simulator recorded %d sends", len(sent))
	}
	for i, s := range sends {
		if sent[i].Type != s.kind || sent[i].ID != ids[i] || sent[i].GroupID != id {
			t.Errorf("recorded send %d: %+v", i, sent[i])
		}
	}
	if inbox := e.sim.Inbox(b); len(inbox) != len(sends) || inbox[1].Text != "our logo" {
		t.Errorf("participant inbox: %+v", inbox)
	}
	// Every message: one group-level sent, then delivered and read per
	// participant, each participant priced once.
	for i, mid := range ids {
		var seq []string
		priced := 0
		for _, st := range e.statuses(mid) {
			if st.RecipientID != id || st.RecipientType != "group" {
				t.Errorf("%s status %+v", sends[i].kind, st)
			}
			seq = append(seq, st.Status+":"+st.RecipientParticipantID)
			if st.Pricing != nil {
				priced++
				want := "group_service"
				if sends[i].kind == "template" {
					want = "group_utility"
				}
				if st.Pricing.Category != want || st.Pricing.PricingModel != "PMP" || st.Pricing.Type != "regular" || !st.Pricing.Billable {
					t.Errorf("%s pricing %+v", sends[i].kind, st.Pricing)
				}
			}
		}
		want := "sent:,delivered:" + a + ",delivered:" + b + ",read:" + a + ",read:" + b
		if strings.Join(seq, ",") != want || priced != 2 {
			t.Errorf("%s statuses %v (priced %d), want %s", sends[i].kind, seq, priced, want)
		}
	}
}

func TestSendRefusals(t *testing.T) {
	e := newEnv(t)
	id, link := e.createGroup("Alone", "")
	// Only the business is in the group.
	_, err := e.c.SendText(ctx(), id, "hello?", false)
	wantAPIError(t, err, 131020, http.StatusBadRequest)
	e.join(link, "15550000001")
	msgs := phoneID + "/messages"
	grp := func(typ string, obj any) map[string]any {
		return map[string]any{"messaging_product": "whatsapp", "recipient_type": "group", "to": id, "type": typ, typ: obj}
	}

	_, err = e.c.SendText(ctx(), id, " ", false)
	wantValidation(t, err, "text")
	e.wantRaw(http.MethodPost, msgs, grp("text", map[string]any{"body": ""}), 400, 100)
	_, err = e.c.SendText(ctx(), id, strings.Repeat("x", 4097), false)
	wantValidation(t, err, "text")
	e.wantRaw(http.MethodPost, msgs, grp("text", map[string]any{"body": strings.Repeat("x", 4097)}), 400, 100)

	_, err = e.c.SendMedia(ctx(), id, whatsapp.KindAudio, whatsapp.MediaRef{Link: "https://example.com/a.ogg", Caption: "no"})
	wantValidation(t, err, "caption")
	e.wantRaw(http.MethodPost, msgs, grp("audio", map[string]any{"link": "https://example.com/a.ogg", "caption": "no"}), 400, 100)
	_, err = e.c.SendMedia(ctx(), id, whatsapp.KindImage, whatsapp.MediaRef{Link: "https://example.com/i.jpg", Caption: strings.Repeat("c", 1025)})
	wantValidation(t, err, "caption")
	e.wantRaw(http.MethodPost, msgs, grp("image", map[string]any{"link": "https://example.com/i.jpg", "caption": strings.Repeat("c", 1025)}), 400, 100)
	_, err = e.c.SendMedia(ctx(), id, whatsapp.KindImage, whatsapp.MediaRef{Link: "https://example.com/i.jpg", Filename: "i.jpg"})
	wantValidation(t, err, "filename")
	e.wantRaw(http.MethodPost, msgs, grp("image", map[string]any{"link": "https://example.com/i.jpg", "filename": "i.jpg"}), 400, 100)
	_, err = e.c.SendMedia(ctx(), id, whatsapp.KindImage, whatsapp.MediaRef{})
	wantValidation(t, err, "media")
	e.wantRaw(http.MethodPost, msgs, grp("image", map[string]any{"id": "1", "link": "https://example.com/i.jpg"}), 400, 100)
	_, err = e.c.SendMedia(ctx(), id, "location", whatsapp.MediaRef{Link: "https://example.com"})
	wantValidation(t, err, "type")
	e.wantRaw(http.MethodPost, msgs, grp("interactive", map[string]any{"type": "button"}), 400, 100)
	_, err = e.c.SendMedia(ctx(), id, whatsapp.KindImage, whatsapp.MediaRef{ID: "999999999"})
	wantAPIError(t, err, 131009, http.StatusBadRequest)
	// A group ID sent as an individual recipient is refused.
	e.wantRaw(http.MethodPost, msgs, map[string]any{"messaging_product": "whatsapp", "to": id, "type": "text", "text": map[string]any{"body": "x"}}, 400, 100)

	_, err = e.c.SendText(ctx(), "unknown-group", "x", false)
	wantAPIError(t, err, 131041, http.StatusBadRequest)
}

func TestSuspendedGroup(t *testing.T) {
	e := newEnv(t)
	id, link := e.createGroup("Flagged", "")
	e.join(link, "15550000001")
	if err := e.sim.SetSuspended(id, true); err != nil {
		t.Fatal(err)
	}
	_, err := e.c.SendText(ctx(), id, "still there?", false)
	wantAPIError(t, err, 131207, http.StatusForbidden)
	_, err = e.c.InviteLink(ctx(), id)
	wantAPIError(t, err, 131207, http.StatusForbidden)
	_, err = e.c.RemoveParticipants(ctx(), id, []whatsapp.RemoveTarget{{User: "15550000001"}})
	wantAPIError(t, err, 131207, http.StatusForbidden)
	_, err = e.c.DeleteGroup(ctx(), id)
	wantAPIError(t, err, 131207, http.StatusForbidden)
	// Info stays readable: that is how the app sees the suspension.
	info, err := e.c.GroupInfo(ctx(), id)
	if err != nil || !info.Suspended {
		t.Fatalf("info of a suspended group: %+v %v", info, err)
	}
	if err := e.sim.SetSuspended(id, false); err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.SendText(ctx(), id, "back", false); err != nil {
		t.Errorf("send after suspension cleared: %v", err)
	}
	e.settle()
}

func TestPinUnpin(t *testing.T) {
	e := newEnv(t)
	id, link := e.createGroup("Pins", "")
	e.join(link, "15550000001")
	var msgs []string
	for _, body := range []string{"one", "two", "three", "four"} {
		res, err := e.c.SendText(ctx(), id, body, false)
		if err != nil {
			t.Fatal(err)
		}
		msgs = append(msgs, res.MessageID)
	}
	var pinIDs []string
	for _, m := range msgs {
		res, err := e.c.Pin(ctx(), id, m, 7)
		if err != nil {
			t.Fatalf("pin: %v", err)
		}
		if res.MessageID == "" || res.MessageID == m || res.GroupID != id {
			t.Errorf("pin result %+v", res)
		}
		pinIDs = append(pinIDs, res.MessageID)
	}
	g, _ := e.sim.Group(id)
	if strings.Join(g.Pinned, ",") != strings.Join(msgs[1:], ",") {
		t.Errorf("a fourth pin should drop the oldest: %v", g.Pinned)
	}
	if _, err := e.c.Unpin(ctx(), id, msgs[2]); err != nil {
		t.Fatal(err)
	}
	g, _ = e.sim.Group(id)
	if strings.Join(g.Pinned, ",") != msgs[1]+","+msgs[3] {
		t.Errorf("after unpin: %v", g.Pinned)
	}
	e.settle()
	// Pin messages only ever get a "sent" status.
	for _, p := range pinIDs {
		if sts := e.statuses(p); len(sts) != 1 || sts[0].Status != "sent" {
			t.Errorf("pin %s statuses %+v", p, sts)
		}
	}

	_, err := e.c.Pin(ctx(), id, msgs[0], 31)
	wantValidation(t, err, "expiration_days")
	e.wantRaw(http.MethodPost, phoneID+"/messages", map[string]any{"messaging_product": "whatsapp", "recipient_type": "group", "to": id,
		"type": "pin", "pin": map[string]any{"type": "pin", "message_id": msgs[0], "expiration_days": 31}}, 400, 100)
	e.wantRaw(http.MethodPost, phoneID+"/messages", map[string]any{"messaging_product": "whatsapp", "recipient_type": "group", "to": id,
		"type": "pin", "pin": map[string]any{"type": "pin", "message_id": msgs[0]}}, 400, 100)
	_, err = e.c.Pin(ctx(), id, "wamid.unknown", 3)
	wantAPIError(t, err, 131009, http.StatusBadRequest)
}

func TestMarkRead(t *testing.T) {
	e := newEnv(t)
	id, link := e.createGroup("Readers", "")
	e.join(link, "15550000001")
	mid, err := e.sim.Say("15550000001", id, "text", "hi all")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.c.MarkRead(ctx(), mid); err != nil {
		t.Errorf("mark read: %v", err)
	}
	err = e.c.MarkRead(ctx(), "wamid.never-sent")
	wantAPIError(t, err, 131009, http.StatusBadRequest)
	err = e.c.MarkRead(ctx(), "")
	wantValidation(t, err, "message_id")
	e.settle()
}

func TestMediaRefusals(t *testing.T) {
	e := newEnv(t)
	_, err := e.c.UploadMedia(ctx(), "x.bin", "", strings.NewReader("x"))
	wantValidation(t, err, "type")
	_, err = e.c.UploadMedia(ctx(), "x.bin", "application/octet-stream", strings.NewReader(""))
	wantValidation(t, err, "file")
	_, _, err = e.c.DownloadMedia(ctx(), "")
	wantValidation(t, err, "url")
	_, _, err = e.c.MediaURL(ctx(), "")
	wantValidation(t, err, "media_id")
	_, _, err = e.c.MediaURL(ctx(), "123456")
	var ae *whatsapp.APIError
	if !errors.As(err, &ae) || ae.HTTPStatus != http.StatusBadRequest {
		t.Errorf("unknown media: %v", err)
	}
	// Downloads need the token, like Meta's media host.
	id, err := e.c.UploadMedia(ctx(), "x.txt", "text/plain", strings.NewReader("hello"))
	if err != nil {
		t.Fatal(err)
	}
	url, _, err := e.c.MediaURL(ctx(), id)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = e.client("wrong").DownloadMedia(ctx(), url)
	wantAPIError(t, err, 190, http.StatusUnauthorized)
}
