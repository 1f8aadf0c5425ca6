package store

import (
	"context"
	"fmt"
	"strings"
)

// Occurrence outcomes.
const (
	OccurrenceSent    = "sent"    // messages queued (some groups may have been skipped)
	OccurrenceMissed  = "missed"  // due while the app was down, past the grace period
	OccurrenceSkipped = "skipped" // skipped by staff
	OccurrenceRefused = "refused" // not sent as a whole, e.g. the template is no longer approved
)

// Occurrence is one handled occurrence of a schedule.
type Occurrence struct {
	ScheduleID int64
	At         int64 // the planned time, Unix ms
	Outcome    string
	Reason     string
	Queued     int // messages queued
	Skipped    int // groups skipped, each with its reason
	HandledAt  int64
}

// RecordOccurrence stores an occurrence; ok is false when that
// occurrence was handled before (its key is the schedule and the planned
// time), in which case nothing may be sent for it again.
func (t *Tx) RecordOccurrence(o *Occurrence) (ok bool, err error) {
	o.HandledAt = t.now
	res, err := t.exec(`INSERT INTO schedule_occurrences (schedule_id, at, outcome, reason, queued, skipped, handled_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, o.ScheduleID, o.At, o.Outcome, o.Reason, o.Queued, o.Skipped, o.HandledAt)
	if err != nil {
		return false, fmt.Errorf("store: record occurrence: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// FinishOccurrence stores the counts of a sent occurrence.
func (t *Tx) FinishOccurrence(o *Occurrence) error {
	_, err := t.exec(`UPDATE schedule_occurrences SET queued = ?, skipped = ?, reason = ? WHERE schedule_id = ? AND at = ?`,
		o.Queued, o.Skipped, o.Reason, o.ScheduleID, o.At)
	if err != nil {
		return fmt.Errorf("store: finish occurrence: %w", err)
	}
	return nil
}

// ScheduleSend queues an occurrence's message in one group (m), or, with
// a non-empty skip, records why that group was left out. The key
// (schedule, occurrence, group) is unique: a second send fails.
func (t *Tx) ScheduleSend(scheduleID, at, groupID int64, m *Message, skip string) error {
	var msgID int64
	if skip == "" {
		if err := t.QueueMessage(m); err != nil {
			return err
		}
		msgID = m.ID
		t.touchPart(groupID, PartMessages|PartSchedules)
	}
	_, err := t.exec(`INSERT INTO schedule_sends (schedule_id, at, group_id, message_id, skipped)
		VALUES (?, ?, ?, nullif(?, 0), ?)`, scheduleID, at, groupID, msgID, skip)
	if err != nil {
		return fmt.Errorf("store: schedule send: %w", err)
	}
	return nil
}

// ScheduleTargets resolves a schedule's target now, inside the
// transaction that sends to it: the hand-picked groups that still exist,
// or every group (deleted ones aside) matching the saved filter.
func (t *Tx) ScheduleTargets(s *Schedule) ([]*Group, error) {
	var q string
	var args []any
	switch s.TargetKind {
	case TargetGroups:
		if len(s.GroupIDs) == 0 {
			return nil, nil
		}
		q = `SELECT ` + groupCols + ` FROM groups WHERE id IN (` + strings.TrimSuffix(strings.Repeat("?,", len(s.GroupIDs)), ",") + `) ORDER BY id`
		for _, id := range s.GroupIDs {
			args = append(args, id)
		}
	default:
		q, args = filterQuery(s.FilterPool, s.FilterPrefix)
	}
	rows, err := t.query(q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: schedule targets: %w", err)
	}
	defer rows.Close()
	var out []*Group
	for rows.Next() {
		g, err := scanGroup(rows)
		if err != nil {
			return nil, fmt.Errorf("store: schedule targets: %w", err)
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

func filterQuery(pool int64, prefix string) (string, []any) {
	q := `SELECT ` + groupCols + ` FROM groups WHERE status NOT IN ('deleting', 'deleted')`
	var args []any
	if pool != 0 {
		q += ` AND id IN (SELECT group_id FROM pool_groups WHERE pool_id = ?)`
		args = append(args, pool)
	}
	if prefix != "" {
		q += ` AND subject LIKE ? ESCAPE '\'`
		args = append(args, escapeLike(prefix)+"%")
	}
	return q + ` ORDER BY id`, args
}

// FilterCount says how many groups a saved filter matches now.
func (s *Store) FilterCount(ctx context.Context, pool int64, prefix string) (int, error) {
	q, args := filterQuery(pool, prefix)
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM (`+q+`)`, args...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: filter count: %w", err)
	}
	return n, nil
}

// GroupPools lists the pools a group belongs to.
func (s *Store) GroupPools(ctx context.Context, groupID int64) ([]int64, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT pool_id FROM pool_groups WHERE group_id = ?`, groupID)
	if err != nil {
		return nil, fmt.Errorf("store: group pools: %w", err)
	}
	return collectIDs(rows)
}

// Occurrences returns a schedule's handled occurrences, newest first.
func (s *Store) Occurrences(ctx context.Context, scheduleID int64, limit int) ([]Occurrence, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT schedule_id, at, outcome, reason, queued, skipped, handled_at
		FROM schedule_occurrences WHERE schedule_id = ? ORDER BY at DESC LIMIT ?`, scheduleID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: occurrences: %w", err)
	}
	defer rows.Close()
	var out []Occurrence
	for rows.Next() {
		var o Occurrence
		if err := rows.Scan(&o.ScheduleID, &o.At, &o.Outcome, &o.Reason, &o.Queued, &o.Skipped, &o.HandledAt); err != nil {
			return nil, fmt.Errorf("store: occurrences: %w", err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// OccurrenceSend is one group's result at an occurrence.
type OccurrenceSend struct {
	GroupID   int64
	Subject   string
	MessageID int64
	State     string // of the message: queued, sending, sent, failed
	Error     string
	Skipped   string
}

// MessageNoLongerKept is the state of a schedule send whose message was
// deleted by the message retention (GROUPDECK_KEEP_MESSAGES).
const MessageNoLongerKept = "message no longer kept (past its retention)"

// OccurrenceSends lists each group's result at one occurrence.
func (s *Store) OccurrenceSends(ctx context.Context, scheduleID, at int64) ([]OccurrenceSend, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT ss.group_id, coalesce(g.subject, ''), coalesce(ss.message_id, 0),
			coalesce(m.state, CASE WHEN ss.skipped = '' THEN ? ELSE '' END), coalesce(m.error, ''), ss.skipped
		FROM schedule_sends ss LEFT JOIN groups g ON g.id = ss.group_id LEFT JOIN messages m ON m.id = ss.message_id
		WHERE ss.schedule_id = ? AND ss.at = ? ORDER BY ss.group_id`, MessageNoLongerKept, scheduleID, at)
	if err != nil {
		return nil, fmt.Errorf("store: occurrence sends: %w", err)
	}
	defer rows.Close()
	var out []OccurrenceSend
	for rows.Next() {
		var o OccurrenceSend
		if err := rows.Scan(&o.GroupID, &o.Subject, &o.MessageID, &o.State, &o.Error, &o.Skipped); err != nil {
			return nil, fmt.Errorf("store: occurrence sends: %w", err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// UserTimeZone returns a user's time zone setting, or "" when not set.
func (s *Store) UserTimeZone(ctx context.Context, userID int64) (string, error) {
	var tz string
	err := s.r.QueryRowContext(ctx, `SELECT coalesce((SELECT time_zone FROM user_prefs WHERE user_id = ?), '')`, userID).Scan(&tz)
	if err != nil {
		return "", fmt.Errorf("store: user time zone: %w", err)
	}
	return tz, nil
}

// SetUserTimeZone stores a user's time zone (an IANA name).
func (t *Tx) SetUserTimeZone(userID int64, tz string) error {
	_, err := t.exec(`INSERT INTO user_prefs (user_id, time_zone) VALUES (?, ?)
		ON CONFLICT (user_id) DO UPDATE SET time_zone = excluded.time_zone`, userID, tz)
	if err != nil {
		return fmt.Errorf("store: set user time zone: %w", err)
	}
	return nil
}
