package handlers

import (
	"context"
	"errors"
	"sync"
	"time"

	"groupdeck/store"
	"groupdeck/web"
)

// streamWatch re-reads, every StreamRecheck, the user and session behind
// each open event stream, and drops the streams whose user was disabled,
// deleted or had their sessions ended (a new session epoch), or whose own
// session is gone (signed out, or ended from another session).
//
// One goroutine does this for every stream, running only while streams
// are open, and reads each user and session once per round however many
// tabs share it: a goroutine per stream cost 1,000 stacks and 2,000
// queries every round at 1,000 open streams.
type streamWatch struct {
	mu      sync.Mutex
	open    map[*web.Sub]streamOwner
	running bool
}

// streamOwner is who a stream was opened for.
type streamOwner struct {
	user  int64
	epoch int64 // the user's session epoch when the stream opened
	sid   string
}

// watchStream keeps an eye on sub until unwatchStream.
func (h *Handler) watchStream(sub *web.Sub, u *store.User, sid string) {
	w := &h.streams
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.open == nil {
		w.open = map[*web.Sub]streamOwner{}
	}
	w.open[sub] = streamOwner{user: u.ID, epoch: u.SessionEpoch, sid: sid}
	if !w.running {
		w.running = true
		go h.recheckStreams()
	}
}

func (h *Handler) unwatchStream(sub *web.Sub) {
	h.streams.mu.Lock()
	delete(h.streams.open, sub)
	h.streams.mu.Unlock()
}

// recheckStreams runs while any stream is open.
func (h *Handler) recheckStreams() {
	w := &h.streams
	tick := time.NewTicker(h.StreamRecheck)
	defer tick.Stop()
	for {
		select {
		case <-h.stopping:
			w.mu.Lock()
			w.running = false
			w.mu.Unlock()
			return
		case <-tick.C:
		}
		w.mu.Lock()
		if len(w.open) == 0 {
			w.running = false
			w.mu.Unlock()
			return
		}
		open := make(map[*web.Sub]streamOwner, len(w.open))
		for s, o := range w.open {
			open[s] = o
		}
		w.mu.Unlock()
		for _, s := range h.endedStreams(open) {
			h.Hub.Unsubscribe(s) // its ServeSSE returns and unwatches it
		}
	}
}

// endedStreams returns the streams whose user or session no longer
// allows them. A database error ends nothing: the next round retries.
func (h *Handler) endedStreams(open map[*web.Sub]streamOwner) []*web.Sub {
	ctx, cancel := context.WithTimeout(context.Background(), h.StreamRecheck)
	defer cancel()
	users := map[int64]*store.User{} // nil: gone
	sessions := map[string]bool{}    // false: gone
	var ended []*web.Sub
	for s, o := range open {
		u, seen := users[o.user]
		if !seen {
			var err error
			if u, err = h.Store.UserByID(ctx, o.user); err != nil && !errors.Is(err, store.ErrNotFound) {
				continue
			}
			users[o.user] = u
		}
		live, seen := sessions[o.sid]
		if !seen {
			_, err := h.Store.SessionByID(ctx, o.sid)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				continue
			}
			live = err == nil
			sessions[o.sid] = live
		}
		if u == nil || !live || u.Disabled || u.SessionEpoch != o.epoch {
			ended = append(ended, s)
		}
	}
	return ended
}
