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
