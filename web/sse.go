package web

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// sseWriteTimeout bounds one write to a stream: a client that stops
// reading is let go instead of holding its stream's goroutine.
const sseWriteTimeout = 10 * time.Second

// ServeSSE streams a subscriber's events until the client goes away, the
// hub drops it, or stop is closed, then calls done. It sends a comment
// every heartbeat so proxies keep the connection open, and a write to a
// client that went away fails there at the latest.
//
// On an HTTP/1.x connection it takes the connection over from net/http
// and serves it on a goroutine of its own, returning at once: a request
// goroutine parked for hours keeps the stack it grew in the middleware
// (session and user reads go through SQLite, whose frames are deep), a
// second goroutine reading in the background and 8 KB of buffers, which
// at a thousand open pages was a third of resident memory (README,
// "Memory"). Elsewhere
// (HTTP/2, a test recorder) it serves inline and returns at the end.
func ServeSSE(w http.ResponseWriter, r *http.Request, sub *Sub, heartbeat time.Duration, stop <-chan struct{}, done func()) {
	if done == nil {
		done = func() {}
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // nginx would otherwise buffer the stream
	// The retry hint keeps reconnects quick after a server restart.
	const hello = "retry: 2000\n: connected\n\n"
	if r.ProtoMajor == 1 {
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			// The body runs until the connection closes: no length, no
			// chunking, so the server must say it closes the connection.
			var head bytes.Buffer
			fmt.Fprintf(&head, "HTTP/%d.%d 200 OK\r\n", r.ProtoMajor, r.ProtoMinor)
			h.Set("Connection", "close")
			h.Write(&head)
			head.WriteString("\r\n" + hello)
			_ = conn.SetDeadline(time.Time{})
			s := &stream{write: func(b []byte) error {
				_ = conn.SetWriteDeadline(time.Now().Add(sseWriteTimeout))
				_, err := conn.Write(b)
				return err
			}, sub: sub, heartbeat: heartbeat, stop: stop}
			// A client that hangs up is noticed at once by a read that
			// ends (browsers send nothing on an event stream), not only
			// at the next write.
			gone := make(chan struct{})
			go func() {
				defer close(gone)
				var b [64]byte
				for {
					if _, err := conn.Read(b[:]); err != nil {
						return
					}
				}
			}()
			go func() {
				defer done()
				defer conn.Close() // which ends the read above
				if s.write(head.Bytes()) == nil {
					s.run(gone)
				}
			}()
			return
		}
	}
	defer done()
	h.Set("Connection", "keep-alive")
	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Time{})
	w.WriteHeader(http.StatusOK)
	s := &stream{write: func(b []byte) error {
		if _, err := w.Write(b); err != nil {
			return err
		}
		return rc.Flush()
	}, sub: sub, heartbeat: heartbeat, stop: stop}
	if s.write([]byte(hello)) == nil {
		s.run(r.Context().Done())
	}
}

// stream is one open event stream.
type stream struct {
	write     func([]byte) error
	sub       *Sub
	heartbeat time.Duration
	stop      <-chan struct{}
}

// run writes events and heartbeats until a write fails, the subscriber
// is dropped, stop is closed or gone is.
func (s *stream) run(gone <-chan struct{}) {
	tick := time.NewTicker(s.heartbeat)
	defer tick.Stop()
	for {
		var b []byte
		select {
		case <-gone:
			return
		case <-s.stop:
			return
		case <-s.sub.Done():
			return
		case <-tick.C:
			b = []byte(": ping\n\n")
		case ev := <-s.sub.C:
			b = AppendEvent(nil, ev)
		}
		if s.write(b) != nil {
			return
		}
	}
}

// WriteEvent writes one event (see AppendEvent).
func WriteEvent(w interface{ Write([]byte) (int, error) }, ev Event) {
	w.Write(AppendEvent(nil, ev))
}

// AppendEvent appends one event to b, prefixing every line of the data
// with "data:" as the SSE format requires for multi-line payloads.
func AppendEvent(b []byte, ev Event) []byte {
	b = append(b, "id: "...)
	b = strconv.AppendUint(b, ev.ID, 10)
	b = append(b, '\n')
	if ev.Name != "" {
		b = append(b, "event: "...)
		b = append(b, ev.Name...)
		b = append(b, '\n')
	}
	for line := range strings.SplitSeq(ev.Data, "\n") {
		b = append(b, "data: "...)
		b = append(b, line...)
		b = append(b, '\n')
	}
	return append(b, '\n')
}
