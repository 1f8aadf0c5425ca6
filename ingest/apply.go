package ingest

import (
	"fmt"
	"strings"

	"groupdeck/hooks"
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
		return "", in.status(t, c.Status, c.Contacts)
	}
	return "", nil
}

func ms(ts whatsapp.Timestamp) int64 { return int64(ts) * 1000 }

func (in *Ingester) message(t *store.Tx, m *whatsapp.Message, contacts []whatsapp.Contact) (string, error) {
	if m.Type == "system" && m.System != nil {
		return "", systemMessage(t, m)
	}
	if m.GroupID == "" {
		return "", nil // 1:1 messages are not groupdeck's business
	}
	id, ok, err := t.GroupByWa(m.GroupID)
	if err != nil || !ok {
		return "group:" + m.GroupID, err
	}
	sender := store.Member{WaID: m.From, UserID: m.FromUserID, ParentUserID: m.FromParentUserID}
	for _, c := range contacts {
		if (c.WaID != "" && c.WaID == m.From) || (c.UserID != "" && c.UserID == m.FromUserID) || len(contacts) == 1 {
			sender = withContact(sender, c)
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
	at := ms(m.Timestamp)
	// Not added: already stored, a retry after its de-duplication key
	// was pruned.
	if added, err := t.AddInbound(id, m.ID, kind, body, sender, at); err != nil || !added {
		return "", err
	}
	if a := m.Attachment(); a != nil {
		if err := t.InboundMedia(store.MediaEvent{WAMID: m.ID, MediaID: a.ID, Mime: a.MimeType, Filename: a.Filename}); err != nil {
			return "", err
		}
	}
	if err := in.emit(t, hooks.MessageReceived, id, m.GroupID, at, map[string]any{"message": map[string]any{
		"wamid": m.ID, "type": kind, "text": body}, "from": hm(sender)}); err != nil {
		return "", err
	}
	// Its activity feed line is the message row itself (store.MessageLine,
	// migration 0026): no activity row, no second per-group index entry.
	return "", nil
}

func (in *Ingester) status(t *store.Tx, s *whatsapp.Status, contacts []whatsapp.Contact) error {
	// A participant's receipts are keyed by the person, whichever
	// identifiers this status carries, so they never split in two when the
	// phone number stops being sent.
	p, m, err := statusParticipant(t, s, contacts)
	if err != nil {
		return err
	}
	reason := errorsText(s.Errors)
	if err := t.Receipt(store.ReceiptEvent{WAMID: s.ID, Participant: p, Status: s.Status, At: ms(s.Timestamp), Failure: reason}); err != nil {
		return err
	}
	if s.Status == "read" {
		if err := in.readHooks(t, s.ID, ms(s.Timestamp)); err != nil {
			return err
		}
	}
	if s.RecipientType == "group" {
		if err := t.MatchSendTagged(s.ID, s.RecipientID, s.BizOpaqueCallbackData, ms(s.Timestamp)); err != nil {
			return err
		}
	}
	if s.Status != "failed" {
		return nil
	}
	// A status can overtake the send response; then the message row has
	// no wamid yet and the failure shows on the message once it has.
	gid, ok, err := t.GroupByMessage(s.ID)
	if err != nil || !ok {
		return err
	}
	detail := "A message could not be delivered: " + reason
	if p != "" {
		detail = "A message could not be delivered to " + in.who(m) + ": " + reason
	}
	return t.Activity(gid, store.ActFailure, "", detail, ms(s.Timestamp))
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
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
