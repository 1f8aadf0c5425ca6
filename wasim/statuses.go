package wasim

import "errors"

// scheduleStatuses drives a send's status webhooks. Each stage schedules the
// next from inside its own callback so "sent" always precedes "delivered",
// which precedes "read", whatever the timer jitter.
func (s *Server) scheduleStatuses(m *sentMessage) {
	s.after(s.cfg.sentDelay(), func() {
		if e := s.sendFailure(m); e != nil {
			s.emitStatuses([]map[string]any{s.failedStatus(m, e)})
			return
		}
		s.emitStatuses([]map[string]any{s.baseStatus(m, "sent")})
		if m.kind == "pin" {
			return // pins only ever get a "sent" status (docs/cloud-api.md#pin-and-unpin)
		}
		toDeliver := max(0, s.cfg.deliverDelay()-s.cfg.sentDelay())
		toRead := max(0, s.cfg.readDelay()-s.cfg.deliverDelay())
		autoRead := !s.cfg.ManualRead
		if autoRead && s.cfg.ReadSkipsDelivered {
			s.after(toDeliver+toRead, func() { s.advance(m, "read", m.order) })
			return
		}
		s.after(toDeliver, func() {
			s.advance(m, "delivered", m.order)
			if autoRead {
				s.after(toRead, func() { s.advance(m, "read", m.order) })
			}
		})
	})
}

// sendFailure reports why an accepted message can no longer go out.
func (s *Server) sendFailure(m *sentMessage) *apiError {
	if g := m.group; g != nil {
		switch {
		case g.deleted:
			return errUnknownGroup()
		case g.suspended:
			return errSuspended()
		}
	}
	return nil
}

func (s *Server) baseStatus(m *sentMessage, status string) map[string]any {
	st := map[string]any{"id": m.id, "status": status, "timestamp": unixStr(s.now())}
	if m.callback != "" {
		st["biz_opaque_callback_data"] = m.callback
	}
	if m.group != nil {
		st["recipient_id"], st["recipient_type"] = m.group.id, "group"
	} else if m.toUserID != "" {
		// Addressed by BSUID: statuses name the user the same way.
		st["recipient_user_id"] = m.toUserID
		if !s.phoneHidden(m.to) {
			st["recipient_id"] = m.to
		}
	} else {
		st["recipient_id"] = m.to
	}
	return st
}

func (s *Server) failedStatus(m *sentMessage, e *apiError) map[string]any {
	st := s.baseStatus(m, "failed")
	st["errors"] = []any{e.statusObject()}
	return st
}

// recipientStatus builds one participant's delivered/read status, attaching
// pricing to the participant's first such status only (billing is per
// delivered participant).
func (s *Server) recipientStatus(m *sentMessage, wa, status string, rs *recipState) map[string]any {
	st := s.baseStatus(m, status)
	if m.group != nil {
		key := "recipient_participant_id"
		if s.cfg.ParticipantRecipientID {
			key = "participant_recipient_id"
		}
		if !s.phoneHidden(wa) {
			st[key] = wa
		}
		if s.cfg.BSUID {
			if u := s.users[wa]; u != nil {
				st["recipient_participant_user_id"] = u.UserID
				if s.cfg.ParentBSUID && u.ParentUserID != "" {
					st["recipient_participant_parent_user_id"] = u.ParentUserID
				}
			}
		}
	}
	if !rs.priced {
		rs.priced = true
		st["pricing"] = map[string]any{
			"billable":      m.priceTyp == "regular",
			"pricing_model": "PMP",
			"type":          m.priceTyp,
			"category":      m.category,
		}
		if s.cfg.ConversationObject {
			st["conversation"] = map[string]any{"id": m.convID, "origin": map[string]any{"type": m.category}}
		}
	}
	return st
}

// advance moves recipients of one message to status and emits the statuses
// of those that actually moved (one message × many participants).
func (s *Server) advance(m *sentMessage, status string, who []string) {
	var out []map[string]any
	for _, wa := range who {
		rs := m.recips[wa]
		if rs == nil || rs.read || (status == "delivered" && rs.delivered) {
			continue
		}
		if status == "read" {
			rs.read = true
		}
		rs.delivered = true
		out = append(out, s.recipientStatus(m, wa, status, rs))
	}
	s.emitStatuses(out)
}

// emitStatuses sends the statuses as one webhook when aggregation is on and
// one webhook each otherwise. Callers only pass statuses that share a group
// and a status type, the aggregation rule of docs/cloud-api.md#message-statuses.
func (s *Server) emitStatuses(sts []map[string]any) {
	if len(sts) == 0 {
		return
	}
	// Delivered/read group statuses carry a contacts array beside them
	// (BSUID rollout), naming the participants the statuses are about.
	value := func(list []map[string]any) map[string]any {
		v := map[string]any{"statuses": anyList(list)}
		if cs := s.statusContacts(list); len(cs) > 0 {
			v["contacts"] = cs
		}
		return v
	}
	if s.cfg.AggregateStatuses {
		s.emit("messages", value(sts))
		return
	}
	for _, st := range sts {
		s.emit("messages", value([]map[string]any{st}))
	}
}

// Read makes the user read a message; like WhatsApp, that also reads every
// earlier unread business message in the same chat (many messages × one
// participant when aggregated). A read implies delivery, so a not yet
// delivered message skips its "delivered" status.
func (s *Server) Read(waID, messageID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	waID = normalizePhone(waID)
	m := s.msgs[messageID]
	if m == nil || m.recips[waID] == nil {
		return errors.New("the user did not receive this message")
	}
	if m.kind == "pin" {
		return errors.New("pin messages have no read status")
	}
	msgs := []*sentMessage{m}
	if m.group != nil {
		msgs = nil
		for _, x := range m.group.sends {
			if x.recips[waID] != nil && !x.recips[waID].read {
				msgs = append(msgs, x)
			}
			if x == m {
				break
			}
		}
	}
	var out []map[string]any
	for _, x := range msgs {
		rs := x.recips[waID]
		if rs.read {
			continue
		}
		rs.read, rs.delivered = true, true
		out = append(out, s.recipientStatus(x, waID, "read", rs))
	}
	s.emitStatuses(out)
	return nil
}

func anyList(sts []map[string]any) []any {
	out := make([]any, len(sts))
	for i, st := range sts {
		out[i] = st
	}
	return out
}
