package outbox

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"groupdeck/store"
	"groupdeck/whatsapp"
)

// With each Cloud API call taking 200 ms, sending one at a time would
// manage 5 a second; 1,000 groups at rate 80 must take about 1,000/80 s,
// never more than 80 calls in any second, each group's message once.
func TestManySendsInFlightReachTheRate(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		wa := &slowWA{delay: 200 * time.Millisecond}
		m := newMany(t, 1000, 80, wa)
		defer m.st.Close()
		idx := make([]int, 1000)
		for i := range idx {
			idx[i] = i
		}
		queued := m.queue(0, idx...)
		start := time.Now()
		calls := m.run(wa, nil)
		if len(calls) != 1000 {
			t.Fatalf("%d calls, want 1000", len(calls))
		}
		took := calls[len(calls)-1].start.Sub(start)
		// 1,000/80 = 12.5 s; the pacer's 20 ms slack per window adds ~2 %.
		if took < 12*time.Second || took > 13*time.Second {
			t.Errorf("the last send started after %v, want about 12.5 s", took)
		}
		if most := maxInAnySecond(calls); most > 80 {
			t.Errorf("%d calls in one second, want at most 80", most)
		}
		seen := map[string]bool{}
		for _, c := range calls {
			if seen[c.group] {
				t.Fatalf("group %s called twice", c.group)
			}
			seen[c.group] = true
		}
		for i, q := range queued {
			if got := m.state(i, q.ID); got.State != store.MsgSent || got.WAMID == "" {
				t.Fatalf("message %d: %s %q", i, got.State, got.WAMID)
			}
		}
	})
}

// Messages to one group go in the order they were queued, one at a time:
// the next starts only after the previous one's answer is recorded.
func TestOneGroupInOrderOneAtATime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		wa := &slowWA{delay: 300 * time.Millisecond}
		m := newMany(t, 20, 80, wa)
		defer m.st.Close()
		var idx []int
		for i := range 20 {
			idx = append(idx, 0, i) // group 0 gets every other message
		}
		m.queue(0, idx...)
		calls := m.run(wa, nil)
		if len(wa.overlap) > 0 {
			t.Fatalf("two sends to one group under way at once: %v", wa.overlap)
		}
		var bodies []string
		var prev sendCall
		for _, c := range calls {
			if c.group != "G0" {
				continue
			}
			if !prev.end.IsZero() && c.start.Before(prev.end) {
				t.Errorf("%s started at %v, before %s ended at %v", c.body, c.start, prev.body, prev.end)
			}
			bodies, prev = append(bodies, c.body), c
		}
		var want []string
		for i, g := range idx {
			if g == 0 {
				want = append(want, fmt.Sprintf("m%02d", i))
			}
		}
		if !slices.Equal(bodies, want) {
			t.Errorf("group 0 got %v, want %v", bodies, want)
		}
		if len(calls) != len(idx) {
			t.Errorf("%d calls, want %d", len(calls), len(idx))
		}
	})
}

// A limit on the whole number pauses every send for its wait: the sends
// already under way when the first refusal comes back may be refused
// too, but none starts until the pause ends, so one refusal is not
// followed by a second's worth of others. Every message still goes once.
func TestNumberWideLimitPausesEverySend(t *testing.T) {
	tests := []struct {
		name  string
		err   error
		pause time.Duration
	}{
		{"throughput 130429", &whatsapp.APIError{HTTPStatus: 400, Code: whatsapp.CodeThroughputLimit}, time.Second},
		{"429 with Retry-After", &whatsapp.APIError{HTTPStatus: 429, Code: whatsapp.CodeGroupRateLimit, RetryAfter: 3 * time.Second}, 3 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				// WhatsApp refuses every send that starts within the
				// second after the 10th started.
				wa := &slowWA{delay: 200 * time.Millisecond}
				var from time.Time
				wa.answer = func(n int, _ string, start time.Time) error {
					if n == 10 {
						from = start
					}
					if n >= 10 && start.Sub(from) < time.Second {
						return tt.err
					}
					return nil
				}
				m := newMany(t, 300, 80, wa)
				defer m.st.Close()
				idx := make([]int, 300)
				for i := range idx {
					idx[i] = i
				}
				m.queue(0, idx...)
				calls := m.run(wa, nil)
				heard := calls[10].end
				refused, sent := 0, map[string]int{}
				for _, c := range calls {
					if c.err != nil {
						refused++
						if c.start.After(heard) {
							t.Errorf("a send started at %v, after the first refusal came back at %v", c.start, heard)
						}
						continue
					}
					sent[c.group]++
					if c.start.After(heard) && c.start.Before(heard.Add(tt.pause)) {
						t.Errorf("a send started %v after the refusal, inside the %v pause", c.start.Sub(heard), tt.pause)
					}
				}
				// Only the sends under way when it came: 200 ms at 80/s.
				if refused == 0 || refused > 17 {
					t.Errorf("%d refusals, want the ~16 under way at the first one", refused)
				}
				if len(sent) != 300 {
					t.Errorf("%d groups got their message, want 300", len(sent))
				}
				for g, n := range sent {
					if n != 1 {
						t.Errorf("group %s got %d messages", g, n)
					}
				}
			})
		})
	}
}

// The pair rate (131056) limits one recipient, the group: its message
// waits at least 6 s, the group's next one waits behind it in order,
// and the other groups go on without a pause.
func TestPairRateHoldsOnlyItsGroup(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		wa := &slowWA{delay: 200 * time.Millisecond}
		refused := false
		wa.answer = func(_ int, g string, _ time.Time) error {
			if g == "G0" && !refused {
				refused = true
				return &whatsapp.APIError{HTTPStatus: 400, Code: whatsapp.CodePairRateLimit}
			}
			return nil
		}
		m := newMany(t, 200, 80, wa)
		defer m.st.Close()
		idx := []int{0, 0}
		for i := 1; i < 200; i++ {
			idx = append(idx, i)
		}
		m.queue(0, idx...)
		calls := m.run(wa, nil)
		var g0 []sendCall
		for _, c := range calls {
			if c.group == "G0" {
				g0 = append(g0, c)
			}
		}
		if len(g0) != 3 || g0[0].body != "m00" || g0[1].body != "m00" || g0[2].body != "m01" {
			t.Fatalf("group 0's calls: %+v", g0)
		}
		if wait := g0[1].start.Sub(g0[0].end); wait < whatsapp.PairRateInterval {
			t.Errorf("retried after %v, want at least %v", wait, whatsapp.PairRateInterval)
		}
		after := 0
		for _, c := range calls {
			if c.group != "G0" && c.start.After(g0[0].end) && c.start.Before(g0[0].end.Add(time.Second)) {
				after++
			}
		}
		if after < 70 {
			t.Errorf("%d sends to other groups in the second after the refusal, want ~80", after)
		}
	})
}

// Canceling a send to many takes back every message not yet claimed,
// while sends are under way: those are never sent, the rest once.
func TestCancelWhileSendsAreInFlight(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		wa := &slowWA{delay: 400 * time.Millisecond}
		m := newMany(t, 400, 80, wa)
		defer m.st.Close()
		idx := make([]int, 400)
		for i := range idx {
			idx[i] = i
		}
		const job = 7
		queued := m.queue(job*1_000_000, idx...)
		var canceledAt time.Time
		calls := m.run(wa, func(elapsed time.Duration) {
			if canceledAt.IsZero() && elapsed >= 2*time.Second {
				if err := m.st.CancelJob(context.Background(), job); err != nil {
					t.Fatal(err)
				}
				canceledAt = time.Now()
			}
		})
		called := map[string]int{}
		late := 0
		for _, c := range calls {
			called[c.group]++
			if c.start.After(canceledAt) {
				late++
			}
		}
		if late > 1 { // the one claimed and waiting for the pacer may still go
			t.Errorf("%d sends started after the cancel", late)
		}
		sent, canceled := 0, 0
		for i, q := range queued {
			got, g := m.state(i, q.ID), fmt.Sprintf("G%d", i)
			switch {
			case got.State == store.MsgSent && called[g] == 1:
				sent++
			case got.State == store.MsgFailed && got.Error == store.ReasonCanceled && called[g] == 0:
				canceled++
			default:
				t.Fatalf("message %d: %s %q, called %d times", i, got.State, got.Error, called[g])
			}
		}
		if sent < 100 || canceled < 200 {
			t.Errorf("%d sent, %d canceled: want ~2 s worth sent, the rest canceled", sent, canceled)
		}
	})
}

// Stopping the worker waits for the sends under way: each is recorded
// (cut short, it is unconfirmed, never resent on its own), none is left
// "sending" as if still under way, and the queued ones stay queued.
func TestShutdownRecordsSendsInFlight(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		wa := &slowWA{delay: 500 * time.Millisecond}
		m := newMany(t, 200, 80, wa)
		defer m.st.Close()
		idx := make([]int, 200)
		for i := range idx {
			idx[i] = i
		}
		queued := m.queue(0, idx...)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() {
			defer close(done)
			m.w.Run(ctx)
		}()
		time.Sleep(time.Second)
		cancel()
		<-done
		calls := wa.snapshot()
		called := map[string]bool{}
		for _, c := range calls {
			if c.end.IsZero() {
				t.Fatalf("Run returned with a call to %s under way", c.group)
			}
			called[c.group] = true
		}
		var sent, doubt, still int
		for i, q := range queued {
			got := m.state(i, q.ID)
			switch {
			case got.State == store.MsgSent && called[fmt.Sprintf("G%d", i)]:
				sent++
			case got.State == store.MsgSending && got.InDoubt && got.Error == store.ReasonInterrupted:
				doubt++
			case got.State == store.MsgQueued && !called[fmt.Sprintf("G%d", i)]:
				still++
			default:
				t.Fatalf("message %d after shutdown: %s in doubt %v %q", i, got.State, got.InDoubt, got.Error)
			}
		}
		if doubt == 0 || sent == 0 || still == 0 || sent+doubt != len(calls) {
			t.Errorf("%d sent, %d unconfirmed, %d queued, %d calls", sent, doubt, still, len(calls))
		}
	})
}
