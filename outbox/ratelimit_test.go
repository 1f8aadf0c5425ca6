package outbox

import (
	"context"
	"testing"
	"time"

	"groupdeck/store"
	"groupdeck/whatsapp"
)

// Meta's send limits are retried, each after the wait it calls for: the
// server's Retry-After when named, at least the pair-rate interval for
// 131056, the doubling back-off for throughput (130429).
func TestSendLimitsRetryAfterTheirWait(t *testing.T) {
	tests := []struct {
		name string
		err  error
		wait time.Duration
	}{
		{"throughput", &whatsapp.APIError{HTTPStatus: 400, Code: whatsapp.CodeThroughputLimit}, time.Second},
		{"pair rate", &whatsapp.APIError{HTTPStatus: 400, Code: whatsapp.CodePairRateLimit}, whatsapp.PairRateInterval},
		{"retry-after", &whatsapp.APIError{HTTPStatus: 429, Code: whatsapp.CodeGroupRateLimit, RetryAfter: 40 * time.Second}, 40 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.wa.script = []error{tt.err, nil}
			m := f.queue(&store.Message{Kind: store.KindText, Body: "hi"})
			ctx := context.Background()
			f.w.SendOne(ctx)
			if got := f.msg(m.ID); got.State != store.MsgQueued || got.Attempts != 1 {
				t.Fatalf("after the limit: %+v", got)
			}
			f.clock = f.clock.Add(tt.wait - time.Millisecond)
			if f.w.SendOne(ctx) {
				t.Fatalf("retried before %v", tt.wait)
			}
			f.clock = f.clock.Add(time.Millisecond)
			if !f.w.SendOne(ctx) {
				t.Fatalf("not retried after %v", tt.wait)
			}
			if got := f.msg(m.ID); got.State != store.MsgSent {
				t.Errorf("after the retry: %+v", got)
			}
		})
	}
}
