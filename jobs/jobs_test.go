package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"groupdeck/internal/testutil"
	"groupdeck/store"
)

type fakeRunner struct {
	mu         sync.Mutex
	calls      map[string]int
	repeatable bool
	block      chan struct{} // when set, RunItem waits on it (simulates a crash mid-item)
}

func (f *fakeRunner) Repeatable() bool { return f.repeatable }

func (f *fakeRunner) RunItem(ctx context.Context, j *store.Job, it *store.JobItem) (string, error) {
	f.mu.Lock()
	f.calls[it.Input]++
	n := f.calls[it.Input]
	f.mu.Unlock()
	if f.block != nil {
		select {
		case <-f.block:
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
	switch {
	case it.Input == "bad":
		return "", errors.New("WhatsApp refused it")
	case it.Input == "member":
		return "", Skip("Already in the group")
	case it.Input == "limited" && n == 1:
		return "", Retry(20*time.Millisecond, errors.New("Too many group changes in a short time (131208)"))
	}
	return "made " + it.Input, nil
}

func (f *fakeRunner) count(in string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[in]
}

func openStore(t *testing.T, path string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func waitJob(t *testing.T, st *store.Store, id int64, ok func(*store.Job) bool) *store.Job {
	t.Helper()
	var j *store.Job
	testutil.Eventually(t, 5*time.Second, func() error {
		var err error
		if j, err = st.JobByID(context.Background(), id); err != nil {
			t.Fatal(err)
		}
		if !ok(j) {
			return fmt.Errorf("job never reached the expected state: %+v", j)
		}
		return nil
	})
	return j
}

func TestJobRunsEveryItem(t *testing.T) {
	st := openStore(t, filepath.Join(t.TempDir(), "j.db"))
	defer st.Close()
	r := &fakeRunner{calls: map[string]int{}}
	var published sync.Map
	m := New(st, slog.New(slog.DiscardHandler), jobChanged(func(id int64) { published.Store(id, true) }))
	m.Poll = 10 * time.Millisecond
	m.Register("test", r)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go m.Run(ctx)

	id, err := m.Start(ctx, store.Job{Kind: "test", Title: "t"}, []string{"a", "bad", "member", "limited", "b"})
	if err != nil {
		t.Fatal(err)
	}
	j := waitJob(t, st, id, func(j *store.Job) bool { return j.State == store.JobDone })
	if j.Done != 3 || j.Failed != 1 || j.Skipped != 1 || j.Processed() != j.Total {
		t.Errorf("counts %+v", j)
	}
	items, _ := st.JobItems(ctx, id, 0, 10)
	if items[1].State != store.ItemFailed || items[1].Error != "WhatsApp refused it" {
		t.Errorf("failed item %+v", items[1])
	}
	if items[3].State != store.ItemDone || items[3].Attempts != 2 || r.count("limited") != 2 {
		t.Errorf("rate-limited item %+v, calls %d", items[3], r.count("limited"))
	}
	if _, ok := published.Load(id); !ok {
		t.Error("progress was never published")
	}
}

func TestRetryNoteSaysTheWait(t *testing.T) {
	if got := roundWait(30 * time.Second); got != "30 s" {
		t.Errorf("roundWait = %q", got)
	}
	if got := roundWait(125 * time.Second); got != "2 min 5 s" {
		t.Errorf("roundWait = %q", got)
	}
	st := openStore(t, filepath.Join(t.TempDir(), "j.db"))
	defer st.Close()
	m := New(st, slog.New(slog.DiscardHandler), nil)
	m.Register("slow", runnerFunc(func() error { return Retry(time.Minute, errors.New("Too many group changes in a short time (131208)")) }))
	id, _ := m.Start(context.Background(), store.Job{Kind: "slow", Title: "t"}, []string{"x"})
	m.step(context.Background())
	j, _ := st.JobByID(context.Background(), id)
	if j.State != store.JobWaiting || !strings.Contains(j.Note, "(131208) — retrying in 1 min") {
		t.Errorf("waiting job %+v", j)
	}
	if m.step(context.Background()) {
		t.Error("a waiting job was worked on before its wait ended")
	}
}

type runnerFunc func() error

func (f runnerFunc) RunItem(context.Context, *store.Job, *store.JobItem) (string, error) {
	return "", f()
}

// A crash in the middle of an item: a repeatable kind resumes it, a
// non-repeatable kind (a send) fails it rather than risk doing it twice.
func TestResumeAfterRestart(t *testing.T) {
	for _, repeatable := range []bool{true, false} {
		path := filepath.Join(t.TempDir(), "j.db")
		st := openStore(t, path)
		r := &fakeRunner{calls: map[string]int{}, repeatable: repeatable, block: make(chan struct{})}
		m := New(st, slog.New(slog.DiscardHandler), nil)
		m.Register("test", r)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { m.Run(ctx); close(done) }()
		id, _ := m.Start(ctx, store.Job{Kind: "test", Title: "t"}, []string{"a", "b", "c"})
		testutil.Eventually(t, 5*time.Second, func() error {
			if r.count("a") == 0 {
				return errors.New("item a never started")
			}
			return nil
		})
		cancel() // the "crash": item a is running, b and c pending
		<-done
		st.Close()

		st = openStore(t, path)
		r2 := &fakeRunner{calls: map[string]int{}, repeatable: repeatable}
		m2 := New(st, slog.New(slog.DiscardHandler), nil)
		m2.Poll = 10 * time.Millisecond
		m2.Register("test", r2)
		ctx2, cancel2 := context.WithCancel(context.Background())
		go m2.Run(ctx2)
		j := waitJob(t, st, id, func(j *store.Job) bool { return j.State == store.JobDone })
		cancel2()
		if r2.count("b") != 1 || r2.count("c") != 1 {
			t.Errorf("repeatable=%v: pending items not resumed exactly once: %v", repeatable, r2.calls)
		}
		if repeatable && (r2.count("a") != 1 || j.Done != 3) {
			t.Errorf("repeatable item not resumed: %+v", j)
		}
		if !repeatable && (r2.count("a") != 0 || j.Failed != 1 || j.Done != 2) {
			t.Errorf("non-repeatable interrupted item was run again or not failed: calls %v job %+v", r2.calls, j)
		}
		st.Close()
	}
}

func TestCancel(t *testing.T) {
	st := openStore(t, filepath.Join(t.TempDir(), "j.db"))
	defer st.Close()
	m := New(st, slog.New(slog.DiscardHandler), nil)
	m.Register("test", &fakeRunner{calls: map[string]int{}})
	ctx := context.Background()
	id, _ := m.Start(ctx, store.Job{Kind: "test", Title: "t"}, []string{"a", "b", "c"})
	m.step(ctx)
	if err := m.Cancel(ctx, id); err != nil {
		t.Fatal(err)
	}
	if m.step(ctx) {
		t.Error("worked on a canceled job")
	}
	j, _ := st.JobByID(ctx, id)
	if j.State != store.JobCanceled || j.Done != 1 || j.Skipped != 2 {
		t.Errorf("canceled job %+v", j)
	}
}

// jobChanged is a Notifier made of a function.
type jobChanged func(id int64)

func (f jobChanged) JobChanged(id int64) { f(id) }
