package store

import (
	"database/sql"
	"errors"
	"fmt"
)

// State changes applied from webhooks. Each takes the event's own time
// (Unix ms) so that events arriving out of order settle on the newest.

// GroupByWa finds a group by its WhatsApp id; ok is false when unknown.
func (t *Tx) GroupByWa(waGroupID string) (id int64, ok bool, err error) {
	return t.lookup(`SELECT id FROM groups WHERE wa_group_id = ?`, waGroupID)
}

// GroupByRequest finds a group by the request id of its create call.
func (t *Tx) GroupByRequest(requestID string) (id int64, ok bool, err error) {
	return t.lookup(`SELECT id FROM groups WHERE request_id = ?`, requestID)
}

func (t *Tx) lookup(q string, arg string) (int64, bool, error) {
	if arg == "" {
		return 0, false, nil
	}
	var id int64
	err := t.queryRow(q, arg).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("store: lookup group: %w", err)
	}
	return id, true, nil
}

// GroupCreatedEvent is WhatsApp's confirmation that a group exists. An
// empty Subject or Mode keeps the one stored.
type GroupCreatedEvent struct {
	GroupID    int64
	WaGroupID  string
	InviteLink string
	Subject    string
	Mode       string // join approval mode
	At         int64
}

// GroupCreated marks a group created, with its WhatsApp id and invite link.
func (t *Tx) GroupCreated(e GroupCreatedEvent) error {
	_, err := t.exec(`UPDATE groups SET wa_group_id = ?, invite_link = ?,
		subject = coalesce(nullif(?, ''), subject), join_approval_mode = coalesce(nullif(?, ''), join_approval_mode),
		status = CASE WHEN status = 'creating' OR status = 'failed' THEN 'active' ELSE status END,
		failure = '', updated_at = ?, last_activity_at = max(last_activity_at, ?), confirmed_at = ?
		WHERE id = ?`, e.WaGroupID, e.InviteLink, e.Subject, e.Mode, t.now, e.At, t.now, e.GroupID)
	if err != nil {
		return fmt.Errorf("store: group created: %w", err)
	}
	t.touch(e.GroupID)
	return nil
}

// GroupCreateFailed records why WhatsApp could not create a group.
func (t *Tx) GroupCreateFailed(id int64, reason string) error {
	_, err := t.exec(`UPDATE groups SET status = 'failed', failure = ?, updated_at = ?
		WHERE id = ? AND status = 'creating'`, reason, t.now, id)
	if err != nil {
		return fmt.Errorf("store: group create failed: %w", err)
	}
	t.touch(id)
	return nil
}

// Member identifies a participant by whatever the webhook gave.
type Member struct {
	WaID     string
	UserID   string
	Username string
	Name     string
}

// Key is the stable key of a member: the phone-based wa_id when known,
// else the business-scoped user id.
func (m Member) Key() string {
	if m.WaID != "" {
		return m.WaID
	}
	return m.UserID
}

// ParticipantJoined adds or re-adds a member unless a newer event for them
// was already applied.
func (t *Tx) ParticipantJoined(groupID int64, m Member, via string, at int64) error {
	if m.Key() == "" {
		return errors.New("store: participant without wa_id or user_id")
	}
	_, err := t.exec(`INSERT INTO participants
		(group_id, member_key, wa_id, user_id, username, name, state, joined_via, joined_at, event_at)
		VALUES (?, ?, ?, ?, ?, ?, 'member', ?, ?, ?)
		ON CONFLICT (group_id, member_key) DO UPDATE SET
			wa_id = coalesce(nullif(excluded.wa_id, ''), wa_id),
			user_id = coalesce(nullif(excluded.user_id, ''), user_id),
			username = coalesce(nullif(excluded.username, ''), username),
			name = coalesce(nullif(excluded.name, ''), name),
			state = 'member', joined_via = excluded.joined_via, joined_at = excluded.joined_at,
			left_at = 0, event_at = excluded.event_at
		WHERE excluded.event_at >= participants.event_at`,
		groupID, m.Key(), m.WaID, m.UserID, m.Username, m.Name, via, at, at)
	if err != nil {
		return fmt.Errorf("store: participant joined: %w", err)
	}
	return t.afterParticipants(groupID, at)
}

// ParticipantGone marks a member as having left ("left") or been removed
// by the business ("removed"), unless a newer event was applied.
func (t *Tx) ParticipantGone(groupID int64, m Member, state string, at int64) error {
	if m.Key() == "" {
		return errors.New("store: participant without wa_id or user_id")
	}
	if k, err := t.resolveKey(groupID, m); err != nil {
		return err
	} else if k != "" {
		m = Member{WaID: k}
	}
	_, err := t.exec(`INSERT INTO participants
		(group_id, member_key, wa_id, user_id, state, left_at, event_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (group_id, member_key) DO UPDATE SET
			state = excluded.state, left_at = excluded.left_at, event_at = excluded.event_at
		WHERE excluded.event_at >= participants.event_at`,
		groupID, m.Key(), m.WaID, m.UserID, state, at, at)
	if err != nil {
		return fmt.Errorf("store: participant gone: %w", err)
	}
	return t.afterParticipants(groupID, at)
}

// resolveKey finds the row a member already has, whichever identifier
// the event used (business removals echo the phone number or BSUID sent).
func (t *Tx) resolveKey(groupID int64, m Member) (string, error) {
	var k string
	err := t.queryRow(`SELECT member_key FROM participants WHERE group_id = ?1
		AND (member_key = ?2 OR (?3 <> '' AND wa_id = ?3) OR (?4 <> '' AND user_id = ?4)) LIMIT 1`,
		groupID, m.Key(), m.WaID, m.UserID).Scan(&k)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return k, err
}

// SetRequestID records the request id of a group's create call.
func (t *Tx) SetRequestID(groupID int64, requestID string) error {
	_, err := t.exec(`UPDATE groups SET request_id = ?, updated_at = ? WHERE id = ?`, requestID, t.now, groupID)
	if err != nil {
		return fmt.Errorf("store: set request id: %w", err)
	}
	t.touch(groupID)
	return nil
}

func (t *Tx) afterParticipants(groupID int64, at int64) error {
	_, err := t.exec(`UPDATE groups SET
		participant_count = (SELECT count(*) FROM participants WHERE group_id = ? AND state = 'member'),
		last_activity_at = max(last_activity_at, ?), updated_at = ?
		WHERE id = ?`, groupID, at, t.now, groupID)
	if err != nil {
		return fmt.Errorf("store: count participants: %w", err)
	}
	t.touch(groupID)
	return nil
}

// SetName remembers a participant's profile name, learnt from a message.
func (t *Tx) SetName(groupID int64, key, name string) error {
	if name == "" {
		return nil
	}
	_, err := t.exec(`UPDATE participants SET name = ? WHERE group_id = ? AND member_key = ?`,
		name, groupID, key)
	return err
}

// InboundMessage stores a message a participant wrote in a group.
func (t *Tx) InboundMessage(groupID int64, wamid, kind, body string, sender Member, at int64) error {
	_, err := t.exec(`INSERT INTO messages
		(group_id, direction, wamid, kind, body, sender_key, sender_name, state, created_at, sent_at)
		VALUES (?, 'in', ?, ?, ?, ?, ?, 'received', ?, ?) ON CONFLICT (wamid) DO NOTHING`,
		groupID, wamid, kind, body, sender.Key(), sender.Name, at, at)
	if err != nil {
		return fmt.Errorf("store: inbound message: %w", err)
	}
	if err := t.SetName(groupID, sender.Key(), sender.Name); err != nil {
		return err
	}
	_, err = t.exec(`UPDATE groups SET last_activity_at = max(last_activity_at, ?) WHERE id = ?`, at, groupID)
	t.touch(groupID)
	return err
}

// ReceiptEvent is one status webhook for one message and participant.
// Group-level statuses ("sent", "failed" without a participant) use
// Participant "".
type ReceiptEvent struct {
	WAMID       string
	Participant string
	Status      string // sent, delivered, read, failed
	At          int64
	Failure     string
}

// Receipt records a status for one message and participant. A read
// implies delivery, so a read without delivered fills both.
func (t *Tx) Receipt(e ReceiptEvent) error {
	wamid, participant, status, at, failure := e.WAMID, e.Participant, e.Status, e.At, e.Failure
	var q string
	switch status {
	case "delivered":
		q = `INSERT INTO receipts (wamid, participant, delivered_at) VALUES (?, ?, ?)
			ON CONFLICT DO UPDATE SET delivered_at = CASE WHEN delivered_at = 0 OR excluded.delivered_at < delivered_at
				THEN excluded.delivered_at ELSE delivered_at END`
	case "read":
		q = `INSERT INTO receipts (wamid, participant, delivered_at, read_at) VALUES (?, ?, ?3, ?3)
			ON CONFLICT DO UPDATE SET read_at = CASE WHEN read_at = 0 THEN excluded.read_at ELSE read_at END,
				delivered_at = CASE WHEN delivered_at = 0 THEN excluded.delivered_at ELSE delivered_at END`
	case "failed":
		_, err := t.exec(`INSERT INTO receipts (wamid, participant, failed) VALUES (?, ?, ?)
			ON CONFLICT DO UPDATE SET failed = excluded.failed`, wamid, participant, failure)
		if err != nil {
			return fmt.Errorf("store: receipt: %w", err)
		}
		if participant == "" {
			_, err = t.exec(`UPDATE messages SET state = 'failed', error = ? WHERE wamid = ?`, failure, wamid)
		}
		return t.touchMessage(wamid, err)
	case "sent":
		_, err := t.exec(`UPDATE messages SET sent_at = CASE WHEN sent_at = 0 THEN ? ELSE sent_at END
			WHERE wamid = ?`, at, wamid)
		return t.touchMessage(wamid, err)
	default:
		return nil
	}
	_, err := t.exec(q, wamid, participant, at)
	return t.touchMessage(wamid, err)
}

func (t *Tx) touchMessage(wamid string, err error) error {
	if err != nil {
		return fmt.Errorf("store: receipt: %w", err)
	}
	var gid int64
	err = t.queryRow(`SELECT group_id FROM messages WHERE wamid = ?`, wamid).Scan(&gid)
	if err == nil {
		t.touch(gid)
	} else if !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	return nil
}
