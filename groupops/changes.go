package groupops

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"groupdeck/store"
	"groupdeck/whatsapp"
)

// RemoveParticipants records one pending change per person, then asks
// WhatsApp, whose webhook settles each person's removal.
func (s *Service) RemoveParticipants(ctx context.Context, userID int64, g *store.Group, chosen []store.Participant) error {
	targets := make([]whatsapp.RemoveTarget, len(chosen))
	ids := make([]int64, len(chosen))
	who := make([]string, len(chosen))
	for i, p := range chosen {
		if p.WaID != "" {
			targets[i] = whatsapp.RemoveTarget{User: p.WaID}
		} else {
			targets[i] = whatsapp.RemoveTarget{UserID: p.UserID}
		}
		ch := &store.GroupChange{GroupID: g.ID, Kind: store.ChangeRemove, Target: p.Key, CreatedBy: userID}
		if err := s.Store.RecordChange(ctx, ch); err != nil {
			return err
		}
		ids[i], who[i] = ch.ID, p.Key
	}
	return s.send(ctx, g, ids, store.AuditEntry{UserID: userID, Action: store.AuditParticipantsRemove, GroupID: g.ID, Detail: strings.Join(who, ", ")},
		func() (string, error) { return s.WA.RemoveParticipants(ctx, g.WaGroupID, targets) })
}

// send makes the API call for recorded pending changes and records its
// answer: refused with the reason, or sent under the request id.
func (s *Service) send(ctx context.Context, g *store.Group, ids []int64, entry store.AuditEntry, call func() (string, error)) error {
	reqID, err := call()
	if err != nil {
		msg := Human(err)
		if err := s.Store.ChangesRefused(ctx, ids, msg, entry); err != nil {
			return err
		}
		s.changed(g.ID)
		return &Refused{Msg: msg}
	}
	if err := s.Store.ChangesSent(ctx, reqID, ids, entry); err != nil {
		return err
	}
	s.changed(g.ID)
	return nil
}

// Settings is a change of a group's settings; nil fields stay as they are.
type Settings struct {
	Subject     *string
	Description *string
	Photo       []byte // already checked with whatsapp.CheckPhoto
}

// ValidateSettings checks the subject and description a settings change
// sets, like ValidateGroup.
func ValidateSettings(st Settings) map[string]string {
	subject, desc, mode := "", "", ""
	if st.Subject != nil {
		subject = *st.Subject
	} else {
		subject = "unchanged"
	}
	if st.Description != nil {
		desc = *st.Description
	}
	errs := ValidateGroup(&subject, &desc, &mode)
	if st.Subject != nil {
		*st.Subject = subject
	}
	return errs
}

// UpdateSettings sends the settings that differ from the group's through
// the asynchronous endpoint. Each changed setting is stored as a pending
// change first; the group_settings_update webhook confirms or fails it.
func (s *Service) UpdateSettings(ctx context.Context, userID int64, g *store.Group, st Settings) error {
	up := whatsapp.SettingsUpdate{Photo: st.Photo}
	var kinds []store.GroupChange
	if st.Subject != nil && *st.Subject != g.Subject {
		up.Subject = st.Subject
		kinds = append(kinds, store.GroupChange{Kind: store.ChangeSubject, Value: *st.Subject})
	}
	if st.Description != nil && *st.Description != g.Description {
		up.Description = st.Description
		kinds = append(kinds, store.GroupChange{Kind: store.ChangeDescription, Value: *st.Description})
	}
	if len(st.Photo) > 0 {
		kinds = append(kinds, store.GroupChange{Kind: store.ChangePhoto})
	}
	if len(kinds) == 0 {
		return ErrNothingChanged
	}
	var ids []int64
	var what []string
	for _, k := range kinds {
		k.GroupID, k.CreatedBy = g.ID, userID
		if err := s.Store.RecordChange(ctx, &k); err != nil {
			return err
		}
		if k.Kind == store.ChangePhoto {
			// WhatsApp never sends a photo back: keep it to show once confirmed.
			if err := s.Store.AddPendingPhoto(ctx, g.ID, k.ID, st.Photo); err != nil {
				return err
			}
		}
		ids = append(ids, k.ID)
		what = append(what, k.Kind)
	}
	return s.send(ctx, g, ids, store.AuditEntry{UserID: userID, Action: store.AuditGroupSettings, GroupID: g.ID, Detail: strings.Join(what, ", ")},
		func() (string, error) { return s.WA.UpdateSettings(ctx, g.WaGroupID, up) })
}

// Limits of the Cloud API on message text (docs/cloud-api.md#send-a-message).
const (
	MaxText    = 4096
	MaxCaption = 1024
)

// DraftText validates a text message and returns it, not yet tied to a
// group, or the sentence per field to fix.
func DraftText(userID int64, body string, previewURL bool) (*store.Message, map[string]string) {
	errs := map[string]string{}
	switch n := utf8.RuneCountInString(body); {
	case strings.TrimSpace(body) == "":
		errs["body"] = "Write something to send."
	case n > MaxText:
		errs["body"] = fmt.Sprintf("The message has %d characters; WhatsApp allows at most %d.", n, MaxText)
	}
	m := &store.Message{CreatedBy: userID, Kind: store.KindText, Body: body}
	m.Payload.PreviewURL = previewURL
	return m, errs
}

// QueueMessage stores a drafted message for the group, audited in the
// same transaction, and wakes the outbox that sends it.
func (s *Service) QueueMessage(ctx context.Context, userID int64, g *store.Group, m *store.Message) error {
	m.GroupID = g.ID
	if _, err := s.Store.WithTx(ctx, func(t *store.Tx) error {
		if err := t.QueueMessage(m); err != nil {
			return err
		}
		return t.Audit(store.AuditEntry{UserID: userID, Action: store.AuditMessageQueue, GroupID: g.ID,
			Detail: fmt.Sprintf("%s message %d", m.Kind, m.ID)})
	}); err != nil {
		return err
	}
	s.wake()
	s.changed(g.ID)
	return nil
}

// Members picks the group's current participants named by keys, each
// once, in the order given, and lists the keys that are not members
// (any more).
func (s *Service) Members(ctx context.Context, groupID int64, keys []string) (chosen []store.Participant, missing []string, err error) {
	ps, err := s.Store.Participants(ctx, groupID)
	if err != nil {
		return nil, nil, err
	}
	byKey := map[string]store.Participant{}
	for _, p := range ps {
		byKey[p.Key] = p
	}
	seen := map[string]bool{}
	for _, k := range keys {
		p, ok := byKey[k]
		switch {
		case !ok:
			missing = append(missing, k)
		case !seen[k]:
			seen[k] = true
			chosen = append(chosen, p)
		}
	}
	return chosen, missing, nil
}
