package ingest

import (
	"strings"

	"groupdeck/store"
	"groupdeck/whatsapp"
)

// member is the person a participants event names. Business removals echo
// in Input whichever identifier was sent: a BSUID of any country (BR.…,
// IN.…, US.ENT.… for a parent) or a phone number with or without "+".
func member(p whatsapp.EventParticipant) store.Member {
	m := store.Member{WaID: p.WaID, UserID: p.UserID, ParentUserID: p.ParentUserID, Username: p.Username}
	if m.WaID == "" && m.UserID == "" && p.Input != "" {
		in := strings.TrimSpace(p.Input)
		switch {
		case whatsapp.IsParentBSUID(in):
			m.ParentUserID = in
			m.UserID = in // all groupdeck has; it still names one person
		case isWaID(strings.TrimPrefix(in, "+")):
			m.WaID = strings.TrimPrefix(in, "+")
		default:
			// A BSUID of any country (BR.…, not only US.), or an id of a
			// shape not seen yet: never stored as a phone number.
			m.UserID = in
		}
	}
	return m
}

// withContact adds what a contacts entry says about a person.
func withContact(m store.Member, c whatsapp.Contact) store.Member {
	if m.WaID == "" {
		m.WaID = c.WaID
	}
	if m.UserID == "" {
		m.UserID = c.UserID
	}
	if m.ParentUserID == "" {
		m.ParentUserID = c.ParentUserID
	}
	if c.Profile.Name != "" {
		m.Name = c.Profile.Name
	}
	if c.Profile.Username != "" {
		m.Username = c.Profile.Username
	}
	return m
}

// statusParticipant resolves the participant of a group delivered/read
// status (recipient_participant_id, recipient_participant_user_id and the
// contacts array) to the person's key, and returns what is known of them
// (for the activity feed, naming them with who only when a line is
// written: formatting a phone number costs more than the rest of a read
// status). Group-level statuses have no participant: key "".
func statusParticipant(t *store.Tx, s *whatsapp.Status, contacts []whatsapp.Contact) (key string, m store.Member, err error) {
	m = store.Member{WaID: s.RecipientParticipantID, UserID: s.RecipientParticipantUserID,
		ParentUserID: s.RecipientParticipantParentUserID}
	if m.WaID == "" && m.UserID == "" {
		return "", m, nil
	}
	for _, c := range append(append([]whatsapp.Contact(nil), s.Contacts...), contacts...) {
		if (c.UserID != "" && c.UserID == m.UserID) || (c.WaID != "" && c.WaID == m.WaID) {
			m = withContact(m, c)
		}
	}
	key, err = t.Person(m)
	return key, m, err
}

// systemMessage applies user_changed_user_id (the BSUID was regenerated:
// map the previous one to the new) and user_changed_number (a new phone
// number, which also regenerates the BSUID).
func systemMessage(t *store.Tx, m *whatsapp.Message) error {
	sys := m.System
	switch sys.Type {
	case whatsapp.SystemUserChangedUserID, whatsapp.SystemUserChangedNumber:
	default:
		return nil
	}
	prev := sys.PreviousUserID
	if prev == "" {
		prev = m.FromUserID
	}
	if prev != "" && sys.UserID != "" && prev != sys.UserID {
		if err := t.UserIDChanged(prev, sys.UserID, sys.ParentUserID); err != nil {
			return err
		}
	}
	if sys.Type == whatsapp.SystemUserChangedNumber && sys.WaID != "" {
		// The new number belongs to the person; Person moves it to them.
		id := sys.UserID
		if id == "" {
			id = prev
		}
		if id == "" {
			return nil // only phone numbers: nothing ties old to new safely
		}
		_, err := t.Person(store.Member{UserID: id, WaID: sys.WaID, ParentUserID: sys.ParentUserID})
		return err
	}
	return nil
}
