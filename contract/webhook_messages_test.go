package contract

import (
	"bytes"
	"image/jpeg"
	"strings"
	"testing"
	"time"

	"groupdeck/wasim"
	"groupdeck/whatsapp"
)

func TestWebhookInboundMessages(t *testing.T) {
	e := newEnv(t)
	id, link := e.createGroup("Chatty", "")
	e.sim.AddUser(wasim.User{WaID: "15550000001", Name: "Tiago Mingo"})
	e.join(link, "15550000001")

	textID, err := e.sim.Say("15550000001", id, "text", "What does everyone think?")
	if err != nil {
		t.Fatal(err)
	}
	imgID, err := e.sim.Say("15550000001", id, "image", "look")
	if err != nil {
		t.Fatal(err)
	}
	unsID, err := e.sim.Say("15550000001", id, "unsupported", "")
	if err != nil {
		t.Fatal(err)
	}
	e.settle()

	in := e.inbound(textID)
	if len(in.Contacts) != 1 || in.Contacts[0].WaID != "15550000001" || in.Contacts[0].Profile.Name != "Tiago Mingo" {
		t.Errorf("contacts: %+v", in.Contacts)
	}
	m := in.Msg
	if m.GroupID != id || m.From != "15550000001" || m.Type != "text" || m.Text == nil || m.Text.Body != "What does everyone think?" ||
		m.Timestamp.Time().IsZero() || m.Attachment() != nil {
		t.Errorf("inbound text: %+v", m)
	}

	img := e.inbound(imgID).Msg
	a := img.Attachment()
	if img.Type != "image" || a == nil || a.ID == "" || a.MimeType != "image/jpeg" || a.SHA256 == "" || a.Caption != "look" || a.URL == "" {
		t.Fatalf("inbound image: %+v %+v", img, a)
	}
	// The media is fetchable the way the app will fetch it.
	url, mime, err := e.c.MediaURL(ctx(), a.ID)
	if err != nil || mime != "image/jpeg" {
		t.Fatalf("media url of inbound image: %v", err)
	}
	data, _, err := e.c.DownloadMedia(ctx(), url)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := jpeg.DecodeConfig(bytes.NewReader(data)); err != nil {
		t.Errorf("inbound image is not a JPEG: %v", err)
	}
	if direct, _, err := e.c.DownloadMedia(ctx(), a.URL); err != nil || !bytes.Equal(direct, data) {
		t.Errorf("download from the webhook url: %v", err)
	}

	uns := e.inbound(unsID).Msg
	if uns.Type != "unsupported" || len(uns.Errors) != 1 || uns.Errors[0].Code != 130501 || uns.GroupID != id {
		t.Errorf("inbound unsupported: %+v", uns)
	}
	if !strings.Contains(whatsapp.Human(uns.Errors[0]), "130501") {
		t.Errorf("human: %q", whatsapp.Human(uns.Errors[0]))
	}
}

func TestWebhookInboundBSUID(t *testing.T) {
	e := newEnv(t, func(c *wasim.Config) { c.BSUID = true })
	id, link := e.createGroup("Scoped", "")
	e.sim.AddUser(wasim.User{WaID: "15550000001", UserID: "US.111"})
	e.join(link, "15550000001")
	mid, err := e.sim.Say("15550000001", id, "text", "hi")
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.c.SendText(ctx(), id, "welcome", false)
	if err != nil {
		t.Fatal(err)
	}
	e.settle()
	in := e.inbound(mid)
	if in.Msg.FromUserID != "US.111" || in.Contacts[0].UserID != "US.111" {
		t.Errorf("BSUID inbound: %+v %+v", in.Msg, in.Contacts)
	}
	for _, st := range e.statuses(res.MessageID) {
		if st.Status != "sent" && (st.RecipientParticipantUserID != "US.111" || st.Participant() != "15550000001") {
			t.Errorf("BSUID status: %+v", st)
		}
	}
}

func TestWebhookStatusFailed(t *testing.T) {
	// Suspension between acceptance and the "sent" stage fails the send.
	e := newEnv(t, func(c *wasim.Config) { c.SentDelay = 30 * time.Millisecond })
	id, link := e.createGroup("Short-lived", "")
	e.join(link, "15550000001")
	res, err := e.c.SendText(ctx(), id, "hello", false)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.sim.SetSuspended(id, true); err != nil {
		t.Fatal(err)
	}
	e.settle()
	sts := e.statuses(res.MessageID)
	if len(sts) != 1 || sts[0].Status != "failed" || sts[0].RecipientID != id || sts[0].RecipientType != "group" ||
		len(sts[0].Errors) != 1 || sts[0].Errors[0].Code != 131207 || sts[0].Errors[0].Href == "" {
		t.Errorf("failed status: %+v", sts)
	}
}

func TestWebhookStatusesAggregated(t *testing.T) {
	e := newEnv(t, func(c *wasim.Config) { c.AggregateStatuses = true; c.ManualRead = true })
	id, link := e.createGroup("Busy", "")
	a, b := "15550000001", "15550000002"
	e.join(link, a, b)
	var ids []string
	for _, body := range []string{"one", "two"} {
		res, err := e.c.SendText(ctx(), id, body, false)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, res.MessageID)
	}
	e.settle()
	// One message × several participants in one change.
	delivered := 0
	for _, ch := range e.hook.changes() {
		sts := ch.Value.Statuses
		if len(sts) == 0 || sts[0].Status != "delivered" {
			continue
		}
		if len(sts) != 2 || sts[0].ID != sts[1].ID || sts[0].Participant() != a || sts[1].Participant() != b {
			t.Errorf("aggregated delivered: %+v", sts)
		}
		delivered++
	}
	if delivered != 2 {
		t.Errorf("%d aggregated delivered changes for 2 messages", delivered)
	}
	// Several messages × one participant: reading the latest reads both.
	if err := e.sim.Read(b, ids[1]); err != nil {
		t.Fatal(err)
	}
	e.settle()
	var reads []whatsapp.Status
	for _, ch := range e.hook.changes() {
		if len(ch.Value.Statuses) > 0 && ch.Value.Statuses[0].Status == "read" {
			if reads != nil {
				t.Error("reads arrived in more than one change")
			}
			reads = ch.Value.Statuses
		}
	}
	if len(reads) != 2 || reads[0].ID != ids[0] || reads[1].ID != ids[1] || reads[0].Participant() != b || reads[1].Participant() != b {
		t.Errorf("aggregated reads: %+v", reads)
	}
}

func TestWebhookStatusSwitches(t *testing.T) {
	e := newEnv(t, func(c *wasim.Config) {
		c.ParticipantRecipientID, c.ConversationObject, c.ReadSkipsDelivered = true, true, true
	})
	id, link := e.createGroup("Variants", "")
	e.join(link, "15550000001")
	// A participant message opens the free group window for utility templates.
	if _, err := e.sim.Say("15550000001", id, "text", "hi"); err != nil {
		t.Fatal(err)
	}
	util, err := e.c.SendTemplate(ctx(), id, whatsapp.Template{Name: "shipping_update", Language: "en_US"})
	if err != nil {
		t.Fatal(err)
	}
	promo, err := e.c.SendTemplate(ctx(), id, whatsapp.Template{Name: "spring_promo", Language: "en_US"})
	if err != nil {
		t.Fatal(err)
	}
	e.settle()
	for _, c := range []struct {
		id, category, typ string
		billable          bool
	}{
		{util.MessageID, "group_utility", "free_group_customer_service", false},
		{promo.MessageID, "group_marketing", "regular", true},
	} {
		sts := e.statuses(c.id)
		if len(sts) != 2 || sts[0].Status != "sent" || sts[1].Status != "read" {
			t.Fatalf("read should skip delivered: %+v", sts)
		}
		r := sts[1]
		// The alternative spelling lands in the canonical field.
		if r.RecipientParticipantID != "15550000001" {
			t.Errorf("participant_recipient_id not folded: %+v", r)
		}
		if r.Pricing == nil || r.Pricing.Category != c.category || r.Pricing.Type != c.typ || r.Pricing.Billable != c.billable {
			t.Errorf("pricing %+v, want %s/%s", r.Pricing, c.category, c.typ)
		}
		if r.Conversation == nil || r.Conversation.ID == "" || r.Conversation.Origin == nil || r.Conversation.Origin.Type != c.category {
			t.Errorf("conversation object: %+v", r.Conversation)
		}
	}
}

func TestWebhookDeliverySwitches(t *testing.T) {
	t.Run("duplicate", func(t *testing.T) {
		e := newEnv(t, func(c *wasim.Config) { c.DuplicateDelivery = true })
		reqID, _ := e.c.CreateGroup(ctx(), whatsapp.CreateGroupRequest{Subject: "Twice"})
		e.settle()
		evs := e.groupEvents(whatsapp.EventGroupCreate)
		if len(evs) != 2 || evs[0].RequestID != reqID || evs[1].RequestID != reqID || evs[0].GroupID != evs[1].GroupID {
			t.Errorf("duplicate delivery: %+v", evs)
		}
	})
	t.Run("batched", func(t *testing.T) {
		e := newEnv(t, func(c *wasim.Config) { c.BatchWindow = 20 * time.Millisecond })
		for _, s := range []string{"a", "b", "c"} {
			if _, err := e.c.CreateGroup(ctx(), whatsapp.CreateGroupRequest{Subject: s}); err != nil {
				t.Fatal(err)
			}
		}
		e.settle()
		if n := len(e.groupEvents(whatsapp.EventGroupCreate)); n != 3 {
			t.Fatalf("%d creates", n)
		}
		e.hook.mu.Lock()
		posts := e.hook.posts
		e.hook.mu.Unlock()
		if posts >= 3 {
			t.Errorf("3 changes took %d POSTs; want them batched", posts)
		}
	})
	t.Run("reordered", func(t *testing.T) {
		e := newEnv(t, func(c *wasim.Config) { c.Reorder = true })
		for _, s := range []string{"a", "b", "c", "d"} {
			if _, err := e.c.CreateGroup(ctx(), whatsapp.CreateGroupRequest{Subject: s}); err != nil {
				t.Fatal(err)
			}
		}
		e.settle()
		if n := len(e.groupEvents(whatsapp.EventGroupCreate)); n != 4 {
			t.Errorf("%d creates after reordering", n)
		}
	})
	t.Run("retried", func(t *testing.T) {
		e := newEnv(t)
		e.hook.mu.Lock()
		e.hook.failNext = 2
		e.hook.mu.Unlock()
		e.createGroup("Eventually", "")
		e.hook.mu.Lock()
		defer e.hook.mu.Unlock()
		if e.hook.posts != 3 {
			t.Errorf("%d POSTs for one webhook after two 500s, want 3", e.hook.posts)
		}
	})
}
