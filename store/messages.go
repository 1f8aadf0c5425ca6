package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
)

// Message states.
const (
	MsgQueued   = "queued"
	MsgSending  = "sending"
	MsgSent     = "sent"
	MsgFailed   = "failed"
	MsgReceived = "received"
)

// Message kinds besides the media kinds ("image", "video", "audio",
// "document", "sticker") and "unsupported" (inbound only).
const (
	KindText     = "text"
	KindTemplate = "template"
	KindPin      = "pin"
	KindUnpin    = "unpin"
)

// Payload holds the kind-specific fields of an outgoing message.
type Payload struct {
	PreviewURL bool     `json:"preview_url,omitempty"`
	Template   string   `json:"template,omitempty"`
	Language   string   `json:"language,omitempty"`
	Params     []string `json:"params,omitempty"`
	Target     string   `json:"target,omitempty"` // pin/unpin: the pinned message's wamid
	Days       int      `json:"days,omitempty"`   // pin duration
	// Templates chosen from the account's list: whether the template uses
	// named parameters, its media header format (the media is the
	// message's MediaID), and every filled variable in reading order.
	Named  bool          `json:"named,omitempty"`
	Header string        `json:"header,omitempty"`
	Vars   []TemplateVar `json:"vars,omitempty"`
}

// TemplateVar is one filled template variable; Key is "header.<var>",
// "body.<var>" or "button.<index>.<var>".
type TemplateVar struct {
	Key  string `json:"key"`
	Text string `json:"text"`
}

// Message is one message in a group's timeline, either way.
type Message struct {
	ID         int64
	GroupID    int64
	Direction  string
	WAMID      string
	Kind       string
	Body       string // text, caption, or a summary
	Payload    Payload
	MediaID    string
	MediaMime  string
	MediaName  string
	SenderKey  string
	SenderName string
	// The author's username and phone number as last known (read with the
	// receipt counts).
	SenderUsername string
	SenderWaID     string
	State          string
	Error          string
	Attempts       int
	InDoubt        bool
	JobItemID      int64
	CreatedBy      int64
	CreatedAt      int64
	SentAt         int64
	ClaimedAt      int64
	PinnedAt       int64
	PinnedUntil    int64
	Delivered      int // participants who have it
	Read           int // participants who read it
	Failed         int // participants it could not reach
}

// QueueMessage runs (*Tx).QueueMessage in a transaction of its own.
func (s *Store) QueueMessage(ctx context.Context, m *Message) error {
	return s.write(ctx, func(t *Tx) error { return t.QueueMessage(m) })
}

// QueueMessage stores an outgoing message before anything is sent, so a
// crash cannot lose it; the outbox worker sends it. A message with a
// JobItemID is queued at most once: queueing it again returns the
// existing row in m.
func (t *Tx) QueueMessage(m *Message) error {
	if m.JobItemID != 0 {
		existing, err := t.messageByJobItem(m.JobItemID)
		if err == nil {
			*m = *existing
			return nil
		}
		if !errors.Is(err, ErrNotFound) {
			return err
		}
	}
	payload, err := json.Marshal(m.Payload)
	if err != nil {
		return fmt.Errorf("store: queue message: %w", err)
	}
	m.Direction, m.State, m.CreatedAt = "out", MsgQueued, t.now
	res, err := t.exec(`INSERT INTO messages (group_id, direction, kind, body, payload,
			media_id, media_mime, media_name, state, job_item_id, created_by, created_at)
		VALUES (?, 'out', ?, ?, ?, ?, ?, ?, 'queued', nullif(?, 0), nullif(?, 0), ?)`,
		m.GroupID, m.Kind, m.Body, string(payload), m.MediaID, m.MediaMime, m.MediaName, m.JobItemID, m.CreatedBy, m.CreatedAt)
	if isUnique(err) && m.JobItemID != 0 {
		existing, err := t.messageByJobItem(m.JobItemID)
		if err != nil {
			return err
		}
		*m = *existing
		return nil
	}
	if err != nil {
		return fmt.Errorf("store: queue message: %w", err)
	}
	m.ID, _ = res.LastInsertId()
	return nil
}

const messageCols = `m.id, m.group_id, m.direction, coalesce(m.wamid, ''), m.kind, m.body, m.payload,
	m.media_id, m.media_mime, m.media_name, m.sender_key, m.sender_name, m.state, m.error, m.attempts,
	m.in_doubt, coalesce(m.job_item_id, 0), coalesce(m.created_by, 0), m.created_at, m.sent_at, m.claimed_at,
	m.pinned_at, m.pinned_until`

// receiptCounts adds per-participant counts; participant ” is the
// group-level row ("sent", or a failure of the whole message).
const receiptCounts = `,
	coalesce((SELECT count(*) FROM receipts r WHERE r.wamid = m.wamid AND r.participant <> '' AND r.delivered_at > 0), 0),
	coalesce((SELECT count(*) FROM receipts r WHERE r.wamid = m.wamid AND r.participant <> '' AND r.read_at > 0), 0),
	coalesce((SELECT count(*) FROM receipts r WHERE r.wamid = m.wamid AND r.participant <> '' AND r.failed <> ''), 0)` + senderCols

// senderCols adds the author's username and phone as last known.
const senderCols = `,
	coalesce((SELECT username FROM people WHERE key = m.sender_key), ''),
	coalesce((SELECT wa_id FROM people WHERE key = m.sender_key), '')`

// scanMessages reads every row of a message list and closes rows.
func scanMessages(rows *sql.Rows, counts bool) ([]Message, error) {
	defer rows.Close()
	var out []Message
	for rows.Next() {
		m, err := scanMessage(rows, counts)
		if err != nil {
			return nil, err
		}
		out = append(out, *m)
	}
	return out, rows.Err()
}

func scanMessage(row interface{ Scan(...any) error }, counts bool) (*Message, error) {
	var m Message
	var payload string
	dest := []any{&m.ID, &m.GroupID, &m.Direction, &m.WAMID, &m.Kind, &m.Body, &payload,
		&m.MediaID, &m.MediaMime, &m.MediaName, &m.SenderKey, &m.SenderName, &m.State, &m.Error, &m.Attempts,
		&m.InDoubt, &m.JobItemID, &m.CreatedBy, &m.CreatedAt, &m.SentAt, &m.ClaimedAt, &m.PinnedAt, &m.PinnedUntil}
	if counts {
		dest = append(dest, &m.Delivered, &m.Read, &m.Failed, &m.SenderUsername, &m.SenderWaID)
	}
	if err := row.Scan(dest...); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrNotFound
		}
		return nil, err
	}
	if payload != "" {
		if err := json.Unmarshal([]byte(payload), &m.Payload); err != nil {
			return nil, fmt.Errorf("payload of message %d: %w", m.ID, err)
		}
	}
	return &m, nil
}

const messageByJobItem = `SELECT ` + messageCols + receiptCounts + ` FROM messages m WHERE m.job_item_id = ?`

func (t *Tx) messageByJobItem(itemID int64) (*Message, error) {
	return jobItemMessage(t.queryRow(messageByJobItem, itemID), itemID)
}

// MessageByJobItem returns the message a send-to-many job item queued. It
// reads on the writer, so it sees a message queued a moment ago.
func (s *Store) MessageByJobItem(ctx context.Context, itemID int64) (*Message, error) {
	return jobItemMessage(s.w.QueryRowContext(ctx, messageByJobItem, itemID), itemID)
}

func jobItemMessage(row *sql.Row, itemID int64) (*Message, error) {
	m, err := scanMessage(row, true)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("store: message of job item %d: %w", itemID, err)
	}
	return m, err
}

// MessageByID returns one message of a group, with receipt counts.
func (s *Store) MessageByID(ctx context.Context, groupID, id int64) (*Message, error) {
	m, err := scanMessage(s.r.QueryRowContext(ctx, `SELECT `+messageCols+receiptCounts+`
		FROM messages m WHERE m.group_id = ? AND m.id = ?`, groupID, id), true)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("store: message %d: %w", id, err)
	}
	return m, err
}

// Messages returns a group's newest messages, oldest first, with receipt
// counts for outgoing ones. Pin and unpin commands are left out: they show
// as a badge on the message they pin.
func (s *Store) Messages(ctx context.Context, groupID int64, limit int) ([]Message, error) {
	return s.MessagesBefore(ctx, groupID, Message{}, limit)
}

// MessagesBefore is Messages for the page of messages older than before
// (by created_at, then id); a zero before starts at the newest.
func (s *Store) MessagesBefore(ctx context.Context, groupID int64, before Message, limit int) ([]Message, error) {
	if before.ID == 0 {
		before.CreatedAt, before.ID = math.MaxInt64, math.MaxInt64
	}
	// The counts are taken for the page of messages only, in one pass.
	rows, err := s.r.QueryContext(ctx, `SELECT `+messageCols+`,
			count(r.delivered_at > 0 OR NULL), count(r.read_at > 0 OR NULL), count(r.failed <> '' OR NULL)`+senderCols+`
		FROM (SELECT * FROM messages WHERE group_id = ? AND kind NOT IN ('pin', 'unpin')
			AND (created_at, id) < (?, ?)
			ORDER BY created_at DESC, id DESC LIMIT ?) m
		LEFT JOIN receipts r ON r.wamid = m.wamid AND r.participant <> ''
		GROUP BY m.id ORDER BY m.created_at, m.id`, groupID, before.CreatedAt, before.ID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: messages: %w", err)
	}
	out, err := scanMessages(rows, true)
	if err != nil {
		return nil, fmt.Errorf("store: messages: %w", err)
	}
	return out, nil
}

// LastInbound returns when a participant last wrote in the group (0 if
// never): that message opened the group's 24-hour service window.
func (s *Store) LastInbound(ctx context.Context, groupID int64) (int64, error) {
	var at int64
	err := s.r.QueryRowContext(ctx, `SELECT last_inbound_at FROM groups WHERE id = ?`, groupID).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("store: last inbound: %w", err)
	}
	return at, nil
}

// HasMessage reports whether a message with this wamid is stored: an
// inbound message retried after its de-duplication key was pruned is
// then already applied.
func (t *Tx) HasMessage(wamid string) (bool, error) {
	var n int
	if err := t.queryRow(`SELECT count(*) FROM messages WHERE wamid = ?`, wamid).Scan(&n); err != nil {
		return false, fmt.Errorf("store: has message: %w", err)
	}
	return n > 0, nil
}

// InboundMessage stores a message a participant wrote in a group.
func (t *Tx) InboundMessage(groupID int64, wamid, kind, body string, sender Member, at int64) error {
	_, err := t.AddInbound(groupID, wamid, kind, body, sender, at)
	return err
}

// AddInbound is InboundMessage reporting whether the message was new: one
// already stored (a retry after its de-duplication key was pruned)
// changes nothing. The insert itself tells, instead of a lookup before it.
func (t *Tx) AddInbound(groupID int64, wamid, kind, body string, sender Member, at int64) (bool, error) {
	key, err := t.Person(sender)
	if err != nil {
		return false, err
	}
	// The id comes from the activity feed's sequence: the row is the
	// message's feed line (activity_feed.go).
	n, err := t.execN(`INSERT INTO messages
		(id, group_id, direction, wamid, kind, body, sender_key, sender_name, state, created_at, sent_at)
		VALUES (`+nextFeedID+`, ?, 'in', ?, ?, ?, ?, ?, 'received', ?, ?) ON CONFLICT (wamid) DO NOTHING`,
		groupID, wamid, kind, body, key, sender.Name, at, at)
	if err != nil {
		return false, fmt.Errorf("store: inbound message: %w", err)
	}
	if n == 0 {
		return false, nil
	}
	t.msg = msgLookup{} // wamid now names a message
	// The sender's name is on their participant rows already: Person
	// stored it and copied it there (copyPerson), or found it stored.
	// last_inbound_at answers LastInbound without an index of inbound
	// messages per group (migration 0021). Meta's times are whole seconds:
	// a busy group's next message often changes neither, and then the row
	// is not rewritten.
	_, err = t.exec(`UPDATE groups SET last_activity_at = max(last_activity_at, ?1),
		last_inbound_at = max(last_inbound_at, ?1) WHERE id = ?2 AND (last_activity_at < ?1 OR last_inbound_at < ?1)`, at, groupID)
	t.touchPart(groupID, PartMessages|PartActivity) // the history lists received messages too
	return err == nil, err
}

func (t *Tx) touchMessage(wamid string, err error) error {
	if err != nil {
		return fmt.Errorf("store: receipt: %w", err)
	}
	gid, ok := t.cachedMessage(wamid)
	if !ok {
		err = t.queryRow(`SELECT group_id FROM messages WHERE wamid = ?`, wamid).Scan(&gid)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if ok = err == nil; ok {
			t.rememberMessage(wamid, gid)
		}
	}
	if ok {
		t.touchPart(gid, PartReceipts)
	}
	// A group status goes on to MatchSendTagged, which asks the same.
	t.msg = msgLookup{wamid: wamid, found: ok}
	return nil
}

// msgLookup is the last receipt's answer to "is wamid a stored message",
// for the MatchSendTagged that follows it in the same status.
type msgLookup struct {
	wamid string
	found bool
}

// GroupByMessage finds the group of a message by its wamid.
func (t *Tx) GroupByMessage(wamid string) (id int64, ok bool, err error) {
	return t.lookup(`SELECT group_id FROM messages WHERE wamid = ?`, wamid)
}

// MediaEvent is the media attached to an inbound message.
type MediaEvent struct {
	WAMID    string // of the message
	MediaID  string
	Mime     string
	Filename string
}

// InboundMedia remembers the media of an inbound message, so staff can
// download it through the app while WhatsApp keeps it (7 days).
func (t *Tx) InboundMedia(e MediaEvent) error {
	if e.MediaID == "" {
		return nil
	}
	_, err := t.exec(`UPDATE messages SET media_id = ?, media_mime = ?, media_name = ?
		WHERE wamid = ? AND direction = 'in'`, e.MediaID, e.Mime, e.Filename, e.WAMID)
	if err != nil {
		return fmt.Errorf("store: inbound media: %w", err)
	}
	return nil
}

// GroupsWithOpenWindow returns the groups in which a participant wrote at
// or after since (Unix ms): their 24-hour customer-service window is open
// when since is now minus 24 hours. A send-to-many review uses it to
// estimate what a utility template would cost.
func (s *Store) GroupsWithOpenWindow(ctx context.Context, since int64) (map[int64]bool, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id FROM groups WHERE last_inbound_at >= ?`, since)
	if err != nil {
		return nil, fmt.Errorf("store: open windows: %w", err)
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: open windows: %w", err)
		}
		out[id] = true
	}
	return out, rows.Err()
}
