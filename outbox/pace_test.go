package outbox

import (
	"context"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"groupdeck/store"
)

// The worker waits for the number's throughput before claiming a message:
// with no send allowed before the deadline, nothing is claimed or sent.
func TestPaceHoldsSendsWithinTheRate(t *testing.T) {
	f := newFixture(t)
	f.w.Pace = rate.NewLimiter(rate.Every(time.Hour), 1)
	a := f.queue(&store.Message{Kind: store.KindText, Body: "first"})
	b := f.queue(&store.Message{Kind: store.KindText, Body: "second"})
	if !f.w.SendOne(context.Background()) {
		t.Fatal("the first send was held")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if f.w.SendOne(ctx) {
		t.Fatal("a second send within the same pacing slot")
	}
	if f.msg(a.ID).State != store.MsgSent || f.msg(b.ID).State != store.MsgQueued || f.wa.count() != 1 {
		t.Errorf("states %s/%s, %d calls", f.msg(a.ID).State, f.msg(b.ID).State, f.wa.count())
	}
}

// However the sends are timed, no one-second window holds more than the
// rate: the limiter spaces them, the window check catches a send that
// the limiter would let follow a late one too closely.
func TestNewPaceNeverExceedsTheRateInAnySecond(t *testing.T) {
	const perSecond = 20
	p := NewPace(perSecond)
	var starts []time.Time
	for i := 0; i < 2*perSecond+5; i++ {
		if i == perSecond/2 {
			time.Sleep(300 * time.Millisecond) // a slow send: the next ones must not catch up in a burst
		}
		if err := p.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
		starts = append(starts, time.Now())
	}
	for i := range starts {
		n := 0
		for _, s := range starts[i:] {
			if s.Sub(starts[i]) < time.Second {
				n++
			}
		}
		if n > perSecond {
			t.Fatalf("%d sends in the second from send %d, want at most %d", n, i, perSecond)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := p.Wait(ctx); err == nil {
		t.Error("Wait on a cancelled context returned nil")
	}
}
