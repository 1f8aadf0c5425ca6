package outbox

import (
	"context"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
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

// The pacer is safe for concurrent use: waits from many goroutines (run
// with -race) still never put more than the rate in any second, and a
// waiter whose context ends gives up without taking a send.
func TestPaceConcurrentWaitsKeepTheRate(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const perSecond = 20
		p := NewPace(perSecond)
		var mu sync.Mutex
		var starts []time.Time
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				for range 10 {
					if err := p.Wait(context.Background()); err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					starts = append(starts, time.Now())
					mu.Unlock()
				}
			})
		}
		wg.Go(func() {
			// Behind the seven others waiting: a turn is ≥ 350 ms away.
			time.Sleep(time.Second)
			ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
			defer cancel()
			if err := p.Wait(ctx); err == nil {
				t.Error("a wait whose context ended took a send")
			}
		})
		wg.Wait()
		slices.SortFunc(starts, time.Time.Compare)
		if len(starts) != 80 {
			t.Fatalf("%d sends, want 80", len(starts))
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
		if took := starts[79].Sub(starts[0]); took < 3900*time.Millisecond || took > 4200*time.Millisecond {
			t.Errorf("80 sends at 20/s took %v, want about 4 s", took)
		}
	})
}
