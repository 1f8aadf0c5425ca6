package outbox

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"groupdeck/store"
	"groupdeck/whatsapp"
)

var (
	errThrottled = &whatsapp.APIError{HTTPStatus: 429, Code: 130429, Message: "Rate limit hit"}
	errNoMembers = &whatsapp.APIError{HTTPStatus: 400, Code: 131020, Message: "Bad Group"}
	errRefused   = &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	errLost      = io.ErrUnexpectedEOF // the request went out; the answer did not come back
)

func TestTransientFailureThenSuccess(t *testing.T) {
	for name, first := range map[string]error{"throttled": errThrottled, "connection refused": errRefused} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			f.wa.script = []error{first, nil}
			m := f.queue(&store.Message{Kind: store.KindText, Body: "hi", Payload: store.Payload{PreviewURL: true}})
			ctx := context.Background()
			if !f.w.SendOne(ctx) {
				t.Fatal("nothing sent")
			}
			got := f.msg(m.ID)
			if got.State != store.MsgQueued || got.Error == "" || got.Attempts != 1 {
				t.Fatalf("after a transient failure: %+v", got)
			}
			if f.w.SendOne(ctx) {
				t.Fatal("retried before the back-off ended")
			}
			f.clock = f.clock.Add(time.Second)
			if !f.w.SendOne(ctx) {
				t.Fatal("not retried after the back-off")
			}
			got = f.msg(m.ID)
			if got.State != store.MsgSent || got.WAMID != "wamid.2" || got.Error != "" || got.Attempts != 2 {
				t.Errorf("after the retry: %+v", got)
			}
			if want := `text G1 "hi" preview=true`; f.wa.calls[1] != want {
				t.Errorf("call %q, want %q", f.wa.calls[1], want)
			}
		})
	}
}

func TestBackoffDoublesAndGivesUp(t *testing.T) {
	f := newFixture(t)
	f.w.MaxAttempts = 3
	f.wa.script = []error{errThrottled, errThrottled, errThrottled}
	m := f.queue(&store.Message{Kind: store.KindText, Body: "hi"})
	ctx := context.Background()
	for i, wait := range []time.Duration{time.Second, 2 * time.Second} {
		f.w.SendOne(ctx)
		f.clock = f.clock.Add(wait - time.Millisecond)
		if f.w.SendOne(ctx) {
			t.Fatalf("attempt %d: retried before %v", i+2, wait)
		}
		f.clock = f.clock.Add(time.Millisecond)
	}
	f.w.SendOne(ctx)
	got := f.msg(m.ID)
	if got.State != store.MsgFailed || !strings.Contains(got.Error, "130429") || !strings.Contains(got.Error, "3 attempts") {
		t.Errorf("after 3 throttled attempts: %+v", got)
	}
}

func TestPermanentFailureAndRetry(t *testing.T) {
	f := newFixture(t)
	f.wa.script = []error{errNoMembers}
	m := f.queue(&store.Message{Kind: store.KindText, Body: "hi"})
	ctx := context.Background()
	f.w.SendOne(ctx)
	got := f.msg(m.ID)
	if got.State != store.MsgFailed || !strings.Contains(got.Error, "(131020)") {
		t.Fatalf("permanent failure: %+v", got)
	}
	if f.w.SendOne(ctx) || f.wa.count() != 1 {
		t.Fatal("a permanent failure was retried on its own")
	}
	if err := f.st.RetryMessage(ctx, f.group, m.ID); err != nil {
		t.Fatal(err)
	}
	f.w.SendOne(ctx)
	if got := f.msg(m.ID); got.State != store.MsgSent || got.Error != "" {
		t.Errorf("after Retry: %+v", got)
	}
	if err := f.st.RetryMessage(ctx, f.group, m.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("retrying a sent message: %v", err)
	}
}

// A crash after the claim but before the call: nothing reached WhatsApp.
// The restart must not resend on its own (it cannot know), and must not
// lose the message: it waits, then fails with a reason, and Retry sends it
// exactly once.
func TestCrashBeforeSendNeitherDuplicatesNorLoses(t *testing.T) {
	f := newFixture(t)
	m := f.queue(&store.Message{Kind: store.KindText, Body: "hi"})
	ctx := context.Background()
	if _, err := f.st.ClaimMessage(ctx); err != nil {
		t.Fatal(err)
	}
	f.crash()
	f.w.Recover(ctx)
	if got := f.msg(m.ID); got.State != store.MsgSending || !got.InDoubt || got.Error != store.ReasonInterrupted {
		t.Fatalf("after restart: %+v", got)
	}
	if f.w.SendOne(ctx) || f.wa.count() != 0 {
		t.Fatal("an in-doubt message was resent blindly")
	}
	f.clock = f.clock.Add(f.w.DoubtGrace + time.Second)
	f.w.expire(ctx)
	if got := f.msg(m.ID); got.State != store.MsgFailed || got.Error != store.ReasonUnconfirmed {
		t.Fatalf("after the grace period: %+v", got)
	}
	if err := f.st.RetryMessage(ctx, f.group, m.ID); err != nil {
		t.Fatal(err)
	}
	f.w.SendOne(ctx)
	if got := f.msg(m.ID); got.State != store.MsgSent || f.wa.count() != 1 {
		t.Errorf("after Retry: %+v, %d calls", got, f.wa.count())
	}
}

// A crash after WhatsApp accepted the message but before its id was
// recorded: the status webhooks prove it was sent, and the message takes
// their id, so its receipts appear, without a second send.
func TestCrashAfterSendIsReconciledByStatusWebhook(t *testing.T) {
	for _, early := range []bool{false, true} {
		name := "status after restart"
		if early {
			name = "status before the crash"
		}
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			m := f.queue(&store.Message{Kind: store.KindText, Body: "hi"})
			ctx := context.Background()
			claimed, err := f.st.ClaimMessage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			res, _ := f.wa.SendText(ctx, waGroup, claimed.Body, false) // accepted as wamid.1
			if early {
				f.webhook(st(res.MessageID, "sent", "", f.clock))
			}
			f.crash()
			f.w.Recover(ctx)
			if !early {
				if got := f.msg(m.ID); got.State != store.MsgSending || !got.InDoubt {
					t.Fatalf("after restart: %+v", got)
				}
				f.clock = f.clock.Add(3 * time.Second)
				f.webhook(st(res.MessageID, "sent", "", f.clock))
			}
			f.webhook(st(res.MessageID, "delivered", "111", f.clock), st(res.MessageID, "delivered", "222", f.clock))
			got := f.msg(m.ID)
			if got.State != store.MsgSent || got.WAMID != res.MessageID || got.InDoubt || got.Delivered != 2 {
				t.Fatalf("after the status webhook: %+v", got)
			}
			if f.w.SendOne(ctx) || f.wa.count() != 1 {
				t.Errorf("sent %d times", f.wa.count())
			}
		})
	}
}

// A lost answer (the connection broke after the request went out) is the
// same situation without a crash.
func TestLostAnswerWaitsForStatus(t *testing.T) {
	f := newFixture(t)
	f.wa.script = []error{errLost}
	m := f.queue(&store.Message{Kind: store.KindText, Body: "hi"})
	ctx := context.Background()
	f.w.SendOne(ctx)
	if got := f.msg(m.ID); got.State != store.MsgSending || !got.InDoubt || got.Error != store.ReasonNoAnswer {
		t.Fatalf("after a lost answer: %+v", got)
	}
	if f.w.SendOne(ctx) {
		t.Fatal("resent after a lost answer")
	}
	f.webhook(st("wamid.1", "read", "333", f.clock)) // read without delivered, no "sent" first
	if got := f.msg(m.ID); got.State != store.MsgSent || got.WAMID != "wamid.1" || got.Read != 1 || got.Delivered != 1 {
		t.Errorf("after the status: %+v", got)
	}
}

// While another message of the group is being sent, a status overtaking
// its answer must not be taken for the in-doubt one's.
func TestInDoubtIgnoresStatusOfMessageInFlight(t *testing.T) {
	f := newFixture(t)
	f.wa.script = []error{errLost}
	a := f.queue(&store.Message{Kind: store.KindText, Body: "a"})
	b := f.queue(&store.Message{Kind: store.KindText, Body: "b"})
	ctx := context.Background()
	f.w.SendOne(ctx) // a: in doubt (WhatsApp has it as wamid.1)
	claimed, err := f.st.ClaimMessage(ctx)
	if err != nil || claimed.ID != b.ID {
		t.Fatal(claimed, err)
	}
	res, _ := f.wa.SendText(ctx, waGroup, "b", false) // wamid.2
	f.webhook(st(res.MessageID, "sent", "", f.clock)) // overtakes b's answer
	if got := f.msg(a.ID); got.WAMID != "" {
		t.Fatalf("a took b's id: %+v", got)
	}
	if _, err := f.st.MessageSent(ctx, b.ID, res.MessageID); err != nil {
		t.Fatal(err)
	}
	f.webhook(st("wamid.1", "sent", "", f.clock))
	if got := f.msg(a.ID); got.WAMID != "wamid.1" || got.State != store.MsgSent {
		t.Errorf("a: %+v", got)
	}
	if got := f.msg(b.ID); got.WAMID != "wamid.2" || got.State != store.MsgSent {
		t.Errorf("b: %+v", got)
	}
}

func TestEveryKindCallsTheRightEndpoint(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	target := f.queue(&store.Message{Kind: store.KindText, Body: "pin me"})
	msgs := []*store.Message{
		{Kind: "image", Body: "a cat", MediaID: "M1", MediaMime: "image/png", MediaName: "cat.png"},
		{Kind: "document", Body: "", MediaID: "M2", MediaMime: "application/pdf", MediaName: "terms.pdf"},
		{Kind: "sticker", MediaID: "M3", MediaMime: "image/webp"},
		{Kind: store.KindTemplate, Body: "welcome", Payload: store.Payload{Template: "welcome", Language: "en_US", Params: []string{"Ana", "Friday"}}},
		{Kind: store.KindPin, Payload: store.Payload{Target: "wamid.1", Days: 7}},
		{Kind: store.KindUnpin, Payload: store.Payload{Target: "wamid.1"}},
	}
	for _, m := range msgs {
		f.queue(m)
	}
	for f.w.SendOne(ctx) {
	}
	want := []string{
		`text G1 "pin me" preview=false`,
		`image G1 id=M1 caption="a cat" file=""`,
		`document G1 id=M2 caption="" file="terms.pdf"`,
		`sticker G1 id=M3 caption="" file=""`,
		`template G1 welcome/en_US [Ana,Friday]`,
		`pin G1 wamid.1 7`,
		`unpin G1 wamid.1`,
	}
	if strings.Join(f.wa.calls, "\n") != strings.Join(want, "\n") {
		t.Errorf("calls:\n%s\nwant:\n%s", strings.Join(f.wa.calls, "\n"), strings.Join(want, "\n"))
	}
	if got := f.msg(target.ID); got.PinnedAt != 0 {
		t.Errorf("still pinned after unpin: %+v", got)
	}
}

func TestFourthPinUnpinsTheOldest(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	var ids []int64
	for i := range 4 {
		m := f.queue(&store.Message{Kind: store.KindText, Body: "m"})
		f.w.SendOne(ctx)
		ids = append(ids, m.ID)
		_ = i
	}
	for i, id := range ids {
		f.clock = f.clock.Add(time.Second)
		f.queue(&store.Message{Kind: store.KindPin, Payload: store.Payload{Target: f.msg(id).WAMID, Days: 1 + i}})
		f.w.SendOne(ctx)
	}
	pinned, err := f.st.Pinned(ctx, f.group)
	if err != nil {
		t.Fatal(err)
	}
	if len(pinned) != 3 || pinned[0].ID != ids[3] || pinned[2].ID != ids[1] {
		t.Errorf("pinned %+v", pinned)
	}
}

func TestJobItemQueuesOnce(t *testing.T) {
	f := newFixture(t)
	a := f.queue(&store.Message{Kind: store.KindText, Body: "x", JobItemID: 42})
	b := f.queue(&store.Message{Kind: store.KindText, Body: "x", JobItemID: 42})
	if a.ID == 0 || a.ID != b.ID {
		t.Errorf("queued twice: %d, %d", a.ID, b.ID)
	}
}
