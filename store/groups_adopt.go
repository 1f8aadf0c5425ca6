package store

import (
	"fmt"
)

// RemoteDetails is what group info and the invite link call said about a
// group reconciliation adopts or imports.
type RemoteDetails struct {
	WaGroupID   string
	Subject     string
	Description string
	Mode        string // join_approval_mode; "" keeps the local one
	Suspended   bool
	CreatedAt   int64 // Unix ms on WhatsApp; 0 = unknown
	InviteLink  string
	Members     []Member
}

// AdoptCreate marks a group whose create webhook never arrived as created,
// with what the API reported at time at, and records the drift. It does
// nothing (ok false) when the group is no longer waiting for its create:
// a webhook that arrived meanwhile wins.
func (t *Tx) AdoptCreate(groupID int64, d RemoteDetails, at int64, detail string) (bool, error) {
	var status, wa string
	err := t.queryRow(`SELECT status, coalesce(wa_group_id, '') FROM groups WHERE id = ?`, groupID).Scan(&status, &wa)
	if err != nil {
		return false, fmt.Errorf("store: adopt create: %w", err)
	}
	if wa != "" || (status != GroupCreating && status != GroupFailed) {
		return false, nil
	}
	if err := t.GroupCreated(GroupCreatedEvent{GroupID: groupID, WaGroupID: d.WaGroupID, InviteLink: d.InviteLink, Subject: d.Subject, Mode: d.Mode, At: at}); err != nil {
		return false, err
	}
	if _, err := t.exec(`UPDATE groups SET description = coalesce(nullif(?, ''), description) WHERE id = ?`,
		d.Description, groupID); err != nil {
		return false, fmt.Errorf("store: adopt create: %w", err)
	}
	if d.Suspended {
		if err := t.GroupSuspended(groupID, true, at); err != nil {
			return false, err
		}
	}
	if err := t.addMembers(groupID, d.Members, at); err != nil {
		return false, err
	}
	return true, t.Activity(groupID, ActDrift, "", detail, 0)
}

// ImportGroup records a group made outside groupdeck, with its people,
// and returns its id. ok is false when the group is already known.
func (t *Tx) ImportGroup(d RemoteDetails, at int64) (id int64, ok bool, err error) {
	if _, known, err := t.GroupByWa(d.WaGroupID); err != nil || known {
		return 0, false, err
	}
	created := d.CreatedAt
	if created == 0 {
		created = t.now
	}
	mode := d.Mode
	if mode == "" {
		mode = "auto_approve"
	}
	t.forgetGroups()
	res, err := t.exec(`INSERT INTO groups (wa_group_id, subject, description, join_approval_mode,
		status, suspended, invite_link, created_at, updated_at, last_activity_at, confirmed_at, imported_at)
		VALUES (?, ?, ?, ?, 'active', ?, ?, ?, ?, ?, ?, ?)`,
		d.WaGroupID, d.Subject, d.Description, mode, d.Suspended, d.InviteLink, created, t.now, t.now, t.now, t.now)
	if err != nil {
		return 0, false, fmt.Errorf("store: import group: %w", err)
	}
	id, _ = res.LastInsertId()
	t.touch(id)
	if err := t.addMembers(id, d.Members, at); err != nil {
		return 0, false, err
	}
	return id, true, t.Activity(id, ActImported, "", "Imported by sync: the group was created outside groupdeck", 0)
}
