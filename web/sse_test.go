package web

import (
	"bufio"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestServeSSEOverAConnectionItTookOver serves a real HTTP/1.1
// connection: the handler returns at once, the stream goes on, and it
// ends (calling done) when the client hangs up or the server stops.
func TestServeSSEOverAConnectionItTookOver(t *testing.T) {
	h := NewHub(8)
	stop := make(chan struct{})
	ended := make(chan *Sub, 2)
	returned := make(chan struct{}, 2)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'") // set by middleware before
		sub := h.Subscribe(1, "t")
		ServeSSE(w, r, sub, time.Hour, stop, func() { h.Unsubscribe(sub); ended <- sub })
		returned <- struct{}{}
	}))
	defer srv.Close()

	open := func() (*http.Response, *bufio.Reader) {
		t.Helper()
		res, err := http.Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		select {
		case <-returned:
		case <-time.After(5 * time.Second):
			t.Fatal("the handler did not return while the stream is open")
		}
		return res, bufio.NewReader(res.Body)
	}
	res, r := open()
	for k, want := range map[string]string{"Content-Type": "text/event-stream", "Cache-Control": "no-store",
		"Content-Security-Policy": "default-src 'self'"} {
		if got := res.Header.Get(k); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
	readUntil := func(r *bufio.Reader, want string) {
		t.Helper()
		var got strings.Builder
		for !strings.Contains(got.String(), want) {
			line, err := r.ReadString('\n')
			if err != nil {
				t.Fatalf("stream ended before %q (%v):\n%s", want, err, got.String())
			}
			got.WriteString(line)
		}
	}
	readUntil(r, ": connected\n")
	waitCount := func(n int) {
		t.Helper()
		for deadline := time.Now().Add(5 * time.Second); h.Count("t") != n; time.Sleep(5 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%d subscribers, want %d", h.Count("t"), n)
			}
		}
	}
	waitCount(1)
	h.Publish("t", "changed", "a\nb")
	readUntil(r, "event: changed\ndata: a\ndata: b\n\n")

	// The client hangs up: noticed without any write.
	res.Body.Close()
	select {
	case <-ended:
	case <-time.After(5 * time.Second):
		t.Fatal("a closed client's stream did not end")
	}
	waitCount(0)

	// The server stops: the stream ends and the client sees the end.
	res, r = open()
	readUntil(r, ": connected\n")
	close(stop)
	select {
	case <-ended:
	case <-time.After(5 * time.Second):
		t.Fatal("stop did not end the stream")
	}
	// What is left is the end of the hello, then the connection's end.
	if rest, err := io.ReadAll(r); err != nil || string(rest) != "\n" {
		t.Errorf("after the stream ended: %q, %v", rest, err)
	}
	res.Body.Close()
}
