package reconcile

import (
	"context"
	"errors"
	"fmt"

	"groupdeck/store"
	"groupdeck/whatsapp"
)

// maxImportErrors stops a run whose imports keep failing (a token
// without permission, WhatsApp down) instead of trying thousands more;
// the next run starts over with whatever is still missing.
const maxImportErrors = 20

// importGroups imports the listed groups groupdeck did not create, one
// group-info and one invite-link call each, no transaction open during
// either. Each group is stored in its own short transaction, so a run
// over thousands of groups never holds the write lock across a call, and
// what was imported stays imported if the run stops half-way.
func (s *Syncer) importGroups(ctx context.Context, unknown []whatsapp.GroupSummary, rep *Report, byUser int64) error {
	failures := 0
	for i, lg := range unknown {
		err := s.importOne(ctx, lg, rep, byUser)
		if err == nil || errors.Is(err, errGone) {
			continue
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		s.Log.Warn("sync import failed", "wa_group_id", lg.ID, "err", err)
		failures++
		if isRateLimited(err) || failures >= maxImportErrors {
			rep.Errors = append(rep.Errors, fmt.Sprintf("%d groups made outside groupdeck (stopped after %s; the next sync goes on)",
				len(unknown)-i, whatsapp.Human(err)))
			return nil
		}
		rep.Errors = append(rep.Errors, fmt.Sprintf("%s: %s", lg.Subject, whatsapp.Human(err)))
	}
	return nil
}

func (s *Syncer) importOne(ctx context.Context, lg whatsapp.GroupSummary, rep *Report, byUser int64) error {
	at := s.now().UnixMilli()
	d, err := s.details(ctx, lg, rep)
	if err != nil {
		return err
	}
	var id int64
	imported := false
	detail := fmt.Sprintf("Imported by sync: %q was created outside groupdeck", d.Subject)
	touched, err := s.appeared(ctx, lg.ID, func(t *store.Tx) (err error) {
		id, imported, err = t.ImportGroup(d, at)
		if err != nil || !imported {
			return err
		}
		return t.Audit(store.AuditEntry{UserID: byUser, Action: store.AuditSyncImport, GroupID: id, Detail: detail})
	})
	if err != nil || !imported {
		return err
	}
	rep.Imported++
	s.Notify.GroupsChanged(append(touched, id)...)
	return nil
}
