package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Participant is a person in (or formerly in) a group.
type Participant struct {
	GroupID   int64
	Key       string
	WaID      string
	UserID    string
	Username  string
	Name      string
	State     string
	JoinedVia string
	JoinedAt  int64
	LeftAt    int64
	Label     string // staff's label and note (person_labels), shared across groups
	Note      string
}

// Participants lists a group's current members, earliest first.
func (s *Store) Participants(ctx context.Context, groupID int64) ([]Participant, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT p.group_id, p.member_key, p.wa_id, p.user_id, p.username, p.name, p.state,
		p.joined_via, p.joined_at, p.left_at, coalesce(l.label, ''), coalesce(l.note, '')
		FROM participants p LEFT JOIN person_labels l ON l.member_key = p.member_key
		WHERE p.group_id = ? AND p.state = 'member' ORDER BY p.joined_at, p.member_key`, groupID)
	if err != nil {
		return nil, fmt.Errorf("store: participants: %w", err)
	}
	defer rows.Close()
	var out []Participant
	for rows.Next() {
		var p Participant
		if err := rows.Scan(&p.GroupID, &p.Key, &p.WaID, &p.UserID, &p.Username, &p.Name, &p.State,
			&p.JoinedVia, &p.JoinedAt, &p.LeftAt, &p.Label, &p.Note); err != nil {
			return nil, fmt.Errorf("store: participants: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Member identifies a participant by whatever the webhook gave.
type Member struct {
	WaID         string
	UserID       string
	ParentUserID string
	Username     string
	Name         string
}

// Key is the key a member would get on first sight: the business-scoped
// user id (BSUID) when known, else the phone number. Tx.Person gives the
// key a known person already has.
func (m Member) Key() string {
	if m.UserID != "" {
		return m.UserID
	}
	return m.WaID
}

// ParticipantJoined adds or re-adds a member unless a newer event for them
// was already applied.
func (t *Tx) ParticipantJoined(groupID int64, m Member, via string, at int64) error {
	key, err := t.Person(m)
	if err != nil {
		return err
	}
	if key == "" {
		return errors.New("store: participant without wa_id or user_id")
	}
	// The row shows the person as stored (Person merged m into it), as
	// copyPerson would: then the person's other rows, refreshed whenever
	// the person changes, need no refresh here.
	_, err = t.exec(`INSERT INTO participants
		(group_id, member_key, wa_id, user_id, username, name, state, joined_via, joined_at, event_at)
		SELECT ?1, ?2, coalesce(p.wa_id, ?3), coalesce(p.user_id, ?4), coalesce(p.username, ?5), coalesce(p.name, ?6),
			'member', ?7, ?8, ?8
		FROM (SELECT 1) LEFT JOIN people p ON p.key = ?2 WHERE true
		ON CONFLICT (group_id, member_key) DO UPDATE SET
			wa_id = excluded.wa_id, user_id = excluded.user_id, username = excluded.username,
			name = CASE WHEN excluded.name <> '' THEN excluded.name ELSE participants.name END,
			state = 'member', joined_via = excluded.joined_via, joined_at = excluded.joined_at,
			left_at = 0, event_at = excluded.event_at
		WHERE excluded.event_at >= participants.event_at`,
		groupID, key, m.WaID, m.UserID, m.Username, m.Name, via, at)
	if err != nil {
		return fmt.Errorf("store: participant joined: %w", err)
	}
	if err := t.participantEvent(groupID, key, EventJoined, via, at); err != nil {
		return err
	}
	return t.afterParticipants(groupID, at)
}

// ParticipantGone marks a member as having left ("left") or been removed
// by the business ("removed"), unless a newer event was applied.
func (t *Tx) ParticipantGone(groupID int64, m Member, state string, at int64) error {
	return t.participantGone(groupID, m, state, "", at)
}

// participantGone is ParticipantGone noting in the person's history how
// the leave was learnt (ViaSync when a sync found them gone).
func (t *Tx) participantGone(groupID int64, m Member, state, via string, at int64) error {
	// Business removals echo whichever identifier was sent (phone or
	// BSUID); the person's aliases find their row either way.
	key, err := t.Person(m)
	if err != nil {
		return err
	}
	if key == "" {
		return errors.New("store: participant without wa_id or user_id")
	}
	// A new row shows the person as stored, like ParticipantJoined's.
	_, err = t.exec(`INSERT INTO participants
		(group_id, member_key, wa_id, user_id, username, name, state, left_at, event_at)
		SELECT ?1, ?2, coalesce(p.wa_id, ?3), coalesce(p.user_id, ?4), coalesce(p.username, ''), coalesce(p.name, ''), ?5, ?6, ?6
		FROM (SELECT 1) LEFT JOIN people p ON p.key = ?2 WHERE true
		ON CONFLICT (group_id, member_key) DO UPDATE SET
			state = excluded.state, left_at = excluded.left_at, event_at = excluded.event_at
		WHERE excluded.event_at >= participants.event_at`,
		groupID, key, m.WaID, m.UserID, state, at)
	if err != nil {
		return fmt.Errorf("store: participant gone: %w", err)
	}
	if err := t.participantEvent(groupID, key, state, via, at); err != nil {
		return err
	}
	return t.afterParticipants(groupID, at)
}

func (t *Tx) afterParticipants(groupID int64, at int64) error {
	_, err := t.exec(`UPDATE groups SET
		participant_count = (SELECT count(*) FROM participants WHERE group_id = ? AND state = 'member'),
		last_activity_at = max(last_activity_at, ?), updated_at = ?
		WHERE id = ?`, groupID, at, t.now, groupID)
	if err != nil {
		return fmt.Errorf("store: count participants: %w", err)
	}
	t.touchPart(groupID, PartParticipants)
	return nil
}

// ExportRow is one participant in a CSV export.
type ExportRow struct {
	GroupID      int64
	GroupSubject string
	WaGroupID    string
	Participant
}

// ExportParticipants calls fn for each current member of one group, or of
// every group not deleted when groupID is 0, ordered by group.
func (s *Store) ExportParticipants(ctx context.Context, groupID int64, fn func(ExportRow) error) error {
	cond, args := `g.status NOT IN ('deleting', 'deleted')`, []any{}
	if groupID != 0 {
		cond, args = `g.id = ?`, []any{groupID}
	}
	rows, err := s.r.QueryContext(ctx, `SELECT g.id, g.subject, coalesce(g.wa_group_id, ''), p.member_key, p.wa_id,
		p.user_id, p.username, p.name, p.state, p.joined_via, p.joined_at, p.left_at, coalesce(l.label, ''), coalesce(l.note, '')
		FROM participants p JOIN groups g ON g.id = p.group_id LEFT JOIN person_labels l ON l.member_key = p.member_key
		WHERE p.state = 'member' AND `+cond+` ORDER BY g.id, p.joined_at, p.member_key`, args...)
	if err != nil {
		return fmt.Errorf("store: export participants: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r ExportRow
		if err := rows.Scan(&r.GroupID, &r.GroupSubject, &r.WaGroupID, &r.Key, &r.WaID, &r.UserID, &r.Username, &r.Name,
			&r.State, &r.JoinedVia, &r.JoinedAt, &r.LeftAt, &r.Label, &r.Note); err != nil {
			return fmt.Errorf("store: export participants: %w", err)
		}
		r.Participant.GroupID = r.GroupID
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// IsMember reports whether the person a phone number (wa_id) or BSUID
// names is a current member of the group, whichever identifier their row
// was stored under.
func (s *Store) IsMember(ctx context.Context, groupID int64, id string) (bool, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM participants p WHERE p.group_id = ?1 AND p.state = 'member'
		AND (p.wa_id = ?2 OR p.user_id = ?2 OR p.member_key = ?2
			OR p.member_key = (SELECT person_key FROM person_aliases WHERE alias = ?2))`,
		groupID, id).Scan(&n)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return false, fmt.Errorf("store: is member: %w", err)
	}
	return n > 0, nil
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
		if err := t.ParticipantJoined(groupID, rm, ViaSync, at); err != nil {
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
		if err := t.participantGone(groupID, l.m, EventLeft, ViaSync, at); err != nil {
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

func (t *Tx) addMembers(groupID int64, ms []Member, at int64) error {
	for _, m := range ms {
		if m.Key() == "" {
			continue
		}
		if err := t.ParticipantJoined(groupID, m, ViaSync, at); err != nil {
			return err
		}
	}
	t.touchPart(groupID, PartParticipants)
	return nil
}
