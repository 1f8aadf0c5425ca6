package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Job states.
const (
	JobQueued   = "queued"
	JobRunning  = "running"
	JobWaiting  = "waiting"
	JobDone     = "done"
	JobCanceled = "canceled"
)

// Job is a long-running piece of work made of items, e.g. one group to
// create per item.
type Job struct {
	ID         int64
	Kind       string
	Title      string
	State      string
	Params     []byte // JSON, the kind's own settings
	Total      int
	Done       int
	Failed     int
	Skipped    int
	Note       string // why it waits, e.g. a rate limit
	WaitUntil  int64
	CreatedBy  int64
	CreatedAt  int64
	UpdatedAt  int64
	FinishedAt int64
}

// Processed counts the items that reached a final state.
func (j *Job) Processed() int { return j.Done + j.Failed + j.Skipped }

// Active reports whether the job still has work to do.
func (j *Job) Active() bool {
	return j.State == JobQueued || j.State == JobRunning || j.State == JobWaiting
}

const jobCols = `id, kind, title, state, params, total, done, failed, skipped, note, wait_until,
	coalesce(created_by, 0), created_at, updated_at, finished_at`

func scanJob(row interface{ Scan(...any) error }) (*Job, error) {
	var j Job
	err := row.Scan(&j.ID, &j.Kind, &j.Title, &j.State, &j.Params, &j.Total, &j.Done, &j.Failed, &j.Skipped,
		&j.Note, &j.WaitUntil, &j.CreatedBy, &j.CreatedAt, &j.UpdatedAt, &j.FinishedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	return &j, err
}

// CreateJob runs (*Tx).CreateJob in a transaction of its own.
func (s *Store) CreateJob(ctx context.Context, j *Job, inputs []string) error {
	return s.write(ctx, func(t *Tx) error { return t.CreateJob(j, inputs) })
}

// CreateJob stores a job and its items.
func (t *Tx) CreateJob(j *Job, inputs []string) error {
	j.State, j.Total, j.CreatedAt, j.UpdatedAt = JobQueued, len(inputs), t.now, t.now
	if len(j.Params) == 0 {
		j.Params = []byte("{}")
	}
	res, err := t.exec(`INSERT INTO jobs (kind, title, state, params, total, created_by, created_at, updated_at)
		VALUES (?, ?, 'queued', ?, ?, nullif(?, 0), ?, ?)`, j.Kind, j.Title, j.Params, j.Total, j.CreatedBy, t.now, t.now)
	if err != nil {
		return fmt.Errorf("store: create job: %w", err)
	}
	j.ID, _ = res.LastInsertId()
	for i, in := range inputs {
		if _, err := t.exec(`INSERT INTO job_items (job_id, seq, input, state, updated_at) VALUES (?, ?, ?, 'pending', ?)`,
			j.ID, i+1, in, t.now); err != nil {
			return fmt.Errorf("store: create job item: %w", err)
		}
	}
	return nil
}

// JobByID returns one job.
func (s *Store) JobByID(ctx context.Context, id int64) (*Job, error) {
	j, err := scanJob(s.r.QueryRowContext(ctx, `SELECT `+jobCols+` FROM jobs WHERE id = ?`, id))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("store: job %d: %w", id, err)
	}
	return j, err
}

// Jobs lists the newest jobs, optionally of one kind.
func (s *Store) Jobs(ctx context.Context, kind string, limit int) ([]*Job, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+jobCols+` FROM jobs WHERE ? = '' OR kind = ? ORDER BY id DESC LIMIT ?`,
		kind, kind, limit)
	if err != nil {
		return nil, fmt.Errorf("store: jobs: %w", err)
	}
	defer rows.Close()
	var out []*Job
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, fmt.Errorf("store: jobs: %w", err)
		}
		out = append(out, j)
	}
	return out, rows.Err()
}

// CancelJob runs (*Tx).CancelJob in a transaction of its own.
func (s *Store) CancelJob(ctx context.Context, jobID int64) error {
	return s.write(ctx, func(t *Tx) error { return t.CancelJob(jobID) })
}

// CancelJob skips every item not yet started and stops the job.
func (t *Tx) CancelJob(jobID int64) error {
	res, err := t.exec(`UPDATE job_items SET state = 'skipped', error = 'Canceled', updated_at = ?
		WHERE job_id = ? AND state = 'pending'`, t.now, jobID)
	if err != nil {
		return fmt.Errorf("store: cancel job: %w", err)
	}
	n, _ := res.RowsAffected()
	// A send to many queues its messages ahead of its items (messaging):
	// those not yet claimed by the outbox are taken back, never sent.
	if _, err := t.exec(`UPDATE messages SET state = 'failed', error = ?
		WHERE job_item_id BETWEEN ? AND ? AND state = 'queued'`, ReasonCanceled, jobID*1_000_000, jobID*1_000_000+999_999); err != nil {
		return fmt.Errorf("store: cancel job: %w", err)
	}
	_, err = t.exec(`UPDATE jobs SET skipped = skipped + ?, state = 'canceled', note = '',
		finished_at = ?, updated_at = ? WHERE id = ? AND state IN ('queued', 'running', 'waiting')`, n, t.now, t.now, jobID)
	return err
}

// ReasonCanceled is the error of a message whose send to many was
// canceled before the outbox took it.
const ReasonCanceled = "Not sent: the send to many groups was canceled."
