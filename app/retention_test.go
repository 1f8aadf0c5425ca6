package app

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"groupdeck/internal/testutil"
	"groupdeck/store"
)

func TestPruneActivityRunsInBackground(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "r.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	// The clock is set back through an atomic, since the pruning goroutine
	// reads it while the test writes lines "long ago".
	var back atomic.Int64
	real := st.Now
	st.Now = func() time.Time { return real().Add(-time.Duration(back.Load())) }
	longAgo := func(detail string) {
		back.Store(int64(100 * 24 * time.Hour))
		defer back.Store(0)
		if err := st.RecordActivity(ctx, 0, store.ActDrift, "", detail); err != nil {
			t.Fatal(err)
		}
	}
	longAgo("a hundred days ago")
	if err := st.RecordActivity(ctx, 0, store.ActDrift, "", "today"); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)

	// 0 keeps everything and returns at once.
	pruneActivity(ctx, st, 0, time.Millisecond, log)
	if got, _ := st.RecentActivity(ctx, 0, 10); len(got) != 2 {
		t.Fatalf("retention 0 deleted lines: %+v", got)
	}

	run, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { pruneActivity(run, st, 90*24*time.Hour, time.Millisecond, log); close(done) }()
	testutil.Eventually(t, 5*time.Second, func() error {
		got, err := st.RecentActivity(ctx, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].Detail != "today" {
			return fmt.Errorf("old line never pruned: %+v", got)
		}
		return nil
	})
	// A line that comes due after the first pass goes at a later one: the
	// pruning repeats at its interval, not only at start.
	longAgo("written late, long ago")
	testutil.Eventually(t, 5*time.Second, func() error {
		got, err := st.RecentActivity(ctx, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].Detail != "today" {
			return fmt.Errorf("a line due after the first pass was never pruned: %+v", got)
		}
		return nil
	})
	stop()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("pruning did not stop with its context")
	}
}

func TestPruneWebhooksRunsInBackground(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "w.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	real := st.Now
	st.Now = func() time.Time { return real().Add(-31 * 24 * time.Hour) }
	old, err := st.SaveDelivery(ctx, []byte(`{}`), "test", func(*store.Tx) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	st.Now = real
	recent, err := st.SaveDelivery(ctx, []byte(`{}`), "test", func(*store.Tx) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	d := 24 * time.Hour
	run, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		pruneWebhooks(run, st, Retention{Deliveries: 30 * d, Failed: 90 * d, Dedup: 14 * d, Waiting: 14 * d}.store(), time.Millisecond, slog.New(slog.DiscardHandler))
		close(done)
	}()
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, err := st.DeliveryByID(ctx, old.ID); err != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a delivery older than 30 days was never pruned")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if _, err := st.DeliveryByID(ctx, recent.ID); err != nil {
		t.Fatalf("today's delivery went too: %v", err)
	}
	stop()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("pruning did not stop with its context")
	}
}

// The message retention alone starts the pruning (the webhook settings
// at 0), and deletes a message past it while keeping today's.
func TestPruneMessagesRunsInBackground(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	g := &store.Group{Subject: "G"}
	if err := st.CreateGroup(ctx, g); err != nil {
		t.Fatal(err)
	}
	real := st.Now
	st.Now = func() time.Time { return real().Add(-3 * 24 * time.Hour) }
	old := &store.Message{GroupID: g.ID, Kind: store.KindText, Body: "three days ago"}
	if err := st.QueueMessage(ctx, old); err != nil {
		t.Fatal(err)
	}
	if err := st.MessageFailed(ctx, old.ID, "refused"); err != nil {
		t.Fatal(err)
	}
	st.Now = real
	if err := st.QueueMessage(ctx, &store.Message{GroupID: g.ID, Kind: store.KindText, Body: "today"}); err != nil {
		t.Fatal(err)
	}
	run, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		pruneWebhooks(run, st, Retention{Messages: 24 * time.Hour}.store(), time.Millisecond, slog.New(slog.DiscardHandler))
		close(done)
	}()
	testutil.Eventually(t, 5*time.Second, func() error {
		ms, err := st.Messages(ctx, g.ID, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) != 1 || ms[0].Body != "today" {
			return fmt.Errorf("messages %+v, want today's only", ms)
		}
		return nil
	})
	stop()
	<-done
}
