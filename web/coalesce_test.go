package web

import (
	"testing"
	"testing/synctest"
	"time"
)

// received drains what sub has been sent so far; synctest.Wait has let
// every timer and goroutine of the bubble settle first.
func received(sub *Sub) int {
	synctest.Wait()
	n := 0
	for {
		select {
		case <-sub.C:
			n++
		default:
			return n
		}
	}
}

func TestPublishEveryCoalesces(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := NewHub(64)
		sub := h.Subscribe(1, "t")
		defer h.Unsubscribe(sub)
		for i := 0; i < 50; i++ {
			h.PublishEvery("t", "changed", "x", 100*time.Millisecond)
		}
		// The first event goes out at once…
		if n := received(sub); n != 1 {
			t.Fatalf("%d events before any time passed, want the first one only", n)
		}
		// …the other 49 collapse into exactly one trailing event when the
		// interval ends, not before.
		time.Sleep(99 * time.Millisecond)
		if n := received(sub); n != 0 {
			t.Fatalf("%d events inside the interval, want none", n)
		}
		time.Sleep(time.Millisecond)
		if n := received(sub); n != 1 {
			t.Fatalf("%d trailing events, want 1: the last change would be lost", n)
		}
		time.Sleep(time.Second)
		if n := received(sub); n != 0 {
			t.Fatalf("a burst produced %d more events", n)
		}
		// Other topics are not held back by this one.
		other := h.Subscribe(1, "u")
		defer h.Unsubscribe(other)
		h.PublishEvery("u", "changed", "y", time.Hour)
		if n := received(other); n != 1 {
			t.Fatal("an unrelated topic was delayed")
		}
	})
}
