package store

import "fmt"

// Part is a set of parts of a group that a change touched, so that open
// pages re-fetch only what shows them (notify names them on the group's
// event stream). A change the store does not classify touches AllParts.
type Part uint16

const (
	// PartParticipants: who is in the group (joins, leaves, adds,
	// removals, their names).
	PartParticipants Part = 1 << iota
	// PartMessages: the timeline, each message's state (queued, sent,
	// failed), pins, the last inbound message (the reply window).
	PartMessages
	// PartReceipts: delivered and read per participant of a message.
	PartReceipts
	// PartRequests: pending join requests.
	PartRequests
	// PartSettings: subject, description, photo, invite link and the
	// pending changes (settings, removals) waiting for their webhook.
	PartSettings
	// PartActivity: the group's history lines.
	PartActivity
	// PartSchedules: scheduled sends to the group.
	PartSchedules

	// AllParts is everything: the group's status changed, or a change
	// the store does not classify.
	AllParts Part = 1<<iota - 1
)

// GroupParts is one group a transaction changed and which parts of it.
type GroupParts struct {
	Group int64
	Parts Part
}

// Touched lists the groups this transaction changed.
func (t *Tx) Touched() []int64 {
	out := make([]int64, len(t.touched))
	for i, g := range t.touched {
		out[i] = g.Group
	}
	return out
}

// TouchedParts says, per group this transaction changed, which parts.
// It is the transaction's own slice (no copy in the writer), so read it
// only once the transaction is done.
func (t *Tx) TouchedParts() []GroupParts { return t.touched }

// touch records that groupID changed in a way the store does not narrow
// down: every part of its pages re-fetches.
func (t *Tx) touch(groupID int64) { t.touchPart(groupID, AllParts) }

// touchPart records that these parts of groupID changed.
func (t *Tx) touchPart(groupID int64, p Part) {
	if t.touchedAt != nil {
		if i, ok := t.touchedAt[groupID]; ok {
			t.touched[i].Parts |= p
			return
		}
		t.touchedAt[groupID] = len(t.touched)
	} else {
		for i := range t.touched {
			if t.touched[i].Group == groupID {
				t.touched[i].Parts |= p
				return
			}
		}
		if len(t.touched) >= 32 {
			t.touchedAt = make(map[int64]int, 64)
			for i, g := range t.touched {
				t.touchedAt[g.Group] = i
			}
			t.touchedAt[groupID] = len(t.touched)
		}
	}
	t.touched = append(t.touched, GroupParts{groupID, p})
}

// touchPerson records that a person's name, username or identifiers
// changed (Person wrote them): the participant lists and join requests
// of every group they are in show them. Most events name someone already
// known exactly, and then Person writes nothing and this does not run;
// nor does it for someone seen for the first time, whom no group lists.
func (t *Tx) touchPerson(key string) error {
	st, err := t.stmt(`SELECT group_id, 1 FROM participants WHERE member_key = ?1
		UNION ALL SELECT group_id, 0 FROM join_requests WHERE member_key = ?1`)
	if err != nil {
		return fmt.Errorf("store: person's groups: %w", err)
	}
	rows, err := st.QueryContext(t.ctx, key)
	if err != nil {
		return fmt.Errorf("store: person's groups: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var member bool
		if err := rows.Scan(&id, &member); err != nil {
			return fmt.Errorf("store: person's groups: %w", err)
		}
		if member {
			t.touchPart(id, PartParticipants) // the receipts panel follows these too
		} else {
			t.touchPart(id, PartRequests)
		}
	}
	return rows.Err()
}
