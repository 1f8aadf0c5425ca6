package handlers

import (
	"context"
	"fmt"
	"html"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"groupdeck/jobs"
	"groupdeck/messaging"
	"groupdeck/outbox"
	"groupdeck/store"
	"groupdeck/views"
	"groupdeck/whatsapp"
)

// okSender accepts every send.
type okSender struct{ n int }

func (s *okSender) ok() (*whatsapp.SendResult, error) {
	s.n++
	return &whatsapp.SendResult{MessageID: fmt.Sprintf("wamid.B%d", s.n)}, nil
}
func (s *okSender) SendText(context.Context, string, string, bool) (*whatsapp.SendResult, error) {
	return s.ok()
}
func (s *okSender) SendMedia(context.Context, string, string, whatsapp.MediaRef) (*whatsapp.SendResult, error) {
	return s.ok()
}
func (s *okSender) SendTemplate(context.Context, string, whatsapp.Template) (*whatsapp.SendResult, error) {
	return s.ok()
}
func (s *okSender) Pin(context.Context, string, string, int) (*whatsapp.SendResult, error) {
	return s.ok()
}
func (s *okSender) Unpin(context.Context, string, string) (*whatsapp.SendResult, error) {
	return s.ok()
}

func TestBroadcastSendsToEveryChosenGroup(t *testing.T) {
	var ob *outbox.Worker
	ts := newTestServer(t, func(d *Deps) {
		ob = outbox.New(d.Store, &okSender{}, slog.New(slog.DiscardHandler), nil)
		ob.Poll = 10 * time.Millisecond
		d.WakeOutbox = ob.Wake
	})
	runner := &messaging.Broadcaster{Store: ts.store, WakeOutbox: ob.Wake, Notify: ts.h.Notify}
	ts.h.Jobs.Register(jobs.KindBroadcast, runner)
	ts.h.Jobs.Poll = 10 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go ts.h.Jobs.Run(ctx)
	go ob.Run(ctx)

	c := ts.client()
	c.login("manager@x.test")
	a, b := ts.activeGroup("111"), ts.activeGroup("222", "333")
	empty := ts.activeGroup()
	_, page := c.get("/messages/broadcast")
	if strings.Count(page, `data-testid="picker-option"`) != 3 || !strings.Contains(page, "All 3 groups matching the filter") {
		t.Fatalf("picker: %s", page)
	}
	// Bad input keeps the hand-picked groups: their chips come back.
	st, body := c.postMultipart("/messages/broadcast", map[string]string{"kind": "text", "body": " ", "group": itoa64(b.ID)}, "", nil, false)
	chosen, _, _ := strings.Cut(body[strings.Index(body, `data-testid="picker-chosen"`)+1:], "</ul>")
	if st != http.StatusUnprocessableEntity || strings.Count(chosen, `data-testid="picker-chip"`) != 1 ||
		!strings.Contains(chosen, `name="group" value="`+itoa64(b.ID)+`"`) || !strings.Contains(body, "Write something to send") {
		t.Fatalf("bad input lost the chosen group: %d %s", st, body)
	}
	st, body = c.postMultipart("/messages/broadcast", map[string]string{"kind": "text", "body": "Hello all"}, "", nil, false)
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, "Choose at least one group") {
		t.Errorf("no groups: %d", st)
	}
	// The first post only reviews: nothing is queued yet.
	res, review := c.postMultipart("/messages/broadcast", map[string]string{"kind": "text", "body": "Hello all", "all": "1", "status": "active"}, "", nil, false)
	if res != http.StatusOK || !strings.Contains(review, "<strong>2 groups</strong>, reaching <strong>3 people</strong>") ||
		!strings.Contains(review, "nobody joined yet: 1") {
		t.Fatalf("review: %d %s", res, review)
	}
	if js, _ := ts.store.Jobs(context.Background(), string(jobs.KindBroadcast), 10); len(js) != 0 {
		t.Fatalf("a review started a job: %+v", js)
	}
	res, body, _ = c.post("/messages/broadcast", hiddenFields(review))
	if res != http.StatusSeeOther {
		t.Fatalf("confirm: %d %s", res, body)
	}
	js, err := ts.store.Jobs(context.Background(), string(jobs.KindBroadcast), 10)
	if err != nil || len(js) != 1 {
		t.Fatalf("jobs %v %v", js, err)
	}
	deadline := time.Now().Add(10 * time.Second)
	var j *store.Job
	for {
		if j, err = ts.store.JobByID(context.Background(), js[0].ID); err != nil {
			t.Fatal(err)
		}
		if !j.Active() || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	// Exactly the reviewed groups: the empty one was left out by the review.
	if j.Done != 2 || j.Total != 2 {
		t.Fatalf("job %+v", j)
	}
	for _, g := range []*store.Group{a, b} {
		ms := messagesOf(t, ts, g)
		if len(ms) != 1 || ms[0].Body != "Hello all" || ms[0].State != store.MsgSent {
			t.Errorf("group %d: %+v", g.ID, ms)
		}
	}
	if ms := messagesOf(t, ts, empty); len(ms) != 0 {
		t.Errorf("empty group got %+v", ms)
	}
	items, _ := ts.store.JobItems(context.Background(), j.ID, 0, 10)
	// Running an item again (a resumed job) never queues twice.
	item := items[len(items)-1]
	if _, err := runner.RunItem(context.Background(), j, &item); err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, g := range []*store.Group{a, b, empty} {
		total += len(messagesOf(t, ts, g))
	}
	if total != 2 {
		t.Errorf("%d messages after a rerun", total)
	}
}

var hiddenRe = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)"`)

// hiddenFields is what a review's confirm form posts back.
func hiddenFields(page string) url.Values {
	f := url.Values{}
	for _, m := range hiddenRe.FindAllStringSubmatch(page, -1) {
		f.Add(m[1], html.UnescapeString(m[2]))
	}
	return f
}

func TestBroadcastReviewCountsSkipsAndCosts(t *testing.T) {
	ts := newTestServer(t, func(d *Deps) {
		d.Rates = views.Rates{Marketing: 0.5, Utility: 0.25, Currency: "EUR"}
	})
	ts.h.Jobs.Register(jobs.KindBroadcast, &messaging.Broadcaster{Store: ts.store, WakeOutbox: func() {}, Notify: ts.h.Notify})
	c := ts.client()
	c.login("manager@x.test")
	a := ts.activeGroup("111", "222")
	b := ts.activeGroup("333", "444", "555")
	empty := ts.activeGroup()
	suspended := ts.activeGroup("666")
	ctx := context.Background()
	if _, err := ts.store.WithTx(ctx, func(tx *store.Tx) error { return tx.GroupSuspended(suspended.ID, true, 5) }); err != nil {
		t.Fatal(err)
	}
	creating := &store.Group{Subject: "Later", JoinApprovalMode: "auto_approve"}
	if err := ts.store.CreateGroup(ctx, creating); err != nil {
		t.Fatal(err)
	}
	// A participant wrote in b within the day: its window is open, so a
	// utility template is free there.
	if _, err := ts.store.WithTx(ctx, func(tx *store.Tx) error {
		return tx.InboundMessage(b.ID, "wamid.in1", "text", "hi", store.Member{WaID: "333"}, time.Now().UnixMilli())
	}); err != nil {
		t.Fatal(err)
	}

	seedTemplates(t, ts.store)
	c.get("/messages/broadcast")
	fields := map[string]string{"kind": "template", "template": "spring_sale|en_US", "all": "1", "status": ""}
	st, review := c.postMultipart("/messages/broadcast", fields, "", nil, false)
	if st != http.StatusOK {
		t.Fatalf("review: %d %s", st, review)
	}
	for _, want := range []string{"<strong>2 groups</strong>, reaching <strong>5 people</strong>", "3 groups are skipped", "nobody joined yet: 1", "suspended by WhatsApp: 1", "not active: still being created: 1",
		"5 deliveries × 0.5000 EUR ≈ <strong>2.50 EUR</strong>", "2 deliveries in groups whose 24-hour window is closed × 0.2500 EUR ≈ <strong>0.50 EUR</strong>"} {
		if !strings.Contains(review, want) {
			t.Errorf("review lacks %q:\n%s", want, review)
		}
	}
	if strings.Contains(review, ">"+a.Subject+"</a>") && strings.Count(review, "<td><a href=\"/groups/") != 3 {
		t.Errorf("the skipped list should name exactly the 3 skipped groups")
	}

	// Someone joins the empty group between review and confirm: the set
	// changed, so nothing is queued and the new review says so.
	if _, err := ts.store.WithTx(ctx, func(tx *store.Tx) error {
		return tx.ParticipantJoined(empty.ID, store.Member{WaID: "777"}, "invite_link", 9)
	}); err != nil {
		t.Fatal(err)
	}
	st, again, _ := c.post("/messages/broadcast", hiddenFields(review))
	if st != http.StatusOK || !strings.Contains(again, "you reviewed 2 groups; it now reaches 3") {
		t.Fatalf("changed set: %d %s", st, again)
	}
	if js, _ := ts.store.Jobs(ctx, string(jobs.KindBroadcast), 10); len(js) != 0 {
		t.Fatalf("a changed review started a job: %+v", js)
	}
	// A tampered confirm (another template) is not acted on either.
	tampered := hiddenFields(again)
	tampered.Set("template", "other_template|en_US")
	if st, body, _ := c.post("/messages/broadcast", tampered); st != http.StatusOK || !strings.Contains(body, "Nothing was sent") {
		t.Errorf("tampered confirm: %d", st)
	}
	st, _, _ = c.post("/messages/broadcast", hiddenFields(again))
	if st != http.StatusSeeOther {
		t.Fatalf("confirm of the new review: %d", st)
	}
	js, _ := ts.store.Jobs(ctx, string(jobs.KindBroadcast), 10)
	if len(js) != 1 || js[0].Total != 3 {
		t.Fatalf("job: %+v", js)
	}
	items, _ := ts.store.JobItems(ctx, js[0].ID, 0, 10)
	for _, it := range items {
		for _, g := range []*store.Group{suspended, creating} {
			if strings.HasPrefix(it.Input, fmt.Sprint(g.ID)+" ") {
				t.Errorf("skipped group %d in the job", g.ID)
			}
		}
	}
}

// A photo is uploaded once, at the review; the confirm sends the
// reviewed media id, and a confirm naming another id is not acted on.
func TestBroadcastMediaUploadsOnceAtReview(t *testing.T) {
	ts := newTestServer(t)
	ts.h.Jobs.Register(jobs.KindBroadcast, &messaging.Broadcaster{Store: ts.store, WakeOutbox: func() {}, Notify: ts.h.Notify})
	c := ts.client()
	c.login("manager@x.test")
	ts.activeGroup("111")
	ts.activeGroup("222")
	c.get("/messages/broadcast")
	st, review := c.postMultipart("/messages/broadcast", map[string]string{"kind": "media", "media_type": "image", "caption": "Poster",
		"all": "1", "status": "active"}, "poster.png", pngBytes, false)
	if st != http.StatusOK || !strings.Contains(review, "Text and media messages to groups are not charged") {
		t.Fatalf("review: %d %s", st, review)
	}
	if n := len(ts.media.uploads); n != 1 {
		t.Fatalf("%d uploads at the review", n)
	}
	other := hiddenFields(review)
	other.Set("media_id", "MEDIA999")
	if st, body, _ := c.post("/messages/broadcast", other); st != http.StatusOK || !strings.Contains(body, "Nothing was sent") {
		t.Fatalf("confirm with another media id: %d", st)
	}
	if st, _, _ := c.post("/messages/broadcast", hiddenFields(review)); st != http.StatusSeeOther {
		t.Fatalf("confirm: %d", st)
	}
	if n := len(ts.media.uploads); n != 1 {
		t.Errorf("%d uploads after the confirm, want the one of the review", n)
	}
	js, _ := ts.store.Jobs(context.Background(), string(jobs.KindBroadcast), 10)
	if len(js) != 1 || !strings.Contains(string(js[0].Params), `"media_id":"MEDIA1"`) || !strings.Contains(string(js[0].Params), "Poster") {
		t.Fatalf("jobs: %+v", js)
	}
}
