// Package jobs runs long work in the background: bulk group creation,
// sends to many groups, invite sends. Jobs and their items live in the
// database, so progress survives a restart and the job resumes. Each
// kind's Runner lives with its domain (bulkcreate, messaging, campaigns);
// app.New registers them.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sync"
	"time"

	"groupdeck/store"
)

// Runner does one item of a job kind. It returns a short result shown
// beside the item (e.g. the group created), or an error:
//   - Retry(after, err): wait, then try the same item again (rate limits);
//   - Skip(reason): nothing to do for this item (e.g. already a member);
//   - any other error fails the item; its text is shown, so make it a
//     sentence (whatsapp.Human does that for Cloud API errors).
type Runner interface {
	RunItem(ctx context.Context, job *store.Job, item *store.JobItem) (result string, err error)
}

// Repeatable is implemented by runners whose items are safe to run again
// after a crash interrupted them. Others have interrupted items failed.
type Repeatable interface {
	Repeatable() bool
}

type retryError struct {
	after time.Duration
	err   error
}

func (e *retryError) Error() string { return e.err.Error() }
func (e *retryError) Unwrap() error { return e.err }

// Retry asks for the same item to be tried again after a wait.
func Retry(after time.Duration, err error) error { return &retryError{after: after, err: err} }

type skipError struct{ reason string }

func (e *skipError) Error() string { return e.reason }

// Skip marks an item as needing nothing.
func Skip(reason string) error { return &skipError{reason: reason} }

// MaxRetries bounds how often one item waits and retries.
const MaxRetries = 20

// Manager owns the job runners and the worker that drives them.
type Manager struct {
	store   *store.Store
	log     *slog.Logger
	notify  Notifier
	mu      sync.Mutex
	runners map[Kind]Runner
	wake    chan struct{}
	// Poll is how often the worker looks for work it was not woken for
	// (a job whose wait ended).
	Poll time.Duration
}

// Notifier is told after each committed change to a job, to refresh open
// progress pages.
type Notifier interface {
	JobChanged(id int64)
}

type tellNoOne struct{}

func (tellNoOne) JobChanged(int64) {}

// New returns a manager; a nil notify tells no one.
func New(st *store.Store, log *slog.Logger, notify Notifier) *Manager {
	if notify == nil {
		notify = tellNoOne{}
	}
	return &Manager{store: st, log: log, notify: notify, runners: map[Kind]Runner{},
		wake: make(chan struct{}, 1), Poll: 500 * time.Millisecond}
}

// Register sets the runner of a job kind.
func (m *Manager) Register(kind Kind, r Runner) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.runners[kind] = r
}

func (m *Manager) runner(kind Kind) Runner {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.runners[kind]
}

// Start stores a new job with one item per input and wakes the worker.
func (m *Manager) Start(ctx context.Context, j store.Job, inputs []string) (int64, error) {
	return m.StartAudited(ctx, j, inputs, nil)
}

// StartAudited is Start that also writes the audit row audit returns for
// the new job's id, in the transaction that creates the job: a job never
// runs unrecorded, and a failed audit write stops it from starting.
func (m *Manager) StartAudited(ctx context.Context, j store.Job, inputs []string, audit func(jobID int64) store.AuditEntry) (int64, error) {
	if m.runner(Kind(j.Kind)) == nil {
		return 0, fmt.Errorf("jobs: no runner for kind %q", j.Kind)
	}
	if len(inputs) == 0 {
		return 0, errors.New("jobs: nothing to do")
	}
	if _, err := m.store.WithTx(ctx, func(t *store.Tx) error {
		if err := t.CreateJob(&j, inputs); err != nil {
			return err
		}
		if audit == nil {
			return nil
		}
		return t.Audit(audit(j.ID))
	}); err != nil {
		return 0, err
	}
	m.Wake()
	m.notify.JobChanged(j.ID)
	return j.ID, nil
}

// Cancel stops a job; items already done stay done.
func (m *Manager) Cancel(ctx context.Context, id int64) error {
	if err := m.store.CancelJob(ctx, id); err != nil {
		return err
	}
	m.notify.JobChanged(id)
	return nil
}

// Wake tells the worker there may be work, without blocking.
func (m *Manager) Wake() {
	select {
	case m.wake <- struct{}{}:
	default:
	}
}

// Run works through jobs until ctx ends, first recovering items that a
// crash left half done.
func (m *Manager) Run(ctx context.Context) {
	n, err := m.store.RecoverJobItems(ctx, func(kind string) bool {
		r, ok := m.runner(Kind(kind)).(Repeatable)
		return ok && r.Repeatable()
	})
	if err != nil {
		m.log.Error("jobs: recovery failed", "err", err)
	} else if n > 0 {
		m.log.Warn("jobs: items interrupted by a restart were recovered", "count", n)
	}
	tick := time.NewTicker(m.Poll)
	defer tick.Stop()
	for {
		for ctx.Err() == nil && m.step(ctx) {
		}
		select {
		case <-ctx.Done():
			return
		case <-m.wake:
		case <-tick.C:
		}
	}
}

// step runs one item; it reports whether there was one.
func (m *Manager) step(ctx context.Context) bool {
	job, item, err := m.store.ClaimJobItem(ctx)
	if errors.Is(err, store.ErrNotFound) {
		return false
	}
	if err != nil {
		if ctx.Err() == nil {
			m.log.Error("jobs: claim failed", "err", err)
		}
		return false
	}
	defer m.notify.JobChanged(job.ID)
	r := m.runner(Kind(job.Kind))
	if r == nil {
		m.finish(ctx, job, item, store.ItemFailed, "", "This kind of job is not supported by this version.")
		return true
	}
	result, err := r.RunItem(ctx, job, item)
	if ctx.Err() != nil {
		// Shutting down: the item stays running, and the next start
		// recovers it like a crash would.
		return false
	}
	var re *retryError
	var se *skipError
	switch {
	case err == nil:
		m.finish(ctx, job, item, store.ItemDone, result, "")
	case errors.As(err, &se):
		m.finish(ctx, job, item, store.ItemSkipped, result, se.reason)
	case errors.As(err, &re) && item.Attempts < MaxRetries:
		after := re.after
		if after <= 0 {
			after = backoff(item.Attempts)
		}
		note := fmt.Sprintf("%s — retrying in %s", re.err.Error(), roundWait(after))
		until := time.Now().Add(after).UnixMilli()
		if err := m.store.DelayJobItem(ctx, job.ID, item.Seq, until, note); err != nil {
			m.log.Error("jobs: delay failed", "job_id", job.ID, "err", err)
		}
	default:
		m.finish(ctx, job, item, store.ItemFailed, result, err.Error())
	}
	return true
}

func (m *Manager) finish(ctx context.Context, job *store.Job, item *store.JobItem, state, result, errText string) {
	if err := m.store.FinishJobItem(ctx, job.ID, item.Seq, state, result, errText); err != nil {
		m.log.Error("jobs: recording an item failed", "job_id", job.ID, "seq", item.Seq, "err", err)
	}
}

func backoff(attempt int) time.Duration {
	d := time.Duration(math.Pow(2, float64(attempt))) * time.Second
	if d > 5*time.Minute {
		d = 5 * time.Minute
	}
	return d
}

// roundWait says a wait the way people read it: "30 s", "2 min 5 s".
func roundWait(d time.Duration) string {
	secs := int(math.Ceil(d.Seconds()))
	if secs < 60 {
		return fmt.Sprintf("%d s", secs)
	}
	if secs%60 == 0 {
		return fmt.Sprintf("%d min", secs/60)
	}
	return fmt.Sprintf("%d min %d s", secs/60, secs%60)
}
