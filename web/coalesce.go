package web

import (
	"sync"
	"time"
)

// coalescer remembers, per topic, when an event last went out and whether
// a trailing one is scheduled.
type coalescer struct {
	mu      sync.Mutex
	last    map[string]time.Time
	pending map[string]bool
}

// PublishEvery publishes like Publish, but at most once per interval on a
// topic: the first event goes out at once, and any that follow within the
// interval collapse into one sent when it ends. It suits "something
// changed, re-fetch" events on busy topics, where a page needs only the
// latest news and a burst of webhooks would otherwise make every open
// page re-fetch once per webhook.
func (h *Hub) PublishEvery(topic, name, data string, every time.Duration) {
	c := &h.coalesce
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pending[topic] {
		return
	}
	wait := time.Until(c.last[topic].Add(every))
	if c.last == nil {
		c.last, c.pending = map[string]time.Time{}, map[string]bool{}
	}
	if wait <= 0 {
		c.last[topic] = time.Now()
		h.Publish(topic, name, data)
		return
	}
	c.pending[topic] = true
	time.AfterFunc(wait, func() {
		c.mu.Lock()
		c.pending[topic], c.last[topic] = false, time.Now()
		c.mu.Unlock()
		h.Publish(topic, name, data)
	})
}
