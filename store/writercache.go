package store

import "sync"

// writerCache remembers committed rows the group commit reads on almost
// every delivery and that almost never change: who a phone number or
// BSUID is (person_aliases, people) and which group a WhatsApp group id
// is. Looking them up was three to four statements per delivery (about a
// tenth of the writer's CPU), although a status nearly always names a
// person already stored exactly so.
//
// It holds committed state only. What a batch of the group commit reads
// is kept aside (cacheBatch) and added after the batch's commit, and only
// if nothing outside the group commit changed those tables in between
// (gen). A write to people, aliases or group ids forgets what it may make
// stale at once, before its transaction commits, so a later reader never
// sees the old value; a rollback after that only costs a lookup.
//
// Only the writer connection reads and writes these tables' cached rows,
// and transactions on it run one at a time; the mutex is for the moment
// after a batch's commit, when the next writer may already be running.
type writerCache struct {
	mu      sync.Mutex
	gen     uint64            // bumped by every forget outside the group commit
	aliases map[string]string // identifier (BSUID, phone) → person key
	people  map[string]Person // person key → their row (Key set)
	groups  map[string]int64  // WhatsApp group id → group id
	// wamid → group id of a stored message: messages never move, and are
	// deleted only past their retention (GROUPDECK_KEEP_MESSAGES, a day at
	// least), long after their statuses; a late status for a deleted one
	// still cached counts as known, which only spares it the unmatched-send
	// bookkeeping. Statuses come in bursts per message (delivered and read
	// from every member).
	msgs map[string]int64
}

// Bounds on the cache: past them it starts over (the busiest people and
// groups come back within a few deliveries). 20,000 people hold the
// members of every group a business messages in a busy hour; 100,000 cost
// about 15 MB of live heap, 30 MB of resident memory with the collector's
// headroom, and broke the 100 MB target with 1,000 streams.
const (
	maxCachedPeople = 20000
	maxCachedGroups = 20000
	maxCachedMsgs   = 20000
)

// cacheBatch is what one batch of the group commit read, valid for the
// rest of the batch and added to the cache after its commit.
type cacheBatch struct {
	gen     uint64
	aliases map[string]string
	people  map[string]Person
	groups  map[string]int64
	msgs    map[string]int64
}

func (c *writerCache) batch() *cacheBatch {
	c.mu.Lock()
	defer c.mu.Unlock()
	return &cacheBatch{gen: c.gen} // maps made on first use: many batches read nothing new
}

// commit adds what b read, unless a writer outside the group commit
// forgot something since b began.
func (c *writerCache) commit(b *cacheBatch) {
	if b == nil || len(b.aliases)+len(b.people)+len(b.groups)+len(b.msgs) == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if b.gen != c.gen {
		return
	}
	if c.aliases == nil || len(c.aliases)+len(b.aliases) > maxCachedPeople || len(c.people)+len(b.people) > maxCachedPeople {
		c.aliases, c.people = map[string]string{}, map[string]Person{}
	}
	if c.groups == nil || len(c.groups)+len(b.groups) > maxCachedGroups {
		c.groups = map[string]int64{}
	}
	for a, k := range b.aliases {
		c.aliases[a] = k
	}
	for k, p := range b.people {
		c.people[k] = p
	}
	for w, id := range b.groups {
		c.groups[w] = id
	}
	if c.msgs == nil || len(c.msgs)+len(b.msgs) > maxCachedMsgs {
		c.msgs = map[string]int64{}
	}
	for w, id := range b.msgs {
		c.msgs[w] = id
	}
}

// cachedPerson returns the stored person the identifiers name, when both
// (those given) are cached and name the same person.
func (t *Tx) cachedPerson(userID, waID string) (Person, bool) {
	if t.wc == nil {
		return Person{}, false
	}
	key := ""
	for _, id := range []string{userID, waID} {
		if id == "" {
			continue
		}
		k, ok := t.cachedAlias(id)
		if !ok || (key != "" && k != key) {
			return Person{}, false
		}
		key = k
	}
	if b := t.pend; b != nil {
		if p, ok := b.people[key]; ok {
			return p, true
		}
	}
	t.wc.mu.Lock()
	defer t.wc.mu.Unlock()
	p, ok := t.wc.people[key]
	return p, ok
}

func (t *Tx) cachedAlias(id string) (string, bool) {
	if b := t.pend; b != nil {
		if k, ok := b.aliases[id]; ok {
			return k, true
		}
	}
	t.wc.mu.Lock()
	defer t.wc.mu.Unlock()
	k, ok := t.wc.aliases[id]
	return k, ok
}

// rememberPerson keeps what this transaction read of a person, for the
// batch (nothing outside the group commit's first attempt: savepoints
// could roll back what was read).
func (t *Tx) rememberPerson(p Person, ids ...string) {
	if t.pend == nil {
		return
	}
	if t.pend.aliases == nil {
		t.pend.aliases, t.pend.people = map[string]string{}, map[string]Person{}
	}
	for _, id := range ids {
		if id != "" {
			t.pend.aliases[id] = p.Key
		}
	}
	t.pend.people[p.Key] = p
}

// forgetPeople drops what the cache knows under these identifiers and
// keys, before a write that may change them.
func (t *Tx) forgetPeople(ids ...string) {
	t.forget(func(aliases map[string]string, people map[string]Person) {
		for _, id := range ids {
			delete(aliases, id)
			delete(people, id)
		}
	}, nil)
}

// forgetAllPeople is forgetPeople for a write that moves many aliases
// (a person re-keyed).
func (t *Tx) forgetAllPeople() {
	t.forget(func(aliases map[string]string, people map[string]Person) {
		clear(aliases)
		clear(people)
	}, nil)
}

// forgetGroups drops every cached group id, before a write that gives a
// group its WhatsApp id.
func (t *Tx) forgetGroups() {
	t.forget(nil, func(groups map[string]int64) { clear(groups) })
}

func (t *Tx) forget(people func(map[string]string, map[string]Person), groups func(map[string]int64)) {
	if t.wc == nil {
		return
	}
	if b := t.pend; b != nil {
		if people != nil {
			people(b.aliases, b.people)
		}
		if groups != nil {
			groups(b.groups)
		}
	}
	t.wc.mu.Lock()
	defer t.wc.mu.Unlock()
	if !t.batched {
		// A batch that committed before this transaction began may not
		// have added what it read yet: it must not, now.
		t.wc.gen++
	}
	if people != nil {
		people(t.wc.aliases, t.wc.people)
	}
	if groups != nil {
		groups(t.wc.groups)
	}
}

// cachedGroup returns the id of the group with this WhatsApp id, if cached.
func (t *Tx) cachedGroup(wa string) (int64, bool) {
	if t.wc == nil {
		return 0, false
	}
	if b := t.pend; b != nil {
		if id, ok := b.groups[wa]; ok {
			return id, true
		}
	}
	t.wc.mu.Lock()
	defer t.wc.mu.Unlock()
	id, ok := t.wc.groups[wa]
	return id, ok
}

func (t *Tx) rememberGroup(wa string, id int64) {
	if t.pend != nil {
		if t.pend.groups == nil {
			t.pend.groups = map[string]int64{}
		}
		t.pend.groups[wa] = id
	}
}

// cachedMessage returns the group of the stored message wamid, if cached.
func (t *Tx) cachedMessage(wamid string) (int64, bool) {
	if t.wc == nil {
		return 0, false
	}
	if b := t.pend; b != nil {
		if id, ok := b.msgs[wamid]; ok {
			return id, true
		}
	}
	t.wc.mu.Lock()
	defer t.wc.mu.Unlock()
	id, ok := t.wc.msgs[wamid]
	return id, ok
}

func (t *Tx) rememberMessage(wamid string, groupID int64) {
	if t.pend != nil {
		if t.pend.msgs == nil {
			t.pend.msgs = map[string]int64{}
		}
		t.pend.msgs[wamid] = groupID
	}
}
