package handlers

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"groupdeck/jobs"
	"groupdeck/messaging"
	"groupdeck/outbox"
	"groupdeck/store"
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
	if strings.Count(page, `data-testid="pick-group"`) != 3 || !strings.Contains(page, "All 3 matching groups") {
		t.Fatalf("picker: %s", page)
	}
	st, body := c.postMultipart("/messages/broadcast", map[string]string{"kind": "text", "body": "Hello all"}, "", nil, false)
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, "Choose at least one group") {
		t.Errorf("no groups: %d", st)
	}
	res, body := c.postMultipart("/messages/broadcast", map[string]string{"kind": "text", "body": "Hello all", "all": "1", "status": "active"}, "", nil, false)
	if res != http.StatusSeeOther {
		t.Fatalf("start: %d %s", res, body)
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
	if j.Done != 2 || j.Skipped != 1 || j.Total != 3 {
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
	for _, it := range items {
		if strings.HasPrefix(it.Input, fmt.Sprint(empty.ID)+" ") && !strings.Contains(it.Error+it.Result, "131020") {
			t.Errorf("skipped item without the reason: %+v", it)
		}
	}

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
