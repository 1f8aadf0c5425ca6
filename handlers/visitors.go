package handlers

import (
	"crypto/rand"
	"crypto/sha256"
	"sync"
	"time"
)

// recentVisitors remembers who visited which campaign link lately, so a
// visitor reloading or re-scanning a link counts once per window. A
// visitor is the client address (an IPv6 /64), the user agent and the
// link, hashed with a key made at start: nothing of it is stored on disk
// and the hashes mean nothing after a restart.
type recentVisitors struct {
	mu     sync.Mutex
	key    [32]byte
	window time.Duration
	max    int
	seen   map[[32]byte]time.Time // visitor → when the window ends
}

func newRecentVisitors(window time.Duration, max int) *recentVisitors {
	r := &recentVisitors{window: window, max: max, seen: map[[32]byte]time.Time{}}
	rand.Read(r.key[:])
	return r
}

// first reports whether this visitor has not been seen on this link within
// the window, and remembers them. When the memory is full of visitors
// still inside their window, new ones are counted without being
// remembered: the row cap of the visits table still bounds what is stored.
func (r *recentVisitors) first(addr, userAgent, campaign string, now time.Time) bool {
	h := sha256.New()
	h.Write(r.key[:])
	for _, s := range []string{addr, userAgent, campaign} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	var id [32]byte
	h.Sum(id[:0])
	r.mu.Lock()
	defer r.mu.Unlock()
	if until, ok := r.seen[id]; ok && now.Before(until) {
		return false
	}
	if len(r.seen) >= r.max {
		for k, until := range r.seen {
			if !now.Before(until) {
				delete(r.seen, k)
			}
		}
		if len(r.seen) >= r.max {
			return true
		}
	}
	r.seen[id] = now.Add(r.window)
	return true
}
