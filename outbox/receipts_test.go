package outbox

import (
	"context"
	"strings"
	"testing"
	"time"

	"groupdeck/store"
)

// sendAll queues and sends n texts, returning them as stored.
func (f *fixture) sendAll(n int) []*store.Message {
	f.t.Helper()
	var out []*store.Message
	for range n {
		m := f.queue(&store.Message{Kind: store.KindText, Body: "m"})
		f.w.SendOne(context.Background())
		out = append(out, f.msg(m.ID))
	}
	return out
}

func receiptsOf(t *testing.T, f *fixture, wamid string) map[string]store.Receipt {
	t.Helper()
	rs, err := f.st.Receipts(context.Background(), f.group, wamid)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]store.Receipt{}
	for _, r := range rs {
		out[r.Member] = r
	}
	return out
}

func TestAggregatedStatuses(t *testing.T) {
	f := newFixture(t)
	ms := f.sendAll(2)
	t1, t2 := f.clock.Add(time.Second), f.clock.Add(2*time.Second)
	// One message × many participants.
	f.webhook(st(ms[0].WAMID, "delivered", "111", t1), st(ms[0].WAMID, "delivered", "222", t1), st(ms[0].WAMID, "delivered", "333", t1))
	// Many messages × one participant.
	f.webhook(st(ms[0].WAMID, "read", "111", t2), st(ms[1].WAMID, "read", "111", t2))
	a, b := f.msg(ms[0].ID), f.msg(ms[1].ID)
	if a.Delivered != 3 || a.Read != 1 || b.Delivered != 1 || b.Read != 1 {
		t.Errorf("counts: first %d/%d, second %d/%d", a.Delivered, a.Read, b.Delivered, b.Read)
	}
	r := receiptsOf(t, f, ms[0].WAMID)
	if len(r) != 3 || r["111"].DeliveredAt != t1.Unix()*1000 || r["111"].ReadAt != t2.Unix()*1000 || r["222"].ReadAt != 0 || r["111"].Name != "P111" {
		t.Errorf("receipts of the first: %+v", r)
	}
	// The second message was read by 111 without a delivered status:
	// read implies delivered, at the same time.
	r = receiptsOf(t, f, ms[1].WAMID)
	if r["111"].DeliveredAt != t2.Unix()*1000 || r["222"].DeliveredAt != 0 || !r["222"].Current {
		t.Errorf("receipts of the second: %+v", r)
	}
}

func TestStatusesBeforeTheSendAnswer(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	m := f.queue(&store.Message{Kind: store.KindText, Body: "hi"})
	if _, err := f.st.ClaimMessage(ctx); err != nil {
		t.Fatal(err)
	}
	f.webhook(st("wamid.X", "sent", "", f.clock))
	f.webhook(st("wamid.X", "read", "222", f.clock))
	if _, err := f.st.MessageSent(ctx, m.ID, "wamid.X"); err != nil {
		t.Fatal(err)
	}
	if got := f.msg(m.ID); got.State != store.MsgSent || got.Read != 1 || got.Delivered != 1 {
		t.Errorf("joined up: %+v", got)
	}

	// A group-level failure that overtakes the answer wins over it.
	m2 := f.queue(&store.Message{Kind: store.KindText, Body: "late"})
	if _, err := f.st.ClaimMessage(ctx); err != nil {
		t.Fatal(err)
	}
	f.webhook(`{"id":"wamid.Y","status":"failed","timestamp":"1","recipient_id":"G1","recipient_type":"group",
		"errors":[{"code":131207,"title":"Group suspended","message":"Group suspended"}]}`)
	if _, err := f.st.MessageSent(ctx, m2.ID, "wamid.Y"); err != nil {
		t.Fatal(err)
	}
	if got := f.msg(m2.ID); got.State != store.MsgFailed || !strings.Contains(got.Error, "131207") {
		t.Errorf("failure overtaking the answer: %+v", got)
	}
}

func TestParticipantFailureIsShownPerParticipant(t *testing.T) {
	f := newFixture(t)
	ms := f.sendAll(1)
	f.webhook(`{"id":"` + ms[0].WAMID + `","status":"failed","timestamp":"1","recipient_id":"G1","recipient_type":"group",
		"recipient_participant_id":"333","errors":[{"code":131000,"title":"Something went wrong","message":"x"}]}`)
	got := f.msg(ms[0].ID)
	if got.State != store.MsgSent || got.Failed != 1 {
		t.Errorf("message %+v", got)
	}
	if r := receiptsOf(t, f, ms[0].WAMID); !strings.Contains(r["333"].Failed, "131000") {
		t.Errorf("receipt %+v", r["333"])
	}
}
