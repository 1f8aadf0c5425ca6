package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

func TestHubDropsSlowSubscriberWithoutBlocking(t *testing.T) {
	h := NewHub(2)
	slow := h.Subscribe(1, "g")
	fast := h.Subscribe(2, "g")
	done := make(chan struct{})
	go func() {
		for i := 0; i < 100; i++ {
			h.Publish("g", "changed", "x")
			select { // the fast one keeps reading
			case <-fast.C:
			default:
			}
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("a full subscriber stalled the publisher")
	}
	select {
	case <-slow.Done():
	default:
		t.Error("the slow subscriber was not dropped")
	}
	if h.Count("g") != 1 {
		t.Errorf("subscribers left %d, want the fast one", h.Count("g"))
	}
}

func TestHubIDsTopicsAndDropOwner(t *testing.T) {
	h := NewHub(8)
	a := h.Subscribe(1, "group:1", "global")
	b := h.Subscribe(2, "group:2")
	id1 := h.Publish("group:1", "changed", "1")
	id2 := h.Publish("global", "changed", "g")
	if id2 <= id1 {
		t.Errorf("ids not increasing: %d %d", id1, id2)
	}
	if len(a.C) != 2 || len(b.C) != 0 {
		t.Errorf("delivered %d to a, %d to b", len(a.C), len(b.C))
	}
	h.DropOwner(1)
	select {
	case <-a.Done():
	default:
		t.Error("DropOwner left the stream open")
	}
	if h.Count("global") != 0 || h.Count("group:2") != 1 {
		t.Error("DropOwner removed the wrong subscribers")
	}
	h.Unsubscribe(a) // twice is safe
}

func TestServeSSEHeadersEventsAndEnd(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		serveSSEHeadersEventsAndEnd(t)
	})
}

func serveSSEHeadersEventsAndEnd(t *testing.T) {
	h := NewHub(8)
	sub := h.Subscribe(1, "t")
	rec := httptest.NewRecorder()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req := httptest.NewRequest(http.MethodGet, "/events", nil).WithContext(ctx)
	h.Publish("t", "changed", "line1\nline2")
	served := make(chan struct{})
	go func() { ServeSSE(rec, req, sub, time.Hour, nil, nil); close(served) }()
	synctest.Wait()
	select {
	case <-served:
		t.Fatal("stream ended while still subscribed")
	default:
	}
	h.Unsubscribe(sub)
	synctest.Wait()
	select {
	case <-served:
	default:
		t.Fatal("stream did not end when the subscriber was dropped")
	}
	if ct := rec.Header().Get("Content-Type"); ct != "text/event-stream" {
		t.Errorf("content type %q", ct)
	}
	body := rec.Body.String()
	for _, want := range []string{"retry: 2000", "id: 1\n", "event: changed\n", "data: line1\ndata: line2\n\n"} {
		if !strings.Contains(body, want) {
			t.Errorf("stream lacks %q:\n%s", want, body)
		}
	}
}
