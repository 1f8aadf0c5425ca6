package web

import (
	"maps"
	"strconv"
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

func TestPublishEveryQuietTopicSendsNoTrailingEvent(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := NewHub(8)
		sub := h.Subscribe(1, "group:1")
		defer h.Unsubscribe(sub)
		h.PublishEvery("group:1", "changed", "1", 250*time.Millisecond)
		if n := received(sub); n != 1 {
			t.Fatalf("%d events at once, want 1", n)
		}
		time.Sleep(time.Second)
		if n := received(sub); n != 0 {
			t.Fatalf("a single change sent %d more events", n)
		}
		if b := h.busyTopics(); b != 0 {
			t.Fatalf("%d topics still held after a quiet interval", b)
		}
		// After the quiet spell the next change is the first of its burst
		// again and goes out at once.
		h.PublishEvery("group:1", "changed", "1", 250*time.Millisecond)
		if n := received(sub); n != 1 {
			t.Fatalf("%d events after a quiet spell, want 1 at once", n)
		}
	})
}

func TestPublishEverySustainedLoadIsPaced(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := NewHub(64)
		sub := h.Subscribe(1, "t")
		defer h.Unsubscribe(sub)
		// One change every 10 ms for a second: 100 changes.
		got := 0
		for i := 0; i < 100; i++ {
			h.PublishEvery("t", "changed", "x", 250*time.Millisecond)
			got += received(sub)
			time.Sleep(10 * time.Millisecond)
		}
		time.Sleep(time.Second)
		got += received(sub)
		// At once, then one at 250, 500, 750 and 1000 ms: never more than
		// one per interval, and the last change is not lost.
		if got != 5 {
			t.Fatalf("100 changes over a second sent %d events, want 5", got)
		}
	})
}

func TestPublishEveryTopicsWithoutSubscribersKeepNoState(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := NewHub(8)
		for i := 0; i < 10000; i++ {
			h.PublishEvery("group:"+strconv.Itoa(i), "changed", "x", 250*time.Millisecond)
		}
		if b := h.busyTopics(); b != 0 {
			t.Fatalf("%d topics nobody follows hold state", b)
		}
	})
}

func TestPublishEveryManyTopicsLeakNothing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := NewHub(8)
		const topics = 10000
		subs := make([]*Sub, topics)
		for i := range subs {
			subs[i] = h.Subscribe(1, "group:"+strconv.Itoa(i))
		}
		for round := 0; round < 3; round++ {
			for i := range subs {
				h.PublishEvery("group:"+strconv.Itoa(i), "changed", "x", 250*time.Millisecond)
			}
		}
		if b := h.busyTopics(); b != topics {
			t.Fatalf("%d busy topics, want %d", b, topics)
		}
		// Two intervals later every burst has sent its trailing event and
		// its topic has been forgotten. A timer is armed only beside an
		// entry (flush re-arms or deletes), so no entry means no timer;
		// and synctest.Test itself fails if a goroutine is left blocked.
		time.Sleep(500 * time.Millisecond)
		synctest.Wait()
		if b := h.busyTopics(); b != 0 {
			t.Fatalf("%d topics still held after their bursts ended", b)
		}
		for i, s := range subs {
			if n := received(s); n != 2 {
				t.Fatalf("topic %d got %d events, want the first and one trailing", i, n)
			}
			h.Unsubscribe(s)
		}
	})
}

func TestPublishEveryForgetsTopicWhosePageClosed(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := NewHub(8)
		sub := h.Subscribe(1, "group:7")
		h.PublishEvery("group:7", "changed", "7", 250*time.Millisecond)
		h.PublishEvery("group:7", "changed", "7", 250*time.Millisecond)
		h.Unsubscribe(sub)
		time.Sleep(300 * time.Millisecond)
		synctest.Wait()
		if b := h.busyTopics(); b != 0 {
			t.Fatalf("%d topics held for a page that closed", b)
		}
	})
}

// names drains what sub has been sent so far, by event name.
func names(sub *Sub) map[string]int {
	synctest.Wait()
	got := map[string]int{}
	for {
		select {
		case ev := <-sub.C:
			got[ev.Name]++
		default:
			return got
		}
	}
}

func TestPublishEveryCoalescesEachNameApart(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := NewHub(64)
		sub := h.Subscribe(1, "group:1")
		defer h.Unsubscribe(sub)
		every := 250 * time.Millisecond
		// A burst of receipts, with a join, a second join and one message
		// inside it.
		for i := 0; i < 100; i++ {
			h.PublishEvery("group:1", "receipts", "1", every)
			switch i {
			case 10, 60:
				h.PublishEvery("group:1", "participants", "1", every)
			case 30:
				h.PublishEvery("group:1", "messages", "1", every)
			}
			time.Sleep(time.Millisecond)
		}
		// Each name's first event went out when it happened, not held back
		// by the receipts, and no name went out twice.
		want := map[string]int{"receipts": 1, "participants": 1, "messages": 1}
		if got := names(sub); !maps.Equal(got, want) {
			t.Fatalf("inside the interval: %v, want %v", got, want)
		}
		// The trailing events are the union of the names that changed again
		// in the interval, each once: the second join is not lost, the
		// single message is not repeated.
		time.Sleep(every)
		want = map[string]int{"receipts": 1, "participants": 1}
		if got := names(sub); !maps.Equal(got, want) {
			t.Fatalf("trailing: %v, want %v", got, want)
		}
		time.Sleep(time.Second)
		if got := names(sub); len(got) != 0 {
			t.Fatalf("after the burst: %v, want nothing", got)
		}
		if b := h.busyTopics(); b != 0 {
			t.Fatalf("%d topics and names still held", b)
		}
	})
}
