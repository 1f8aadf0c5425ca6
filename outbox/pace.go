package outbox

import (
	"context"
	"time"

	"golang.org/x/time/rate"
)

// Pacer holds each send until the number's throughput allows it.
// *rate.Limiter is one.
type Pacer interface {
	Wait(ctx context.Context) error
}

// windowSlack widens the one-second window a little: Meta counts sends
// when they arrive, and a send delayed on its way (a slow fsync before
// it, a busy core) must not make the next one land in its second.
const windowSlack = 20 * time.Millisecond

// pace spaces sends evenly at perSecond and, on top, never starts one
// while perSecond others started within the last second (plus the slack):
// "never above the rate" holds for any one-second window, not only on
// average.
type pace struct {
	lim    *rate.Limiter
	starts []time.Time // the last len(starts) sends, a ring
	next   int
}

// NewPace returns the pacer for a number allowed perSecond messages a
// second (GROUPDECK_SEND_RATE); below 1, DefaultRate.
func NewPace(perSecond int) Pacer {
	if perSecond < 1 {
		perSecond = DefaultRate
	}
	return &pace{lim: rate.NewLimiter(rate.Limit(perSecond), 1), starts: make([]time.Time, perSecond)}
}

// Wait is called by the one worker goroutine only.
func (p *pace) Wait(ctx context.Context) error {
	if err := p.lim.Wait(ctx); err != nil {
		return err
	}
	if oldest := p.starts[p.next]; !oldest.IsZero() {
		if d := time.Until(oldest.Add(time.Second + windowSlack)); d > 0 {
			t := time.NewTimer(d)
			select {
			case <-ctx.Done():
				t.Stop()
				return ctx.Err()
			case <-t.C:
			}
		}
	}
	p.starts[p.next] = time.Now()
	p.next = (p.next + 1) % len(p.starts)
	return nil
}
