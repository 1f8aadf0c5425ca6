package wasim

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// stateMutex is the simulator's lock. Every unlock bumps gen, so the
// persister knows when the state may have changed without each of the
// dozens of mutations having to say so.
type stateMutex struct {
	sync.Mutex
	gen atomic.Uint64
}

func (m *stateMutex) Unlock() {
	m.gen.Add(1)
	m.Mutex.Unlock()
}

// stateVersion is bumped when savedState changes incompatibly.
const stateVersion = 1

// savedState is the simulator's world on disk: what WhatsApp itself would
// remember across a restart. Timers in flight (a create's webhook not yet
// sent, a read not yet made), media and the rate-limit window are not
// kept; webhooks queued but not yet delivered are.
type savedState struct {
	Version   int               `json:"version"`
	Groups    []savedGroup      `json:"groups"` // creation order, deleted ones included
	DeadLinks map[string]string `json:"dead_links"`
	Users     []savedUser       `json:"users"`
	Sent      []savedMessage    `json:"sent"` // business sends, oldest first
	Inbound   []savedInbound    `json:"inbound"`
	Webhooks  []change          `json:"webhooks"` // queued, not yet delivered
	// Templates created from the Template Library (the seeded ones are
	// rebuilt at start).
	Templates []savedTemplate `json:"templates,omitempty"`
}

type savedTemplate struct {
	ID, Name, Language, Status, Category, Body, Library string
	ReviewAt                                            time.Time
}

type savedGroup struct {
	ID          string         `json:"id"`
	JID         string         `json:"jid"`
	Seq         int            `json:"seq"`
	Subject     string         `json:"subject"`
	Description string         `json:"description"`
	Mode        string         `json:"mode"`
	Created     time.Time      `json:"created"`
	Suspended   bool           `json:"suspended"`
	Deleted     bool           `json:"deleted"`
	Link        string         `json:"link"`
	Members     []string       `json:"members"`
	Removed     []string       `json:"removed"`
	Requests    []savedRequest `json:"requests"`
	Pinned      []string       `json:"pinned"`
	LastInbound time.Time      `json:"last_inbound"`
	Sends       []string       `json:"sends"` // message ids
}

type savedRequest struct {
	ID      string    `json:"id"`
	WaID    string    `json:"wa_id"`
	Created time.Time `json:"created"`
}

type savedUser struct {
	User
	Inbox []InboxItem `json:"inbox"`
}

type savedMessage struct {
	ID        string                `json:"id"`
	GroupID   string                `json:"group_id,omitempty"`
	To        string                `json:"to,omitempty"`
	Kind      string                `json:"kind"`
	Text      string                `json:"text"`
	Category  string                `json:"category"`
	PriceType string                `json:"price_type"`
	ConvID    string                `json:"conv_id"`
	Recips    map[string]savedRecip `json:"recips"`
	Order     []string              `json:"order"`
	At        time.Time             `json:"at"`
	Callback  string                `json:"callback,omitempty"`
}

type savedRecip struct {
	Delivered bool `json:"delivered"`
	Read      bool `json:"read"`
	Priced    bool `json:"priced"`
}

type savedInbound struct {
	ID      string `json:"id"`
	GroupID string `json:"group_id"`
	From    string `json:"from"`
}

// save captures the state; callers hold s.mu.
func (s *Server) save() savedState {
	st := savedState{Version: stateVersion, DeadLinks: s.deadLinks}
	for _, g := range s.order {
		sg := savedGroup{ID: g.id, JID: g.jid, Seq: g.seq, Subject: g.subject, Description: g.description,
			Mode: g.mode, Created: g.created, Suspended: g.suspended, Deleted: g.deleted, Link: g.link,
			Members: g.members, Pinned: g.pinned, LastInbound: g.lastInbound}
		for wa := range g.removed {
			sg.Removed = append(sg.Removed, wa)
		}
		slices.Sort(sg.Removed)
		for _, jr := range g.requests {
			sg.Requests = append(sg.Requests, savedRequest{ID: jr.id, WaID: jr.waID, Created: jr.created})
		}
		for _, m := range g.sends {
			sg.Sends = append(sg.Sends, m.id)
		}
		st.Groups = append(st.Groups, sg)
	}
	for _, u := range s.users {
		st.Users = append(st.Users, savedUser{User: u.User, Inbox: u.inbox})
	}
	// Maps come out in random order; sorted, an unchanged world writes
	// the same bytes and is not rewritten.
	slices.SortFunc(st.Users, func(a, b savedUser) int { return cmp.Compare(a.WaID, b.WaID) })
	for _, m := range s.sentLog {
		sm := savedMessage{ID: m.id, To: m.to, Kind: m.kind, Text: m.text, Category: m.category,
			PriceType: m.priceTyp, ConvID: m.convID, Recips: map[string]savedRecip{}, Order: m.order, At: m.at, Callback: m.callback}
		if m.group != nil {
			sm.GroupID = m.group.id
		}
		for wa, r := range m.recips {
			sm.Recips[wa] = savedRecip{Delivered: r.delivered, Read: r.read, Priced: r.priced}
		}
		st.Sent = append(st.Sent, sm)
	}
	for _, in := range s.inbound {
		st.Inbound = append(st.Inbound, savedInbound{ID: in.id, GroupID: in.groupID, From: in.from})
	}
	slices.SortFunc(st.Inbound, func(a, b savedInbound) int { return cmp.Compare(a.ID, b.ID) })
	for _, t := range s.templates {
		if !t.reviewAt.IsZero() {
			st.Templates = append(st.Templates, savedTemplate{ID: t.id, Name: t.name, Language: t.language, Status: t.status,
				Category: t.category, Body: t.body, Library: t.library, ReviewAt: t.reviewAt})
		}
	}
	s.q.mu.Lock() // the queue's lock comes after mu, as everywhere
	st.Webhooks = append([]change(nil), s.q.items...)
	s.q.mu.Unlock()
	return st
}

// restore replaces the (empty) state with st; callers hold s.mu.
func (s *Server) restore(st savedState) error {
	if st.Version != stateVersion {
		return fmt.Errorf("state version %d, this simulator reads %d", st.Version, stateVersion)
	}
	for wa, why := range st.DeadLinks {
		s.deadLinks[wa] = why
	}
	for _, u := range st.Users {
		s.users[u.WaID] = &simUser{User: u.User, inbox: u.Inbox}
	}
	for _, sg := range st.Groups {
		g := &group{id: sg.ID, jid: sg.JID, seq: sg.Seq, subject: sg.Subject, description: sg.Description,
			mode: sg.Mode, created: sg.Created, suspended: sg.Suspended, deleted: sg.Deleted, link: sg.Link,
			members: sg.Members, removed: map[string]bool{}, pinned: sg.Pinned, lastInbound: sg.LastInbound}
		for _, wa := range sg.Removed {
			g.removed[wa] = true
		}
		for _, r := range sg.Requests {
			g.requests = append(g.requests, &joinRequest{id: r.ID, waID: r.WaID, created: r.Created})
		}
		s.groups[g.id] = g
		s.order = append(s.order, g)
		if g.link != "" && !g.deleted {
			s.links[g.link] = g
		}
		// Keep new ids from colliding with the restored ones.
		s.ids.mark(strings.TrimPrefix(g.jid, "120363"))
	}
	for _, sm := range st.Sent {
		m := &sentMessage{id: sm.ID, group: s.groups[sm.GroupID], to: sm.To, kind: sm.Kind, text: sm.Text,
			category: sm.Category, priceTyp: sm.PriceType, convID: sm.ConvID, recips: map[string]*recipState{},
			order: sm.Order, at: sm.At, callback: sm.Callback}
		for wa, r := range sm.Recips {
			m.recips[wa] = &recipState{delivered: r.Delivered, read: r.Read, priced: r.Priced}
		}
		s.msgs[m.id] = m
		s.sentLog = append(s.sentLog, m)
	}
	for _, sg := range st.Groups {
		g := s.groups[sg.ID]
		for _, id := range sg.Sends {
			if m := s.msgs[id]; m != nil {
				g.sends = append(g.sends, m)
			}
		}
	}
	for _, in := range st.Inbound {
		s.inbound[in.ID] = &inboundMessage{id: in.ID, groupID: in.GroupID, from: in.From}
	}
	for _, t := range st.Templates {
		if s.findTemplate(t.Name, t.Language) == nil {
			s.templates = append(s.templates, &simTemplate{seq: len(s.templates) + 1, id: t.ID, name: t.Name, language: t.Language,
				status: t.Status, category: t.Category, body: t.Body, library: t.Library, reviewAt: t.ReviewAt})
		}
	}
	s.q.mu.Lock()
	s.q.items = append(s.q.items, st.Webhooks...)
	s.q.mu.Unlock()
	return nil
}

// persister writes the state to its file when it changed.
type persister struct {
	path    string
	last    []byte // what the file holds
	lastGen uint64
	stop    chan struct{}
	done    chan struct{}
}

// Persist makes the simulator keep its world in path across restarts: the
// file is read now (a missing one starts empty), then rewritten atomically
// (a temporary file renamed over it) at most every interval when the state
// changed, and once more at Close. Call it once, before Start.
func (s *Server) Persist(path string, every time.Duration) error {
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return fmt.Errorf("simulator state: %w", err)
	default:
		var st savedState
		if err := json.Unmarshal(b, &st); err != nil {
			return fmt.Errorf("simulator state %s is unreadable (%v); move it away to start the simulator empty", path, err)
		}
		s.mu.Lock()
		err = s.restore(st)
		s.mu.Unlock()
		if err != nil {
			return fmt.Errorf("simulator state %s: %w", path, err)
		}
	}
	p := &persister{path: path, last: b, stop: make(chan struct{}), done: make(chan struct{})}
	s.mu.Lock()
	s.persist = p
	s.mu.Unlock()
	go func() {
		defer close(p.done)
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-p.stop:
				return
			case <-tick.C:
				if err := s.flushTo(p); err != nil {
					s.log.Warn("simulator state not saved", "path", path, "err", err)
				}
			}
		}
	}()
	return nil
}

// flushTo writes the state if it changed since the last write. Only the
// persister's goroutine and Close (after stopping it) call it.
func (s *Server) flushTo(p *persister) error {
	if s.mu.gen.Load() == p.lastGen {
		return nil
	}
	s.mu.Lock()
	b, err := json.Marshal(s.save())
	// Nobody else unlocks while this holds the lock, so the state written
	// is the one at gen+1, this unlock included.
	p.lastGen = s.mu.gen.Load() + 1
	s.mu.Unlock()
	if err != nil {
		return err
	}
	if bytes.Equal(b, p.last) {
		return nil
	}
	if err := writeAtomic(p.path, b); err != nil {
		return err
	}
	p.last = b
	return nil
}

// closePersist stops the persister and writes the final state.
func (s *Server) closePersist() error {
	s.mu.Lock()
	p := s.persist
	s.persist = nil // a second Close has nothing left to write
	s.mu.Unlock()
	if p == nil {
		return nil
	}
	close(p.stop)
	<-p.done
	p.lastGen-- // whatever happened, write once more if it differs
	return s.flushTo(p)
}

// writeAtomic replaces path with b so a crash leaves the old file or the
// new one, never half of either.
func writeAtomic(path string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name()) // after a successful rename this finds nothing
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
