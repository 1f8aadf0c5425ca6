package ingest

import (
	"strings"

	"groupdeck/store"
	"groupdeck/whatsapp"
)

// settingsResult settles the pending subject/description/photo changes a
// group_settings_update reports on, and stores the confirmed values.
func (in *Ingester) settingsResult(t *store.Tx, id int64, ev *whatsapp.GroupEvent) error {
	var subject, description *string
	for _, s := range []struct {
		kind string
		r    *whatsapp.SettingResult
	}{{store.ChangeSubject, ev.GroupSubject}, {store.ChangeDescription, ev.GroupDescription}, {store.ChangePhoto, ev.ProfilePicture}} {
		if s.r == nil {
			continue
		}
		failure := ""
		if !s.r.UpdateSuccessful {
			failure = errorsText(s.r.Errors)
			if failure == "" {
				failure = errorsText(ev.Errors)
			}
			if failure == "" {
				failure = "WhatsApp did not apply the change"
			}
		} else if s.kind == store.ChangeSubject {
			text := s.r.Text
			subject = &text
		} else if s.kind == store.ChangeDescription {
			text := s.r.Text
			description = &text
		}
		if _, err := t.ResolveChange(store.ChangeEvent{GroupID: id, RequestID: ev.RequestID, Kind: s.kind, Failure: failure}); err != nil {
			return err
		}
		if s.kind == store.ChangePhoto {
			if err := t.PhotoResolved(id, s.r.SHA256, failure == ""); err != nil {
				return err
			}
		}
	}
	return t.SettingsApplied(id, subject, description, ms(ev.Timestamp))
}

// removalResult settles the pending removals a business-initiated
// group_participants_remove reports on, person by person.
func (in *Ingester) removalResult(t *store.Tx, id int64, ev *whatsapp.GroupEvent) error {
	for _, p := range ev.RemovedParticipants {
		key, err := t.Person(member(p))
		if err != nil {
			return err
		}
		if _, err := t.ResolveChange(store.ChangeEvent{GroupID: id, RequestID: ev.RequestID, Kind: store.ChangeRemove, Target: key}); err != nil {
			return err
		}
	}
	for _, p := range ev.FailedParticipants {
		failure := errorsText(p.Errors)
		if failure == "" {
			failure = errorsText(ev.Errors)
		}
		if failure == "" {
			failure = "WhatsApp could not remove this person"
		}
		key, err := t.Person(member(p))
		if err != nil {
			return err
		}
		if _, err := t.ResolveChange(store.ChangeEvent{GroupID: id, RequestID: ev.RequestID, Kind: store.ChangeRemove, Target: key, Failure: failure}); err != nil {
			return err
		}
	}
	return nil
}

// deleteResult finishes a deletion.
func (in *Ingester) deleteResult(t *store.Tx, id int64, ev *whatsapp.GroupEvent) error {
	return t.GroupDeleteApplied(id, ev.RequestID, strings.TrimSpace(errorsText(ev.Errors)))
}
