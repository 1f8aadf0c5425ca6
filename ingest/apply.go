package ingest

import (
	"errors"
	"fmt"
	"strings"

	"groupdeck/store"
	"groupdeck/whatsapp"
)

// dispatch applies one change. It returns a non-empty wait key when the
// change names a group the app does not know yet.
func (in *Ingester) dispatch(t *store.Tx, c change) (string, error) {
	switch {
	case c.Group != nil:
		return in.groupEvent(t, c.Group)
	case c.Message != nil:
		return in.message(t, c.Message, c.Contacts)
	case c.Status != nil:
		return "", in.status(t, c.Status)
	}
	return "", nil
}

func ms(ts whatsapp.Timestamp) int64 { return int64(ts) * 1000 }

func (in *Ingester) groupEvent(t *store.Tx, ev *whatsapp.GroupEvent) (string, error) {
	if ev.Type == whatsapp.EventGroupCreate {
		return in.groupCreate(t, ev)
	}
	id, ok, err := t.GroupByWa(ev.GroupID)
	if err != nil || !ok {
		return "group:" + ev.GroupID, err
	}
	at := ms(ev.Timestamp)
	switch ev.Type {
	case whatsapp.EventParticipantsAdd:
		for _, p := range ev.AddedParticipants {
			if err := t.ParticipantJoined(id, member(p), ev.Reason, at); err != nil {
				return "", err
			}
		}
	case whatsapp.EventParticipantsRemove:
		state := "left"
		if ev.InitiatedBy == "business" {
			state = "removed"
		}
		for _, p := range ev.RemovedParticipants {
			if err := t.ParticipantGone(id, member(p), state, at); err != nil {
				return "", err
			}
		}
		if ev.InitiatedBy == "business" {
			return "", in.removalResult(t, id, ev)
		}
	case whatsapp.EventSettingsUpdate:
		return "", in.settingsResult(t, id, ev)
	case whatsapp.EventGroupDelete:
		return "", in.deleteResult(t, id, ev)
	}
	return "", nil
}

func (in *Ingester) groupCreate(t *store.Tx, ev *whatsapp.GroupEvent) (string, error) {
	id, ok, err := t.GroupByRequest(ev.RequestID)
	if err == nil && !ok {
		id, ok, err = t.GroupByWa(ev.GroupID)
	}
	if err != nil {
		return "", err
	}
	if !ok {
		if ev.RequestID == "" {
			return "group:" + ev.GroupID, nil
		}
		return "request:" + ev.RequestID, nil
	}
	if len(ev.Errors) > 0 {
		return "", t.GroupCreateFailed(id, errorsText(ev.Errors))
	}
	if ev.GroupID == "" {
		return "", errors.New("group_create without group_id")
	}
	if err := t.GroupCreated(id, ev.GroupID, ev.InviteLink, ev.Subject, ev.JoinApprovalMode, ms(ev.Timestamp)); err != nil {
		return "", err
	}
	return "", in.resume(t, "group:"+ev.GroupID)
}

func (in *Ingester) message(t *store.Tx, m *whatsapp.Message, contacts []whatsapp.Contact) (string, error) {
	if m.GroupID == "" {
		return "", nil // 1:1 messages are not groupdeck's business
	}
	id, ok, err := t.GroupByWa(m.GroupID)
	if err != nil || !ok {
		return "group:" + m.GroupID, err
	}
	sender := store.Member{WaID: m.From, UserID: m.FromUserID}
	for _, c := range contacts {
		if (c.WaID != "" && c.WaID == m.From) || (c.UserID != "" && c.UserID == m.FromUserID) || len(contacts) == 1 {
			sender.Name = c.Profile.Name
			sender.Username = c.Profile.Username
		}
	}
	kind, body := m.Type, ""
	switch {
	case m.Text != nil:
		body = m.Text.Body
	case m.Image != nil:
		body = m.Image.Caption
	case m.Video != nil:
		body = m.Video.Caption
	case m.Document != nil:
		body = m.Document.Caption
		if body == "" {
			body = m.Document.Filename
		}
	}
	if err := t.InboundMessage(id, m.ID, kind, body, sender, ms(m.Timestamp)); err != nil {
		return "", err
	}
	if a := m.Attachment(); a != nil {
		return "", t.InboundMedia(m.ID, a.ID, a.MimeType, a.Filename)
	}
	return "", nil
}

func (in *Ingester) status(t *store.Tx, s *whatsapp.Status) error {
	p := s.RecipientParticipantID
	if p == "" {
		p = s.RecipientParticipantUserID
	}
	if err := t.Receipt(s.ID, p, s.Status, ms(s.Timestamp), errorsText(s.Errors)); err != nil {
		return err
	}
	if s.RecipientType == "group" {
		return t.MatchSend(s.ID, s.RecipientID, ms(s.Timestamp))
	}
	return nil
}

func member(p whatsapp.EventParticipant) store.Member {
	m := store.Member{WaID: p.WaID, UserID: p.UserID, Username: p.Username}
	if m.WaID == "" && m.UserID == "" && p.Input != "" {
		if strings.HasPrefix(p.Input, "US.") {
			m.UserID = p.Input
		} else {
			m.WaID = strings.TrimPrefix(p.Input, "+")
		}
	}
	return m
}

func errorsText(errs []whatsapp.ErrorObject) string {
	var parts []string
	for _, e := range errs {
		s := fmt.Sprintf("%s (%d)", whatsapp.CodeText(e.Code), e.Code)
		if e.Details != "" && !strings.Contains(s, e.Details) {
			s += ": " + e.Details
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}
