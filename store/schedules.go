package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
)

// Schedule states.
const (
	ScheduleActive    = "active"
	SchedulePaused    = "paused"
	ScheduleCancelled = "cancelled"
	ScheduleDone      = "done" // the rule has no further occurrence
)

// Schedule targets: hand-picked groups, or a saved filter resolved at
// each occurrence (so groups made later are included).
const (
	TargetGroups = "groups"
	TargetFilter = "filter"
)

// Schedule is a message sent at the occurrences of a recurrence rule.
// The rule's fields are kept as written (local date and time in TimeZone);
// package schedule turns them into instants.
type Schedule struct {
	ID           int64
	Kind         string
	Body         string
	Payload      Payload
	MediaID      string
	MediaMime    string
	MediaName    string
	TimeZone     string
	StartLocal   string // "2006-01-02T15:04"
	Freq         string // once, daily, weekly, monthly
	Weekdays     int    // bit n set = time.Weekday(n)
	MonthDay     int
	UntilDate    string // "2006-01-02", inclusive; "" = no end date
	MaxCount     int
	TargetKind   string
	GroupIDs     []int64
	FilterPool   int64
	FilterPrefix string
	State        string
	NextAt       int64 // Unix ms; 0 = no further occurrence
	CreatedBy    int64
	Author       string // the author's e-mail, when read
	CreatedAt    int64
	UpdatedAt    int64
}

// Message returns the message one group gets at an occurrence.
func (s *Schedule) Message(groupID int64) *Message {
	return &Message{GroupID: groupID, Kind: s.Kind, Body: s.Body, Payload: s.Payload, MediaID: s.MediaID,
		MediaMime: s.MediaMime, MediaName: s.MediaName, CreatedBy: s.CreatedBy}
}

const scheduleCols = `s.id, s.kind, s.body, s.payload, s.media_id, s.media_mime, s.media_name, s.time_zone,
	s.start_local, s.freq, s.weekdays, s.month_day, s.until_date, s.max_count, s.target_kind, s.group_ids,
	s.filter_pool, s.filter_prefix, s.state, s.next_at, coalesce(s.created_by, 0),
	coalesce((SELECT email FROM users u WHERE u.id = s.created_by), ''), s.created_at, s.updated_at`

func scanSchedule(row interface{ Scan(...any) error }) (*Schedule, error) {
	var s Schedule
	var payload, ids string
	err := row.Scan(&s.ID, &s.Kind, &s.Body, &payload, &s.MediaID, &s.MediaMime, &s.MediaName, &s.TimeZone,
		&s.StartLocal, &s.Freq, &s.Weekdays, &s.MonthDay, &s.UntilDate, &s.MaxCount, &s.TargetKind, &ids,
		&s.FilterPool, &s.FilterPrefix, &s.State, &s.NextAt, &s.CreatedBy, &s.Author, &s.CreatedAt, &s.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	if payload != "" {
		if err := json.Unmarshal([]byte(payload), &s.Payload); err != nil {
			return nil, fmt.Errorf("payload of schedule %d: %w", s.ID, err)
		}
	}
	if ids != "" {
		if err := json.Unmarshal([]byte(ids), &s.GroupIDs); err != nil {
			return nil, fmt.Errorf("groups of schedule %d: %w", s.ID, err)
		}
	}
	return &s, nil
}

func (s *Schedule) encoded() (payload, ids string, err error) {
	p, err := json.Marshal(s.Payload)
	if err != nil {
		return "", "", err
	}
	if s.GroupIDs == nil {
		s.GroupIDs = []int64{}
	}
	g, err := json.Marshal(s.GroupIDs)
	return string(p), string(g), err
}

// CreateSchedule stores a new schedule; s.ID is set.
func (t *Tx) CreateSchedule(s *Schedule) error {
	payload, ids, err := s.encoded()
	if err != nil {
		return fmt.Errorf("store: create schedule: %w", err)
	}
	s.CreatedAt, s.UpdatedAt = t.now, t.now
	res, err := t.exec(`INSERT INTO schedules (kind, body, payload, media_id, media_mime, media_name, time_zone,
			start_local, freq, weekdays, month_day, until_date, max_count, target_kind, group_ids, filter_pool,
			filter_prefix, state, next_at, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, nullif(?, 0), ?, ?)`,
		s.Kind, s.Body, payload, s.MediaID, s.MediaMime, s.MediaName, s.TimeZone, s.StartLocal, s.Freq, s.Weekdays,
		s.MonthDay, s.UntilDate, s.MaxCount, s.TargetKind, ids, s.FilterPool, s.FilterPrefix, s.State, s.NextAt,
		s.CreatedBy, s.CreatedAt, s.UpdatedAt)
	if err != nil {
		return fmt.Errorf("store: create schedule: %w", err)
	}
	s.ID, _ = res.LastInsertId()
	return nil
}

// UpdateSchedule replaces a schedule's message, rule, target, state and
// next occurrence (an edit); the author stays.
func (t *Tx) UpdateSchedule(s *Schedule) error {
	payload, ids, err := s.encoded()
	if err != nil {
		return fmt.Errorf("store: update schedule: %w", err)
	}
	s.UpdatedAt = t.now
	res, err := t.exec(`UPDATE schedules SET kind = ?, body = ?, payload = ?, media_id = ?, media_mime = ?,
			media_name = ?, time_zone = ?, start_local = ?, freq = ?, weekdays = ?, month_day = ?, until_date = ?,
			max_count = ?, target_kind = ?, group_ids = ?, filter_pool = ?, filter_prefix = ?, state = ?,
			next_at = ?, updated_at = ?
		WHERE id = ?`, s.Kind, s.Body, payload, s.MediaID, s.MediaMime, s.MediaName, s.TimeZone, s.StartLocal,
		s.Freq, s.Weekdays, s.MonthDay, s.UntilDate, s.MaxCount, s.TargetKind, ids, s.FilterPool, s.FilterPrefix,
		s.State, s.NextAt, s.UpdatedAt, s.ID)
	if err != nil {
		return fmt.Errorf("store: update schedule: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// SetScheduleState changes a schedule's state and next occurrence.
func (t *Tx) SetScheduleState(id int64, state string, nextAt int64) error {
	res, err := t.exec(`UPDATE schedules SET state = ?, next_at = ?, updated_at = ? WHERE id = ?`, state, nextAt, t.now, id)
	if err != nil {
		return fmt.Errorf("store: schedule state: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// Schedule reads one schedule inside the transaction, so a change decided
// from it cannot race another writer.
func (t *Tx) Schedule(id int64) (*Schedule, error) {
	s, err := scanSchedule(t.queryRow(`SELECT `+scheduleCols+` FROM schedules s WHERE s.id = ?`, id))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("store: schedule %d: %w", id, err)
	}
	return s, err
}

// ScheduleByID returns one schedule.
func (s *Store) ScheduleByID(ctx context.Context, id int64) (*Schedule, error) {
	sc, err := scanSchedule(s.r.QueryRowContext(ctx, `SELECT `+scheduleCols+` FROM schedules s WHERE s.id = ?`, id))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("store: schedule %d: %w", id, err)
	}
	return sc, err
}

// Schedules lists schedules: active and paused first by next occurrence,
// then finished ones, newest first. Cancelled and done ones only when all.
func (s *Store) Schedules(ctx context.Context, all bool) ([]*Schedule, error) {
	cond := `WHERE s.state IN ('active', 'paused')`
	if all {
		cond = ``
	}
	rows, err := s.r.QueryContext(ctx, `SELECT `+scheduleCols+` FROM schedules s `+cond+`
		ORDER BY s.state NOT IN ('active', 'paused'), s.next_at = 0, s.next_at, s.id DESC`)
	if err != nil {
		return nil, fmt.Errorf("store: schedules: %w", err)
	}
	defer rows.Close()
	var out []*Schedule
	for rows.Next() {
		sc, err := scanSchedule(rows)
		if err != nil {
			return nil, fmt.Errorf("store: schedules: %w", err)
		}
		out = append(out, sc)
	}
	return out, rows.Err()
}

// DueSchedules returns the active schedules whose next occurrence is at
// or before the Unix-ms time now, earliest first.
func (s *Store) DueSchedules(ctx context.Context, now int64) ([]int64, error) {
	rows, err := s.w.QueryContext(ctx, `SELECT id FROM schedules WHERE state = 'active' AND next_at > 0 AND next_at <= ?
		ORDER BY next_at, id`, now)
	if err != nil {
		return nil, fmt.Errorf("store: due schedules: %w", err)
	}
	return collectIDs(rows)
}

// NextScheduleAt returns the earliest next occurrence of an active
// schedule; ok is false when there is none.
func (s *Store) NextScheduleAt(ctx context.Context) (at int64, ok bool, err error) {
	var v sql.NullInt64
	err = s.w.QueryRowContext(ctx, `SELECT min(next_at) FROM schedules WHERE state = 'active' AND next_at > 0`).Scan(&v)
	if err != nil {
		return 0, false, fmt.Errorf("store: next schedule: %w", err)
	}
	return v.Int64, v.Valid, nil
}

// The audited schedule actions (kept beside schedules to keep audit.go's
// list stable for other changes).
const (
	AuditScheduleCreate AuditAction = "schedule.create"
	AuditScheduleEdit   AuditAction = "schedule.edit"
	AuditSchedulePause  AuditAction = "schedule.pause"
	AuditScheduleResume AuditAction = "schedule.resume"
	AuditScheduleSkip   AuditAction = "schedule.skip"
	AuditScheduleCancel AuditAction = "schedule.cancel"
	AuditUserTimeZone   AuditAction = "user.time_zone"
	AuditSandboxClock   AuditAction = "sandbox.clock"
)
