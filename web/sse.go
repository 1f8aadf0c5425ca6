package web

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// ServeSSE streams a subscriber's events until the client goes away, the
// hub drops it, or stop is closed. It sends a comment every heartbeat so
// proxies keep the connection open.
func ServeSSE(w http.ResponseWriter, r *http.Request, sub *Sub, heartbeat time.Duration, stop <-chan struct{}) {
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("Connection", "keep-alive")
	h.Set("X-Accel-Buffering", "no") // nginx would otherwise buffer the stream
	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Time{})
	w.WriteHeader(http.StatusOK)
	// The retry hint keeps reconnects quick after a server restart.
	fmt.Fprint(w, "retry: 2000\n: connected\n\n")
	if rc.Flush() != nil {
		return
	}
	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-stop:
			return
		case <-sub.Done():
			return
		case <-tick.C:
			fmt.Fprint(w, ": ping\n\n")
		case ev := <-sub.C:
			WriteEvent(w, ev)
		}
		if rc.Flush() != nil {
			return
		}
	}
}

// WriteEvent writes one event, prefixing every line of the data with
// "data:" as the SSE format requires for multi-line payloads.
func WriteEvent(w interface{ Write([]byte) (int, error) }, ev Event) {
	var b strings.Builder
	fmt.Fprintf(&b, "id: %d\n", ev.ID)
	if ev.Name != "" {
		fmt.Fprintf(&b, "event: %s\n", ev.Name)
	}
	for _, line := range strings.Split(ev.Data, "\n") {
		b.WriteString("data: ")
		b.WriteString(line)
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	w.Write([]byte(b.String()))
}
