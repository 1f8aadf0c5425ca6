package ingest

import (
	"strings"
	"sync"

	"groupdeck/internal/person"
	"groupdeck/store"
	"groupdeck/whatsapp"
)

// phoneNames remembers phone numbers formatted for the activity feed.
// Formatting one (libphonenumber's metadata and patterns) cost about 2 %
// of the server's CPU inside the single writer, for every join, leave and
// join request of someone without a profile name. Participant events are
// named ahead, in prepare, on the request's goroutine; the writer then
// finds the name here.
type phoneNames struct {
	mu sync.Mutex
	m  map[string]string
}

// maxPhoneNames bounds the map; past it, it starts over.
const maxPhoneNames = 10000

func (p *phoneNames) format(waID string) string {
	p.mu.Lock()
	s, ok := p.m[waID]
	p.mu.Unlock()
	if ok {
		return s
	}
	s = person.Phone(waID)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.m == nil || len(p.m) >= maxPhoneNames {
		p.m = map[string]string{}
	}
	p.m[waID] = s
	return s
}

// who names a member for the activity feed, the way every page does
// (person.Name), with the phone number formatted once.
func (in *Ingester) who(m store.Member) string {
	if byPhone(m) {
		return in.phones.format(m.WaID)
	}
	return person.Name(m.Name, m.Username, m.WaID, m.UserID)
}

// byPhone reports whether person.Name names m by their phone number.
func byPhone(m store.Member) bool {
	return strings.TrimSpace(m.Name) == "" && m.Username == "" && m.WaID != ""
}

// nameAhead formats, before the writer, the phone numbers a group event's
// activity lines will show.
func (in *Ingester) nameAhead(ev *whatsapp.GroupEvent) {
	if ev == nil {
		return
	}
	for _, ps := range [][]whatsapp.EventParticipant{ev.AddedParticipants, ev.RemovedParticipants, ev.FailedParticipants} {
		for _, p := range ps {
			if m := member(p); byPhone(m) {
				in.phones.format(m.WaID)
			}
		}
	}
	if m := (store.Member{WaID: ev.WaID, Username: ev.Username}); byPhone(m) {
		in.phones.format(m.WaID)
	}
}
