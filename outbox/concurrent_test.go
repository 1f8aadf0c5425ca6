package outbox

import (
	"fmt"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"groupdeck/store"
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
