package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"testing"

	"groupdeck/store"
)

// The audit row of a job's start names the job's id and commits with it.
func TestStartAuditedWritesTheAuditRowWithTheJob(t *testing.T) {
	st := openStore(t, filepath.Join(t.TempDir(), "t.db"))
	m := New(st, slog.New(slog.DiscardHandler), nil)
	m.Register("test", &fakeRunner{})
	ctx := context.Background()
	id, err := m.StartAudited(ctx, store.Job{Kind: "test", Title: "t"}, []string{"a", "b"}, func(id int64) store.AuditEntry {
		return store.AuditEntry{Action: store.AuditGroupsBulkCreate, Detail: fmt.Sprintf("job %d: 2 groups", id)}
	})
	if err != nil {
		t.Fatal(err)
	}
	log, err := st.AuditLog(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != 1 || log[0].Action != store.AuditGroupsBulkCreate || log[0].Detail != fmt.Sprintf("job %d: 2 groups", id) {
		t.Fatalf("audit log = %+v, want one bulk-create row naming job %d", log, id)
	}
}

// A job with nothing to do is refused before anything is written, audit
// row included.
func TestStartAuditedRefusesEmptyJobWithoutAudit(t *testing.T) {
	st := openStore(t, filepath.Join(t.TempDir(), "t.db"))
	m := New(st, slog.New(slog.DiscardHandler), nil)
	m.Register("test", &fakeRunner{})
	ctx := context.Background()
	called := false
	if _, err := m.StartAudited(ctx, store.Job{Kind: "test", Title: "t"}, nil, func(int64) store.AuditEntry {
		called = true
		return store.AuditEntry{Action: store.AuditGroupsBulkCreate}
	}); err == nil {
		t.Fatal("an empty job started")
	}
	log, err := st.AuditLog(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if called || len(log) != 0 {
		t.Fatalf("audit written for a refused job: %+v", log)
	}
}
