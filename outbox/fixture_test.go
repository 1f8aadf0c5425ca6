package outbox

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"groupdeck/ingest"
	"groupdeck/store"
	"groupdeck/whatsapp"
)

// fakeWA answers sends from a script: each call takes the next error
// (nil = accepted) and records what was asked.
type fakeWA struct {
	mu     sync.Mutex
	script []error
	calls  []string
	n      int
}

func (f *fakeWA) next(call string) (*whatsapp.SendResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, call)
	f.n++
	var err error
	if len(f.script) > 0 {
		err, f.script = f.script[0], f.script[1:]
	}
	if err != nil && classify(err) != unknown {
		return nil, err
	}
	res := &whatsapp.SendResult{MessageID: fmt.Sprintf("wamid.%d", f.n)}
	return res, err // an "unknown" error: accepted, but the answer is lost
}

func (f *fakeWA) SendText(_ context.Context, g, body string, preview bool) (*whatsapp.SendResult, error) {
	return f.next(fmt.Sprintf("text %s %q preview=%v", g, body, preview))
}

func (f *fakeWA) SendMedia(_ context.Context, g, kind string, m whatsapp.MediaRef) (*whatsapp.SendResult, error) {
	return f.next(fmt.Sprintf("%s %s id=%s caption=%q file=%q", kind, g, m.ID, m.Caption, m.Filename))
}

func (f *fakeWA) SendTemplate(_ context.Context, g string, t whatsapp.Template) (*whatsapp.SendResult, error) {
	var ps []string
	for _, p := range t.BodyParams {
		ps = append(ps, p.Text)
	}
	return f.next(fmt.Sprintf("template %s %s/%s [%s]", g, t.Name, t.Language, strings.Join(ps, ",")))
}

func (f *fakeWA) Pin(_ context.Context, g, id string, days int) (*whatsapp.SendResult, error) {
	return f.next(fmt.Sprintf("pin %s %s %d", g, id, days))
}

func (f *fakeWA) Unpin(_ context.Context, g, id string) (*whatsapp.SendResult, error) {
	return f.next(fmt.Sprintf("unpin %s %s", g, id))
}

func (f *fakeWA) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.calls)
}

type fixture struct {
	t     *testing.T
	path  string
	st    *store.Store
	wa    *fakeWA
	w     *Worker
	group int64
	clock time.Time
}

const waGroup = "G1"

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{t: t, path: filepath.Join(t.TempDir(), "o.db"), wa: &fakeWA{}, clock: time.UnixMilli(1_800_000_000_000)}
	f.open()
	g := &store.Group{Subject: "S", JoinApprovalMode: "auto_approve"}
	if err := f.st.CreateGroup(context.Background(), g); err != nil {
		t.Fatal(err)
	}
	f.group = g.ID
	if _, err := f.st.WithTx(context.Background(), func(tx *store.Tx) error {
		if err := tx.GroupCreated(store.GroupCreatedEvent{GroupID: g.ID, WaGroupID: waGroup, InviteLink: "https://chat.whatsapp.com/L", At: f.clock.UnixMilli()}); err != nil {
			return err
		}
		for _, wa := range []string{"111", "222", "333"} {
			if err := tx.ParticipantJoined(g.ID, store.Member{WaID: wa, Name: "P" + wa}, "invite_link", f.clock.UnixMilli()); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return f
}

// open (re)opens the database, as a restarted process would.
func (f *fixture) open() {
	f.t.Helper()
	st, err := store.Open(context.Background(), f.path)
	if err != nil {
		f.t.Fatal(err)
	}
	st.Now = func() time.Time { return f.clock }
	f.st = st
	f.w = New(st, f.wa, slog.New(slog.DiscardHandler), nil)
	f.w.Backoff = time.Second
	f.t.Cleanup(func() { st.Close() })
}

// crash closes the database without anything else running: whatever was
// committed is all a restart sees.
func (f *fixture) crash() {
	f.st.Close()
	f.open()
}

func (f *fixture) queue(m *store.Message) *store.Message {
	f.t.Helper()
	m.GroupID = f.group
	if err := f.st.QueueMessage(context.Background(), m); err != nil {
		f.t.Fatal(err)
	}
	return m
}

func (f *fixture) msg(id int64) *store.Message {
	f.t.Helper()
	m, err := f.st.MessageByID(context.Background(), f.group, id)
	if err != nil {
		f.t.Fatal(err)
	}
	return m
}

func (f *fixture) webhook(statuses ...string) {
	f.t.Helper()
	body := fmt.Sprintf(`{"object":"whatsapp_business_account","entry":[{"id":"W","changes":[{"field":"messages",
		"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"1","phone_number_id":"P"},
		"statuses":[%s]}}]}]}`, strings.Join(statuses, ","))
	res, err := (&ingest.Ingester{Store: f.st}).Apply(context.Background(), []byte(body))
	if err != nil || res.Outcome == store.OutcomeFailed {
		f.t.Fatalf("webhook: %v %+v", err, res)
	}
}

// st builds one group status; participant "" makes a group-level one.
func st(wamid, status, participant string, at time.Time) string {
	p := ""
	if participant != "" {
		p = fmt.Sprintf(`,"recipient_participant_id":%q`, participant)
	}
	return fmt.Sprintf(`{"id":%q,"status":%q,"timestamp":"%d","recipient_id":%q,"recipient_type":"group"%s}`,
		wamid, status, at.Unix(), waGroup, p)
}
