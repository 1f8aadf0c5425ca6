package campaigns

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"groupdeck/jobs"
	"groupdeck/store"
	"groupdeck/whatsapp"
)

type fakeSender struct {
	mu   sync.Mutex
	to   []string
	fail map[string]error
}

func (f *fakeSender) SendInviteTemplate(_ context.Context, to string, t whatsapp.Template, groupID string) (*whatsapp.SendResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.fail[to]; err != nil {
		return nil, err
	}
	f.to = append(f.to, to)
	return &whatsapp.SendResult{MessageID: "wamid." + to}, nil
}

func (f *fakeSender) sent() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.to...)
}

func openStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// activeGroup makes a group as if its create webhook had arrived, with
// the given members.
func activeGroup(t *testing.T, st *store.Store, wa, link string, members ...string) *store.Group {
	t.Helper()
	ctx := context.Background()
	g := &store.Group{Subject: "Group " + wa, JoinApprovalMode: "auto_approve"}
	if err := st.CreateGroup(ctx, g); err != nil {
		t.Fatal(err)
	}
	_, err := st.WithTx(ctx, func(tx *store.Tx) error {
		if err := tx.GroupCreated(store.GroupCreatedEvent{GroupID: g.ID, WaGroupID: wa, InviteLink: link, At: time.Now().UnixMilli()}); err != nil {
			return err
		}
		for _, m := range members {
			if err := tx.ParticipantJoined(g.ID, store.Member{WaID: m}, "invite_link", time.Now().UnixMilli()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	g, _ = st.GroupByID(ctx, g.ID)
	return g
}

func inviteJob(t *testing.T, st *store.Store, campaignID int64, phones []string) *store.Job {
	t.Helper()
	params, _ := json.Marshal(InviteParams{CampaignID: campaignID})
	j := &store.Job{Kind: string(jobs.KindCampaignInvites), Title: "invites", Params: params}
	if err := st.CreateJob(context.Background(), j, phones); err != nil {
		t.Fatal(err)
	}
	return j
}

func runUntilDone(t *testing.T, st *store.Store, r jobs.Runner, jobID int64) *store.Job {
	t.Helper()
	m := jobs.New(st, slog.New(slog.DiscardHandler), nil)
	m.Poll = 5 * time.Millisecond
	m.Register(jobs.KindCampaignInvites, r)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { m.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		j, err := st.JobByID(context.Background(), jobID)
		if err != nil {
			t.Fatal(err)
		}
		if !j.Active() {
			return j
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatal("job did not finish")
	return nil
}

func newCampaign(t *testing.T, st *store.Store, groupID int64) *store.Campaign {
	t.Helper()
	c := &store.Campaign{Name: "March", Slug: "march", GroupID: groupID, Enabled: true}
	if err := st.CreateCampaign(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestInvitesSkipMembers(t *testing.T) {
	st := openStore(t)
	g := activeGroup(t, st, "wa-g1", "https://chat.whatsapp.com/A", "16505550001")
	c := newCampaign(t, st, g.ID)
	wa := &fakeSender{}
	j := inviteJob(t, st, c.ID, []string{"16505550001", "16505550002", "16505550003"})
	j = runUntilDone(t, st, &Inviter{Store: st, WA: wa, Template: whatsapp.Template{Name: "group_invite_link", Language: "en_US"}}, j.ID)
	if j.Done != 2 || j.Skipped != 1 || j.Failed != 0 {
		t.Fatalf("job %+v", j)
	}
	if got := wa.sent(); len(got) != 2 || got[0] != "+16505550002" || got[1] != "+16505550003" {
		t.Fatalf("sent to %v", got)
	}
	sends, _ := st.InviteSends(context.Background(), c.ID)
	states := map[string]string{}
	for _, s := range sends {
		states[s.Phone] = s.Status()
	}
	if states["16505550001"] != "skipped" || states["16505550002"] != "sent" {
		t.Errorf("states %v", states)
	}
}

// TestInvitesResumeAfterRestart stops a job mid-way the way a crash does:
// one item was in the API call (its send marked in flight), another was
// claimed but not yet sent. After the restart the first is failed, never
// sent twice; the second and the rest are sent once.
func TestInvitesResumeAfterRestart(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	g := activeGroup(t, st, "wa-g1", "https://chat.whatsapp.com/A")
	c := newCampaign(t, st, g.ID)
	j := inviteJob(t, st, c.ID, []string{"16505550001", "16505550002", "16505550003"})

	// Item 1: claimed and in flight when the process died.
	_, it, err := st.ClaimJobItem(ctx)
	if err != nil || it.Input != "16505550001" {
		t.Fatalf("claim: %v %+v", err, it)
	}
	s1, _ := st.ClaimInviteSend(ctx, c.ID, j.ID, it.Input)
	if err := st.MarkInviteSending(ctx, s1.ID, g.ID); err != nil {
		t.Fatal(err)
	}
	// Item 2: claimed, send row created, API not called yet.
	if _, it, err = st.ClaimJobItem(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ClaimInviteSend(ctx, c.ID, j.ID, it.Input); err != nil {
		t.Fatal(err)
	}

	wa := &fakeSender{}
	j = runUntilDone(t, st, &Inviter{Store: st, WA: wa, Template: whatsapp.Template{Name: "t", Language: "en_US"}}, j.ID)
	if got := wa.sent(); len(got) != 2 || got[0] != "+16505550002" || got[1] != "+16505550003" {
		t.Fatalf("after restart sent to %v", got)
	}
	if j.Done != 2 || j.Failed != 1 {
		t.Fatalf("job %+v", j)
	}
	items, _ := st.JobItems(ctx, j.ID, 0, 10)
	if items[0].State != store.ItemFailed || items[0].Error != ErrInterrupted.Error() {
		t.Errorf("interrupted item %+v", items[0])
	}
	sends, _ := st.InviteSends(ctx, c.ID)
	if sends[0].State != store.InviteFailed || sends[1].State != store.InviteSent || sends[1].WAMID == "" {
		t.Errorf("sends %+v", sends)
	}
}

func TestInvitesFailureReason(t *testing.T) {
	st := openStore(t)
	g := activeGroup(t, st, "wa-g1", "https://chat.whatsapp.com/A")
	c := newCampaign(t, st, g.ID)
	wa := &fakeSender{fail: map[string]error{"+16505550001": &whatsapp.APIError{HTTPStatus: 400, Code: 131026, Message: "Message undeliverable"}}}
	j := inviteJob(t, st, c.ID, []string{"16505550001"})
	j = runUntilDone(t, st, &Inviter{Store: st, WA: wa, Template: whatsapp.Template{Name: "t", Language: "en_US"}}, j.ID)
	if j.Failed != 1 {
		t.Fatalf("job %+v", j)
	}
	sends, _ := st.InviteSends(context.Background(), c.ID)
	if sends[0].Status() != "failed" || sends[0].Reason() == "" {
		t.Errorf("send %+v", sends[0])
	}
}

func TestNotSent(t *testing.T) {
	tests := []struct {
		err   error
		retry bool
		min   time.Duration
	}{
		{&whatsapp.APIError{HTTPStatus: 400, Code: 131056}, true, 6 * time.Second},
		{&whatsapp.APIError{HTTPStatus: 400, Code: 130429, RetryAfter: 10 * time.Second}, true, 10 * time.Second},
		{&whatsapp.APIError{HTTPStatus: 429}, true, 2 * time.Second},
		{&whatsapp.APIError{HTTPStatus: 500, Code: 1}, false, 0}, // may have been sent
		{errors.New("connection reset"), false, 0},
	}
	for _, tt := range tests {
		after, ok := notSent(tt.err)
		if ok != tt.retry || after < tt.min {
			t.Errorf("notSent(%v) = %s, %v", tt.err, after, ok)
		}
	}
}
