package web

import (
	"sync"
	"time"
)

// coalescer holds, per topic and event name that published within the
// last interval, whether another event of that name waits to go out when
// the interval ends. An entry exists only while it is busy: after one
// quiet interval it and its timer are gone, so thousands of group topics
// cost nothing once their bursts end.
//
// Names are coalesced apart because on a group topic each name is one
// part of the group (participants, receipts…) and pages re-fetch only the
// fragments showing the parts named: a burst of receipts must neither
// delay nor swallow a join, and a join must not be folded into a
// receipts event. The trailing events of an interval are therefore the
// union of the names that changed in it, each sent once.
type coalescer struct {
	mu     sync.Mutex
	topics map[coalesceKey]*held
}

type coalesceKey struct{ topic, name string }

// held is a busy topic and name: pending says an event arrived since the
// last one went out; data is the newest such event's.
type held struct {
	pending bool
	data    string
}

// PublishEvery publishes like Publish, but at most once per interval for
// a topic and event name: the first event goes out at once, and any of
// the same name that follow within the interval collapse into one sent
// when it ends (with the newest data). Events of other names are not held
// back by it. It suits "this changed, re-fetch" events on busy topics,
// where a page needs only the latest news and a burst of webhooks would
// otherwise make every open page re-fetch once per webhook.
//
// A topic nobody follows keeps no state: its event reaches no one, and a
// page that subscribes later fetches the current state when it opens.
func (h *Hub) PublishEvery(topic, name, data string, every time.Duration) {
	c := &h.coalesce
	k := coalesceKey{topic, name}
	c.mu.Lock()
	defer c.mu.Unlock()
	if st := c.topics[k]; st != nil {
		st.pending, st.data = true, data
		return
	}
	// Published under c.mu, so two first events of one topic racing here
	// cannot both go out at once.
	if _, n := h.publish(topic, name, data); n == 0 {
		return
	}
	if c.topics == nil {
		c.topics = map[coalesceKey]*held{}
	}
	c.topics[k] = &held{}
	time.AfterFunc(every, func() { h.flush(k, every) })
}

// flush ends an interval: it sends the event that waited, and starts
// another interval, or forgets a topic and name that stayed quiet.
func (h *Hub) flush(k coalesceKey, every time.Duration) {
	c := &h.coalesce
	c.mu.Lock()
	defer c.mu.Unlock()
	st := c.topics[k]
	if !st.pending {
		delete(c.topics, k)
		return
	}
	if _, n := h.publish(k.topic, k.name, st.data); n == 0 {
		delete(c.topics, k) // its last page closed meanwhile
		return
	}
	st.pending = false
	time.AfterFunc(every, func() { h.flush(k, every) })
}

// busyTopics counts topics and names inside an interval (tests).
func (h *Hub) busyTopics() int {
	h.coalesce.mu.Lock()
	defer h.coalesce.mu.Unlock()
	return len(h.coalesce.topics)
}
