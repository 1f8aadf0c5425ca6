package reconcile

import (
	"context"
	"fmt"

	"groupdeck/store"
)

// goneGroup is an active group WhatsApp answered "unknown" for, and when
// (Unix ms).
type goneGroup struct {
	g  *store.Group
	at int64
}

// heldDetail is shown beside each group whose deletion the guard held.
const heldDetail = "WhatsApp answered that this group does not exist; not marked deleted"

// guardMessage says why a run must not mark its gone groups deleted, or
// "" when it may. A wrong WA_PHONE_NUMBER_ID, a token of another
// business, an outage or a reset sandbox all make WhatsApp call every
// group unknown; real deletions come one or a few at a time.
//
// An empty listing is trusted only when it agrees with the group reads:
// the few groups here (no more than GuardMin) all answered unknown, so
// one group really deleted is still marked deleted. A wrong phone number
// id, by contrast, empties the listing while group reads still work.
func (s *Syncer) guardMessage(activeHere, gone int, listingEmpty bool) string {
	switch {
	case gone > s.GuardMin && gone*100 > activeHere*s.GuardPercent:
		return fmt.Sprintf("WhatsApp answered that %d of %d groups do not exist: "+
			"check the phone number id and token; nothing was marked deleted", gone, activeHere)
	case listingEmpty && (gone < activeHere || gone > s.GuardMin):
		return fmt.Sprintf("WhatsApp listed no groups on this number while %d are active here: "+
			"check the phone number id and token; nothing was marked deleted or failed", activeHere)
	}
	return ""
}

// settleGone marks the gone groups deleted, unless the guard holds them:
// then none is, the finding is stored for the home page and an admin's
// review, and audit-logged. A run the guard lets through clears an
// earlier finding, since WhatsApp answers normally again. It reports
// whether the run's answers are trusted (nothing was held).
func (s *Syncer) settleGone(ctx context.Context, gone []goneGroup, activeHere int, listingEmpty bool, rep *Report, byUser int64) (bool, error) {
	msg := s.guardMessage(activeHere, len(gone), listingEmpty)
	if msg == "" {
		for _, gg := range gone {
			if err := s.heal(ctx, gg.g, store.RemoteGroup{Deleted: true}, gg.at, rep, byUser); err != nil {
				return false, err
			}
		}
		return true, s.clearGuard(ctx, byUser)
	}
	rep.Guard = msg
	held := &store.SyncGuard{At: s.now().UnixMilli(), Message: msg, Held: []store.HeldGroup{}}
	for _, gg := range gone {
		rep.Held = append(rep.Held, Drift{GroupID: gg.g.ID, Subject: gg.g.Subject, Detail: heldDetail})
		held.Held = append(held.Held, store.HeldGroup{GroupID: gg.g.ID, SeenAt: gg.at})
	}
	if err := s.Store.HoldDeletions(ctx, held, byUser); err != nil {
		return false, err
	}
	s.Log.Warn("sync held deletions", "unknown", len(gone), "active", activeHere, "listing_empty", listingEmpty)
	s.tellGuard(held)
	return false, nil
}

func (s *Syncer) clearGuard(ctx context.Context, byUser int64) error {
	old, err := s.Store.ClearSyncGuard(ctx, byUser, store.AuditSyncGuardCleared,
		"WhatsApp answered normally again; the %d held deletions were dropped")
	if err != nil || old == nil {
		return err
	}
	s.tellGuard(old)
	return nil
}

// ConfirmHeld marks the held groups ids deleted at an admin's explicit
// request and returns how many were. Groups no longer active here (a
// webhook deleted one meanwhile) are skipped; the rest stay held. It
// waits for a running sync, so it never races one.
func (s *Syncer) ConfirmHeld(ctx context.Context, byUser int64, ids []int64) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, before, touched, err := s.Store.ConfirmHeld(ctx, ids, s.now().UnixMilli(), byUser)
	if err != nil || before == nil {
		return n, err
	}
	s.Notify.GroupsChanged(touched...)
	s.tellGuard(before)
	return n, nil
}

// DismissHeld drops the guard's finding without deleting anything (the
// groups are fine, the configuration was fixed). The next sync checks
// again.
func (s *Syncer) DismissHeld(ctx context.Context, byUser int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	old, err := s.Store.ClearSyncGuard(ctx, byUser, store.AuditSyncGuardDismiss, "kept %d groups WhatsApp had called unknown")
	if err != nil || old == nil {
		return err
	}
	s.tellGuard(old)
	return nil
}

// tellGuard refreshes open pages after the guard's finding changed: the
// held groups' pages and, through the global feed, the home page warning.
func (s *Syncer) tellGuard(g *store.SyncGuard) {
	ids := make([]int64, 0, len(g.Held))
	for _, h := range g.Held {
		ids = append(ids, h.GroupID)
	}
	if len(ids) == 0 {
		ids = append(ids, 0) // an empty listing held nothing; still tell the home page
	}
	s.Notify.GroupsChanged(ids...)
}
