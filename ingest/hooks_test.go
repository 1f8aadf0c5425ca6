package ingest

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"groupdeck/hooks"
	"groupdeck/store"
)

// TestHookEventsFromIngest applies one of each webhook that groupdeck
// turns into an outgoing event and checks what an endpoint subscribed to
// everything receives, in order, with the data it needs.
func TestHookEventsFromIngest(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	var got []hooks.Envelope
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var e hooks.Envelope
		if err := json.Unmarshal(b, &e); err != nil {
			t.Error(err)
		}
		got = append(got, e)
	}))
	defer recv.Close()
	var all []string
	for _, k := range hooks.Kinds {
		all = append(all, k.Name)
	}
	if _, err := f.st.WithTx(ctx, func(t *store.Tx) error {
		return t.CreateHookEndpoint(&store.HookEndpoint{URL: recv.URL, Secret: "k", Events: all, Enabled: true})
	}); err != nil {
		t.Fatal(err)
	}
	f.in.Hooks = &hooks.Subs{}
	if err := f.in.Hooks.Load(ctx, f.st); err != nil {
		t.Fatal(err)
	}

	f.requested("r1")
	f.apply(created("r1", "G1"))
	c := &store.Campaign{Name: "Spring flyer", Slug: "spring", GroupID: f.g.ID, Enabled: true}
	if err := f.st.CreateCampaign(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := f.st.RecordVisit(ctx, &store.Visit{CampaignID: c.ID, At: 190_000, Device: "phone", GroupID: f.g.ID, Outcome: store.VisitRedirected}, 0); err != nil {
		t.Fatal(err)
	}
	f.apply(joinRequest("G1", "group_join_request_created", "JR1", "222", 150))
	f.apply(joined("G1", "111", 200))
	f.apply(inbound("G1", "wamid.IN", "111", "Ana", "hello"))
	m := &store.Message{GroupID: f.g.ID, Kind: "text", Body: "hi"}
	if err := f.st.QueueMessage(ctx, m); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.MessageSent(ctx, m.ID, "wamid.X"); err != nil {
		t.Fatal(err)
	}
	f.apply(status("wamid.X", "delivered", "111", 250))
	f.apply(status("wamid.X", "read", "111", 260))
	f.apply(status("wamid.X", "read", "111", 261)) // again: no second read_by_all
	f.apply(left("G1", "111", 300))
	f.apply(suspend("G1", "group_suspend", 400))
	f.apply(suspend("G1", "group_suspend_cleared", 410))
	f.apply(deleted("G1", 500, false))

	s := &hooks.Sender{Store: f.st, Client: hooks.Client(func() bool { return true }, time.Second)}
	for range 20 {
		if n, err := s.RunOnce(ctx); err != nil {
			t.Fatal(err)
		} else if n == 0 {
			break
		}
	}
	var types []string
	for _, e := range got {
		types = append(types, e.Type)
	}
	want := "group.created join_request.created member.joined campaign.joined message.received message.read_by_all member.left group.suspended group.deleted"
	if s := strings.Join(types, " "); s != want {
		t.Fatalf("events\n got %s\nwant %s", s, want)
	}
	data := map[string]string{}
	for _, e := range got {
		data[e.Type] = string(e.Data)
	}
	for typ, frag := range map[string]string{
		"campaign.joined":      `"name":"Spring flyer"`,
		"member.joined":        `"wa_id":"111"`,
		"message.received":     `"text":"hello"`,
		"message.read_by_all":  `"wamid":"wamid.X"`,
		"member.left":          `"how":"left"`,
		"group.deleted":        `"wa_group_id":"G1"`,
		"join_request.created": `"join_request_id":"JR1"`,
	} {
		if !strings.Contains(data[typ], frag) {
			t.Errorf("%s data %s lacks %s", typ, data[typ], frag)
		}
	}
}
