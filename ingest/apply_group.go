package ingest

import (
	"errors"

	"groupdeck/hooks"
	"groupdeck/store"
	"groupdeck/whatsapp"
)

// groupEvent applies one element of value.groups. Every group event of
// docs/cloud-api.md#webhooks lands here; each writes its activity line in the same
// transaction.
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
		return "", in.joinedAll(t, id, ev, at)
	case whatsapp.EventParticipantsRemove:
		return "", in.removed(t, id, ev, at)
	case whatsapp.EventJoinRequestCreated, whatsapp.EventJoinRequestRevoked:
		m := store.Member{WaID: ev.WaID, UserID: ev.UserID, ParentUserID: ev.ParentUserID, Username: ev.Username}
		state, kind, detail := "pending", store.ActRequest, "asked to join"
		if ev.Type == whatsapp.EventJoinRequestRevoked {
			state, kind, detail = "revoked", store.ActRequestRevoked, "withdrew their request to join"
		}
		if err := t.JoinRequest(id, ev.JoinRequestID, m, state, at); err != nil {
			return "", err
		}
		if state == "pending" {
			if err := in.emit(t, hooks.JoinRequestCreated, id, ev.GroupID, at, map[string]any{
				"member": hm(m), "join_request_id": ev.JoinRequestID}); err != nil {
				return "", err
			}
		}
		return "", in.personLine(t, id, kind, m, detail, at)
	case whatsapp.EventSettingsUpdate:
		return "", in.settings(t, id, ev, at)
	case whatsapp.EventSuspend, whatsapp.EventSuspendCleared:
		on := ev.Type == whatsapp.EventSuspend
		if err := t.GroupSuspended(id, on, at); err != nil {
			return "", err
		}
		if on {
			if err := in.emit(t, hooks.GroupSuspended, id, ev.GroupID, at, nil); err != nil {
				return "", err
			}
			return "", t.Activity(id, store.ActSuspended, "", "WhatsApp suspended the group", at)
		}
		return "", t.Activity(id, store.ActUnsuspended, "", "WhatsApp lifted the suspension", at)
	case whatsapp.EventGroupDelete:
		if err := in.deleteResult(t, id, ev); err != nil {
			return "", err
		}
		if len(ev.Errors) > 0 {
			return "", t.Activity(id, store.ActFailure, "", "Delete failed: "+errorsText(ev.Errors), at)
		}
		if err := t.GroupDeleted(id, at); err != nil {
			return "", err
		}
		if err := in.emit(t, hooks.GroupDeleted, id, ev.GroupID, at, nil); err != nil {
			return "", err
		}
		return "", t.Activity(id, store.ActDeleted, "", "The group was deleted", at)
	}
	return "", nil
}

func (in *Ingester) joinedAll(t *store.Tx, id int64, ev *whatsapp.GroupEvent, at int64) error {
	for _, p := range ev.AddedParticipants {
		m := member(p)
		answered, err := t.RequestsApproved(id, m, at)
		if err != nil {
			return err
		}
		// WhatsApp reports a join after an approved request as a join
		// through the invite link (docs/cloud-api.md, the webhook table):
		// it answered a request when it closed one of theirs, or when it
		// echoes "input", the business's approval call.
		via, detail := ev.Reason, "joined"
		if answered || p.Input != "" {
			via, detail = store.ViaJoinRequest, "joined after their join request was approved"
		}
		if err := t.ParticipantJoined(id, m, via, at); err != nil {
			return err
		}
		if err := in.joinHooks(t, id, ev.GroupID, m, via, at); err != nil {
			return err
		}
		if err := in.personLine(t, id, store.ActJoin, m, detail, at); err != nil {
			return err
		}
	}
	return nil
}

// personLine writes an activity line about a person, linked to their page
// when groupdeck knows them.
func (in *Ingester) personLine(t *store.Tx, id int64, kind string, m store.Member, detail string, at int64) error {
	key, err := t.PersonKey(m)
	if err != nil {
		return err
	}
	return t.PersonActivity(id, kind, key, in.who(m), detail, at)
}

// removed applies a self-leave or a business removal, including the
// people a removal failed for (partial and total failure); the staff
// member's pending removals are settled person by person.
func (in *Ingester) removed(t *store.Tx, id int64, ev *whatsapp.GroupEvent, at int64) error {
	business := businessRemoval(ev)
	for _, p := range ev.RemovedParticipants {
		m := member(p)
		state, kind, detail := "left", store.ActLeave, "left"
		if business {
			state, kind, detail = "removed", store.ActRemoved, "was removed"
		}
		if err := t.ParticipantGone(id, m, state, at); err != nil {
			return err
		}
		if err := in.emit(t, hooks.MemberLeft, id, ev.GroupID, at, map[string]any{"member": hm(m), "how": state}); err != nil {
			return err
		}
		if err := in.personLine(t, id, kind, m, detail, at); err != nil {
			return err
		}
	}
	if !business {
		return nil
	}
	if err := in.removalResult(t, id, ev); err != nil {
		return err
	}
	for _, p := range ev.FailedParticipants {
		reason := errorsText(p.Errors)
		if reason == "" {
			reason = errorsText(ev.Errors)
		}
		if err := in.personLine(t, id, store.ActFailure, member(p), "could not be removed: "+reason, at); err != nil {
			return err
		}
	}
	return nil
}

// businessRemoval decides who removed whom by initiated_by, never by a
// request_id (Meta's BSUID sample shows one in a self-leave). Without
// initiated_by the shape decides: business removals echo "input".
func businessRemoval(ev *whatsapp.GroupEvent) bool {
	switch ev.InitiatedBy {
	case whatsapp.InitiatedByBusiness:
		return true
	case whatsapp.InitiatedByParticipant:
		return false
	}
	for _, p := range ev.RemovedParticipants {
		if p.Input != "" {
			return true
		}
	}
	return len(ev.FailedParticipants) > 0
}

// settings settles each setting's pending change and writes a line per
// setting: changed, or could not be changed and why.
func (in *Ingester) settings(t *store.Tx, id int64, ev *whatsapp.GroupEvent, at int64) error {
	if err := in.settingsResult(t, id, ev); err != nil {
		return err
	}
	for _, s := range []struct {
		label string
		r     *whatsapp.SettingResult
	}{{"subject", ev.GroupSubject}, {"description", ev.GroupDescription}, {"photo", ev.ProfilePicture}} {
		if s.r == nil {
			continue
		}
		kind, detail := store.ActSettings, "The "+s.label+" was changed"
		if !s.r.UpdateSuccessful {
			reason := errorsText(s.r.Errors)
			if reason == "" {
				reason = errorsText(ev.Errors)
			}
			kind, detail = store.ActFailure, "The "+s.label+" could not be changed: "+reason
		}
		if err := t.Activity(id, kind, "", detail, at); err != nil {
			return err
		}
	}
	return nil
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
	at := ms(ev.Timestamp)
	if len(ev.Errors) > 0 {
		reason := errorsText(ev.Errors)
		if err := t.GroupCreateFailed(id, reason); err != nil {
			return "", err
		}
		return "", t.Activity(id, store.ActFailure, "", "WhatsApp could not create the group: "+reason, at)
	}
	if ev.GroupID == "" {
		return "", errors.New("group_create without group_id")
	}
	if err := t.GroupCreated(store.GroupCreatedEvent{GroupID: id, WaGroupID: ev.GroupID, InviteLink: ev.InviteLink, Subject: ev.Subject, Mode: ev.JoinApprovalMode, At: at}); err != nil {
		return "", err
	}
	if err := t.Activity(id, store.ActCreated, "", "The group was created", at); err != nil {
		return "", err
	}
	if err := in.emit(t, hooks.GroupCreated, id, ev.GroupID, at, map[string]any{"subject": ev.Subject,
		"invite_link": ev.InviteLink}); err != nil {
		return "", err
	}
	return "", in.resume(t, "group:"+ev.GroupID)
}
