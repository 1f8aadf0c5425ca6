package web

import (
	"sync"
	"time"
)

// coalescer holds, per topic that published within the last interval, the
// event waiting to go out when the interval ends. A topic is in it only
// while it is busy: after one quiet interval its entry and timer are gone,
// so thousands of group topics cost nothing once their bursts end.
type coalescer struct {
	mu     sync.Mutex
	topics map[string]*held
}

// held is a busy topic: pending says an event arrived since the last one
// went out; name and data are the newest such event's.
type held struct {
	pending    bool
	name, data string
}

// PublishEvery publishes like Publish, but at most once per interval on a
// topic: the first event goes out at once, and any that follow within the
// interval collapse into one sent when it ends (with the newest name and
// data). It suits "something changed, re-fetch" events on busy topics,
// where a page needs only the latest news and a burst of webhooks would
// otherwise make every open page re-fetch once per webhook.
//
// A topic nobody follows keeps no state: its event reaches no one, and a
// page that subscribes later fetches the current state when it opens.
func (h *Hub) PublishEvery(topic, name, data string, every time.Duration) {
	c := &h.coalesce
	c.mu.Lock()
	defer c.mu.Unlock()
	if st := c.topics[topic]; st != nil {
		st.pending, st.name, st.data = true, name, data
		return
	}
	// Published under c.mu, so two first events of one topic racing here
	// cannot both go out at once.
	if _, n := h.publish(topic, name, data); n == 0 {
		return
	}
	if c.topics == nil {
		c.topics = map[string]*held{}
	}
	c.topics[topic] = &held{}
	time.AfterFunc(every, func() { h.flush(topic, every) })
}

// flush ends a topic's interval: it sends the event that waited, and
// starts another interval, or forgets a topic that stayed quiet.
func (h *Hub) flush(topic string, every time.Duration) {
	c := &h.coalesce
	c.mu.Lock()
	defer c.mu.Unlock()
	st := c.topics[topic]
	if !st.pending {
		delete(c.topics, topic)
		return
	}
	if _, n := h.publish(topic, st.name, st.data); n == 0 {
		delete(c.topics, topic) // its last page closed meanwhile
		return
	}
	st.pending = false
	time.AfterFunc(every, func() { h.flush(topic, every) })
}

// busyTopics counts topics inside an interval (tests).
func (h *Hub) busyTopics() int {
	h.coalesce.mu.Lock()
	defer h.coalesce.mu.Unlock()
	return len(h.coalesce.topics)
}
