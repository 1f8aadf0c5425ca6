package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// ClaimJobItem takes the next pending item of the oldest job that is not
// waiting, marks it running, and returns it with its job. It returns
// ErrNotFound when nothing is ready.
func (s *Store) ClaimJobItem(ctx context.Context) (*Job, *JobItem, error) {
	var job *Job
	var item JobItem
	err := s.write(ctx, func(t *Tx) error {
		now := t.now
		j, err := scanJob(t.queryRow(`SELECT `+jobCols+` FROM jobs
			WHERE state IN ('queued', 'running', 'waiting') AND wait_until <= ? ORDER BY id LIMIT 1`, now))
		if err != nil {
			return err
		}
		err = t.queryRow(`UPDATE job_items SET state = 'running', attempts = attempts + 1, updated_at = ?
			WHERE job_id = ? AND seq = (SELECT seq FROM job_items WHERE job_id = ? AND state = 'pending' ORDER BY seq LIMIT 1)
			RETURNING job_id, seq, input, state, result, error, attempts, updated_at`, now, j.ID, j.ID).
			Scan(&item.JobID, &item.Seq, &item.Input, &item.State, &item.Result, &item.Error, &item.Attempts, &item.UpdatedAt)
		if errors.Is(err, sql.ErrNoRows) {
			// Nothing pending: a job whose items all ended is done.
			return t.finishIfComplete(j.ID, now)
		}
		if err != nil {
			return err
		}
		if _, err := t.exec(`UPDATE jobs SET state = 'running', note = '', wait_until = 0, updated_at = ? WHERE id = ?`,
			now, j.ID); err != nil {
			return err
		}
		j.State, job = JobRunning, j
		return nil
	})
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, nil, ErrNotFound
		}
		return nil, nil, fmt.Errorf("store: claim job item: %w", err)
	}
	if job == nil {
		return nil, nil, ErrNotFound
	}
	return job, &item, nil
}

func (t *Tx) finishIfComplete(jobID, now int64) error {
	_, err := t.exec(`UPDATE jobs SET state = 'done', note = '', finished_at = ?, updated_at = ?
		WHERE id = ? AND state IN ('queued', 'running', 'waiting')
		AND NOT EXISTS (SELECT 1 FROM job_items WHERE job_id = ? AND state IN ('pending', 'running'))`, now, now, jobID, jobID)
	return err
}

// FinishJobItem records an item's final state (done, failed or skipped)
// and completes the job when it was the last one.
func (s *Store) FinishJobItem(ctx context.Context, jobID int64, seq int, state, result, errText string) error {
	col := map[string]string{ItemDone: "done", ItemFailed: "failed", ItemSkipped: "skipped"}[state]
	if col == "" {
		return fmt.Errorf("store: finish job item: bad state %q", state)
	}
	return s.write(ctx, func(t *Tx) error {
		now := t.now
		res, err := t.exec(`UPDATE job_items SET state = ?, result = ?, error = ?, updated_at = ?
			WHERE job_id = ? AND seq = ? AND state IN ('pending', 'running')`, state, result, errText, now, jobID, seq)
		if err != nil {
			return fmt.Errorf("store: finish job item: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // already final (e.g. canceled meanwhile)
		}
		if _, err := t.exec(`UPDATE jobs SET `+col+` = `+col+` + 1, updated_at = ? WHERE id = ?`, now, jobID); err != nil {
			return fmt.Errorf("store: finish job item: %w", err)
		}
		return t.finishIfComplete(jobID, now)
	})
}

// DelayJobItem puts an item back to pending and makes the whole job wait
// until the given time, with a note saying why.
func (s *Store) DelayJobItem(ctx context.Context, jobID int64, seq int, until int64, note string) error {
	return s.write(ctx, func(t *Tx) error {
		now := t.now
		if _, err := t.exec(`UPDATE job_items SET state = 'pending', error = ?, updated_at = ?
			WHERE job_id = ? AND seq = ? AND state = 'running'`, note, now, jobID, seq); err != nil {
			return fmt.Errorf("store: delay job item: %w", err)
		}
		_, err := t.exec(`UPDATE jobs SET state = 'waiting', wait_until = ?, note = ?, updated_at = ?
			WHERE id = ? AND state <> 'canceled'`, until, note, now, jobID)
		return err
	})
}

// RecoverJobItems handles items left running by a crash: items of kinds
// safe to repeat go back to pending; the others fail, because repeating
// them (a send, a create) could do the work twice.
func (s *Store) RecoverJobItems(ctx context.Context, safeToRepeat func(kind string) bool) (int, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT i.job_id, i.seq, j.kind FROM job_items i JOIN jobs j ON j.id = i.job_id
		WHERE i.state = 'running'`)
	if err != nil {
		return 0, fmt.Errorf("store: recover jobs: %w", err)
	}
	type stuck struct {
		job  int64
		seq  int
		kind string
	}
	var items []stuck
	for rows.Next() {
		var st stuck
		if err := rows.Scan(&st.job, &st.seq, &st.kind); err != nil {
			rows.Close()
			return 0, err
		}
		items = append(items, st)
	}
	rows.Close()
	for _, it := range items {
		if safeToRepeat(it.kind) {
			_, err = s.exec(ctx, `UPDATE job_items SET state = 'pending' WHERE job_id = ? AND seq = ?`, it.job, it.seq)
		} else {
			err = s.FinishJobItem(ctx, it.job, it.seq, ItemFailed, "",
				"The server restarted while this was in progress; it may or may not have happened. Check before retrying.")
		}
		if err != nil {
			return 0, fmt.Errorf("store: recover jobs: %w", err)
		}
	}
	return len(items), nil
}

// Job item states.
const (
	ItemPending = "pending"
	ItemRunning = "running"
	ItemDone    = "done"
	ItemFailed  = "failed"
	ItemSkipped = "skipped"
)

// JobItem is one unit of a job.
type JobItem struct {
	JobID     int64
	Seq       int
	Input     string
	State     string
	Result    string
	Error     string
	Attempts  int
	UpdatedAt int64
}

// JobItems returns a page of a job's items in order.
func (s *Store) JobItems(ctx context.Context, jobID int64, offset, limit int) ([]JobItem, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT job_id, seq, input, state, result, error, attempts, updated_at
		FROM job_items WHERE job_id = ? ORDER BY seq LIMIT ? OFFSET ?`, jobID, limit, offset)
	if err != nil {
		return nil, fmt.Errorf("store: job items: %w", err)
	}
	defer rows.Close()
	var out []JobItem
	for rows.Next() {
		var it JobItem
		if err := rows.Scan(&it.JobID, &it.Seq, &it.Input, &it.State, &it.Result, &it.Error, &it.Attempts, &it.UpdatedAt); err != nil {
			return nil, fmt.Errorf("store: job items: %w", err)
		}
		out = append(out, it)
	}
	return out, rows.Err()
}
