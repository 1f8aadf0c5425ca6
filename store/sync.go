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

// SyncTargets lists the groups reconciliation checks: those WhatsApp
// knows about and the app believes alive.
func (s *Store) SyncTargets(ctx context.Context) ([]*Group, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+groupCols+` FROM groups
		WHERE wa_group_id IS NOT NULL AND wa_group_id <> '' AND status IN ('active', 'deleting') ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("store: sync targets: %w", err)
	}
	defer rows.Close()
	var out []*Group
	for rows.Next() {
		g, err := scanGroup(rows)
		if err != nil {
			return nil, fmt.Errorf("store: sync targets: %w", err)
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// Reconcile heals one group's drift from what the API reported at time
// at (Unix ms, when it was fetched), in one transaction, and returns a
// sentence per drift found. Each drift is also written to the activity
// feed. A webhook event newer than at wins over the snapshot, so a join
// that raced the sync is not undone. The group is marked confirmed.
func (s *Store) Reconcile(ctx context.Context, groupID int64, r RemoteGroup, at int64) (drifts []string, touched []int64, err error) {
	touched, err = s.WithTx(ctx, func(t *Tx) error {
		drifts = nil
		g, err := scanGroup(t.queryRow(`SELECT `+groupCols+` FROM groups WHERE id = ?`, groupID))
		if err != nil {
			return err
		}
		note := func(who, d string) error {
			drifts = append(drifts, d)
			return t.Activity(groupID, ActDrift, who, d, t.now)
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

func (t *Tx) reconcileMembers(groupID int64, remote []Member, at int64, note func(who, d string) error) error {
	rows, err := t.query(`SELECT member_key, wa_id, user_id, event_at FROM participants
		WHERE group_id = ? AND state = 'member'`, groupID)
	if err != nil {
		return fmt.Errorf("store: reconcile members: %w", err)
	}
	type local struct {
		m       Member
		eventAt int64
	}
	var locals []local
	for rows.Next() {
		var l local
		var key string
		if err := rows.Scan(&key, &l.m.WaID, &l.m.UserID, &l.eventAt); err != nil {
			rows.Close()
			return err
		}
		if l.m.WaID == "" && l.m.UserID == "" {
			l.m.WaID = key
		}
		locals = append(locals, l)
	}
	rows.Close()
	same := func(a, b Member) bool {
		return (a.WaID != "" && a.WaID == b.WaID) || (a.UserID != "" && a.UserID == b.UserID)
	}
	for _, rm := range remote {
		found := false
		for _, l := range locals {
			found = found || same(l.m, rm)
		}
		if found || rm.Key() == "" {
			continue
		}
		// A newer leave webhook wins; ParticipantJoined checks event_at.
		if err := t.ParticipantJoined(groupID, rm, "sync", at); err != nil {
			return err
		}
		if err := note(memberName(rm), "is in the group on WhatsApp but was missing here; added"); err != nil {
			return err
		}
	}
	for _, l := range locals {
		found := false
		for _, rm := range remote {
			found = found || same(l.m, rm)
		}
		if found || l.eventAt > at {
			continue
		}
		if err := t.ParticipantGone(groupID, l.m, "left", at); err != nil {
			return err
		}
		if err := note(memberName(l.m), "is no longer in the group on WhatsApp; marked as gone"); err != nil {
			return err
		}
	}
	return nil
}

func memberName(m Member) string {
	if m.WaID != "" {
		return "+" + m.WaID
	}
	return m.UserID
}
