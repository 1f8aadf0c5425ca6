package store

import (
	"context"
	"fmt"
)

// Participant event kinds: the participants states a person moves through.
const (
	EventJoined  = "joined"
	EventLeft    = "left"
	EventRemoved = "removed"
)

// Participant event routes besides the webhook's own join reason
// (invite_link, ...): found by a sync, or everyone removed when the
// group was deleted.
const (
	ViaSync         = "sync"
	ViaGroupDeleted = "group_deleted"
)

// Join routes: WhatsApp reports a join through the invite link and a join
// after an approved join request alike (group_participants_add, reason
// invite_link); ingest records the second as ViaJoinRequest.
const (
	ViaInviteLink  = "invite_link"
	ViaJoinRequest = "join_request"
)

// participantEvent appends one join, leave or removal to the person's
// history. The same event applied again right after itself (a replayed
// webhook) is kept once; webhook times are whole seconds, so a join,
// leave and rejoin within one second are still three events, and an
// older event arriving late is history too (unlike the participants row,
// which keeps the newest). One statement, prepared once per transaction;
// the latest event is found from the (member_key, at) index's newest end.
func (t *Tx) participantEvent(groupID int64, key, kind, via string, at int64) error {
	_, err := t.exec(`INSERT INTO participant_events (member_key, group_id, kind, via, at)
		SELECT ?1, ?2, ?3, ?4, ?5 WHERE NOT EXISTS (SELECT 1 FROM (SELECT kind, at FROM participant_events
			WHERE member_key = ?1 AND group_id = ?2 ORDER BY at DESC, id DESC LIMIT 1) WHERE kind = ?3 AND at = ?5)`,
		key, groupID, kind, via, at)
	if err != nil {
		return fmt.Errorf("store: participant event: %w", err)
	}
	return nil
}

// ParticipantEvent is one join, leave or removal of a person, with the
// group it happened in.
type ParticipantEvent struct {
	ID          int64
	GroupID     int64
	Subject     string
	GroupStatus string
	Kind        string // EventJoined, EventLeft, EventRemoved
	Via         string // how they joined, or ViaSync, ViaGroupDeleted
	At          int64
}

// EventCursor is where a page of a person's history starts: events
// strictly older than (At, ID). The zero cursor starts at the newest.
type EventCursor struct {
	At int64
	ID int64
}

// PersonEvents returns up to limit of key's joins, leaves and removals in
// every group, newest first, older than before. The (member_key, at)
// index, which ends in the rowid, yields them in that order, so a page
// reads only its own rows however long the history.
func (s *Store) PersonEvents(ctx context.Context, key string, before EventCursor, limit int) ([]ParticipantEvent, error) {
	if before.At <= 0 {
		before = EventCursor{At: 1<<63 - 1, ID: 1<<63 - 1}
	}
	rows, err := s.r.QueryContext(ctx, `SELECT e.id, e.group_id, g.subject, g.status, e.kind, e.via, e.at
		FROM participant_events e JOIN groups g ON g.id = e.group_id
		WHERE e.member_key = ? AND (e.at, e.id) < (?, ?)
		ORDER BY e.at DESC, e.id DESC LIMIT ?`, key, before.At, before.ID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: person events: %w", err)
	}
	defer rows.Close()
	out := []ParticipantEvent{}
	for rows.Next() {
		var e ParticipantEvent
		if err := rows.Scan(&e.ID, &e.GroupID, &e.Subject, &e.GroupStatus, &e.Kind, &e.Via, &e.At); err != nil {
			return nil, fmt.Errorf("store: person events: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
