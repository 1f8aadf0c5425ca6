package store

import (
	"context"
	"fmt"
)

// RemoteGroup is a group as the Cloud API reports it during
// reconciliation.
type RemoteGroup struct {
	Deleted   bool // gone from the API
	Subject   string
	Suspended bool
	Members   []Member
}

// Reconcile heals one group's drift from what the API reported at time
// at (Unix ms, when it was fetched), in one transaction, and returns a
// sentence per drift found. Each drift is also written to the activity
// feed and audited as healed by byUser (0 for the scheduled sync), in
// the same transaction. A webhook event newer than at wins over the
// snapshot, so a join that raced the sync is not undone. The group is
// marked confirmed.
func (s *Store) Reconcile(ctx context.Context, groupID int64, r RemoteGroup, at int64, byUser int64) (drifts []string, touched []int64, err error) {
	touched, err = s.WithTx(ctx, func(t *Tx) error {
		drifts = nil
		g, err := scanGroup(t.queryRow(`SELECT `+groupCols+` FROM groups WHERE id = ?`, groupID))
		if err != nil {
			return err
		}
		note := func(who, d string) error {
			drifts = append(drifts, d)
			if err := t.Activity(groupID, ActDrift, who, d, t.now); err != nil {
				return err
			}
			return t.Audit(AuditEntry{UserID: byUser, Action: AuditSyncDrift, GroupID: groupID, Detail: d})
		}
		if r.Deleted {
			if err := t.GroupDeleted(groupID, at); err != nil {
				return err
			}
			return note("", "The group was deleted outside groupdeck")
		}
		if r.Subject != "" && r.Subject != g.Subject {
			if _, err := t.exec(`UPDATE groups SET subject = ?, updated_at = ? WHERE id = ?`, r.Subject, t.now, groupID); err != nil {
				return fmt.Errorf("store: reconcile subject: %w", err)
			}
			if err := note("", fmt.Sprintf("The subject was %q on WhatsApp, not %q", r.Subject, g.Subject)); err != nil {
				return err
			}
		}
		if r.Suspended != g.Suspended {
			if err := t.GroupSuspended(groupID, r.Suspended, at); err != nil {
				return err
			}
			if err := note("", fmt.Sprintf("Suspension was %t on WhatsApp", r.Suspended)); err != nil {
				return err
			}
		}
		if err := t.reconcileMembers(groupID, r.Members, at, note); err != nil {
			return err
		}
		_, err = t.exec(`UPDATE groups SET confirmed_at = ? WHERE id = ?`, t.now, groupID)
		t.touch(groupID)
		return err
	})
	if err != nil {
		return nil, nil, fmt.Errorf("store: reconcile group %d: %w", groupID, err)
	}
	return drifts, touched, nil
}
