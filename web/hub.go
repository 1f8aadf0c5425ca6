// Package web is groupdeck's HTTP plumbing: it knows nothing of groups.
package web

import (
	"sync"
	"sync/atomic"
)

// Event is one server-sent event.
type Event struct {
	ID   uint64
	Name string
	Data string
}

// Sub is one subscriber: a browser's event stream.
type Sub struct {
	C      chan Event
	topics []string
	once   sync.Once
	done   chan struct{}
	Owner  int64 // the user behind the stream, so their streams can be ended
}

// Done is closed when the hub dropped this subscriber.
func (s *Sub) Done() <-chan struct{} { return s.done }

// Hub fans events out to subscribers by topic. Publish never blocks: a
// subscriber whose buffer is full is dropped, and its browser reconnects
// and re-fetches, which is cheaper than stalling every publisher.
type Hub struct {
	mu       sync.Mutex
	subs     map[string]map[*Sub]struct{}
	nextID   atomic.Uint64
	buffer   int
	coalesce coalescer
}

// NewHub returns a hub whose subscribers buffer up to buffer events.
func NewHub(buffer int) *Hub {
	if buffer <= 0 {
		buffer = 32
	}
	return &Hub{subs: map[string]map[*Sub]struct{}{}, buffer: buffer}
}

// Subscribe registers a subscriber to the given topics.
func (h *Hub) Subscribe(owner int64, topics ...string) *Sub {
	s := &Sub{C: make(chan Event, h.buffer), topics: topics, done: make(chan struct{}), Owner: owner}
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, t := range topics {
		if h.subs[t] == nil {
			h.subs[t] = map[*Sub]struct{}{}
		}
		h.subs[t][s] = struct{}{}
	}
	return s
}

// Unsubscribe removes a subscriber; calling it twice is safe.
func (h *Hub) Unsubscribe(s *Sub) {
	h.mu.Lock()
	h.remove(s)
	h.mu.Unlock()
}

func (h *Hub) remove(s *Sub) {
	for _, t := range s.topics {
		delete(h.subs[t], s)
		if len(h.subs[t]) == 0 {
			delete(h.subs, t)
		}
	}
	s.once.Do(func() { close(s.done) })
}

// Publish sends an event to every subscriber of topic and returns its id.
func (h *Hub) Publish(topic, name, data string) uint64 {
	id, _ := h.publish(topic, name, data)
	return id
}

// publish is Publish that also says how many subscribers got the event.
func (h *Hub) publish(topic, name, data string) (id uint64, sent int) {
	ev := Event{ID: h.nextID.Add(1), Name: name, Data: data}
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs[topic] {
		select {
		case s.C <- ev:
			sent++
		default:
			h.remove(s)
		}
	}
	return ev.ID, sent
}

// DropOwner ends every stream of one user, e.g. at logout or when an
// admin disables the account.
func (h *Hub) DropOwner(owner int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, set := range h.subs {
		for s := range set {
			if s.Owner == owner {
				h.remove(s)
			}
		}
	}
}

// Count returns how many subscribers a topic has.
func (h *Hub) Count(topic string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs[topic])
}

// Clients returns how many subscribers (open event streams) there are.
func (h *Hub) Clients() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	seen := map[*Sub]bool{}
	for _, subs := range h.subs {
		for s := range subs {
			seen[s] = true
		}
	}
	return len(seen)
}
