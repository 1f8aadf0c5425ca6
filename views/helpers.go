// Package views holds groupdeck's templ components.
package views

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"groupdeck/internal/person"
	"groupdeck/store"
)

func csrfHeaders(tok string) string {
	b, _ := json.Marshal(map[string]string{"X-CSRF-Token": tok})
	return string(b)
}

func current(nav, item string) string {
	if nav == item {
		return "page"
	}
	return ""
}

func statusTitle(status int) string {
	switch status {
	case http.StatusNotFound:
		return "Not found"
	case http.StatusForbidden:
		return "Not allowed"
	case http.StatusTooManyRequests:
		return "Too many attempts"
	}
	if status >= 500 {
		return "Something went wrong"
	}
	return http.StatusText(status)
}

// when formats a Unix-ms time for people; zero is "never".
func when(ms int64) string {
	if ms == 0 {
		return "never"
	}
	return time.UnixMilli(ms).UTC().Format("2 Jan 2006 15:04 UTC")
}

func isoTime(ms int64) string {
	return time.UnixMilli(ms).UTC().Format(time.RFC3339)
}

// Phone formats a wa_id (digits with country code) for reading, e.g.
// "+1 650 555 1234"; anything else is shown as it is.
func Phone(waID string) string { return person.Phone(waID) }

// PersonName is how every page and export names a person: profile name,
// else @username, else the formatted number, else a short form of the
// business-scoped user id (internal/person).
func PersonName(name, username, waID, userID string) string {
	return person.Name(name, username, waID, userID)
}

func itoa(n int) string { return fmt.Sprint(n) }

func idPath(format string, id int64) string { return fmt.Sprintf(format, id) }

func displayName(p store.Participant) string {
	return person.Name(p.Name, p.Username, p.WaID, p.UserID)
}

// participantAside is the phone number after a participant's name, when
// the name did not already show it.
func participantAside(p store.Participant) string {
	return person.Aside(p.Name, p.Username, p.WaID)
}

func senderName(m store.Message) string {
	uid := ""
	if m.SenderKey != m.SenderWaID {
		uid = m.SenderKey
	}
	wa := m.SenderWaID
	if wa == "" && uid == "" {
		wa = m.SenderKey
	}
	return person.Name(m.SenderName, m.SenderUsername, wa, uid)
}

func senderAside(m store.Message) string {
	return person.Aside(m.SenderName, m.SenderUsername, m.SenderWaID)
}

// readableWho formats a phone-number identity the way the people list
// does ("+1 650 555 1234"); names and BSUIDs are shown as they are.
func readableWho(who string) string {
	if digits := strings.TrimPrefix(who, "+"); digits != "" && strings.Trim(digits, "0123456789") == "" {
		return Phone(digits)
	}
	return who
}
