package web

import (
	"testing"
	"time"
)

func TestPublishEveryCoalesces(t *testing.T) {
	h := NewHub(64)
	sub := h.Subscribe(1, "t")
	defer h.Unsubscribe(sub)
	for i := 0; i < 50; i++ {
		h.PublishEvery("t", "changed", "x", 100*time.Millisecond)
	}
	// The first event goes out at once…
	select {
	case <-sub.C:
	case <-time.After(time.Second):
		t.Fatal("the first event was held back")
	}
	// …the other 49 collapse into exactly one trailing event.
	select {
	case <-sub.C:
	case <-time.After(2 * time.Second):
		t.Fatal("no trailing event: the last change would be lost")
	}
	select {
	case ev := <-sub.C:
		t.Fatalf("a burst produced more than two events: %+v", ev)
	case <-time.After(300 * time.Millisecond):
	}
	// Other topics are not held back by this one.
	other := h.Subscribe(1, "u")
	defer h.Unsubscribe(other)
	h.PublishEvery("u", "changed", "y", time.Hour)
	select {
	case <-other.C:
	case <-time.After(time.Second):
		t.Fatal("an unrelated topic was delayed")
	}
}
