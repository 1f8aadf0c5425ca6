// Package store keeps groupdeck's state in SQLite.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

//go:embed migrations/*.sql
var migrations embed.FS

// ErrNotFound is returned when a row does not exist.
var ErrNotFound = errors.New("store: not found")

// Store wraps two handles on one SQLite file: a single writer connection,
// so writers queue in Go instead of failing with SQLITE_BUSY, and a pool
// of readers that WAL mode lets run beside it.
type Store struct {
	w   *sql.DB
	r   *sql.DB
	ck  *sql.DB // background checkpoints (checkpoint.go)
	Now func() time.Time

	deliveries chan *deliveryReq // to the group-commit loop (commit.go)
	closing    chan struct{}
	loopDone   chan struct{}
	ckDone     chan struct{}
	closeOnce  sync.Once
	stmtc      stmtCache   // the group commit's statements (stmtcache.go)
	wc         writerCache // committed people and group ids (writercache.go)
	stray      strayCursor // where the stray receipts' sweep stopped (retention_receipts.go)

	sizes struct { // per-table sizes, measured at most every few minutes (storage.go)
		sync.Mutex
		tables    []TableSize
		at        time.Time
		measuring bool
		err       error
	}
}

// Open opens (creating if needed) the database at path and applies every
// migration that has not run yet. A database it creates, and its WAL and
// shared-memory files, are readable by the owner only (files.go).
func Open(ctx context.Context, path string) (*Store, error) {
	// busy_timeout must come first so the later pragmas wait for locks too.
	// foreign_keys is a no-op inside a transaction, so it lives in the DSN.
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "foreign_keys(ON)")
	dsn := "file:" + path + "?" + q.Encode()
	if err := createPrivate(path); err != nil {
		return nil, err
	}

	// The writer gets a 16 MB page cache and in-memory temp files: with the
	// default 2 MB, group-committed batches spilled dirty pages to the WAL
	// mid-transaction, and each delivery's savepoint wrote its statement
	// journal to a temp file — together about a third of ingest CPU in
	// pwrite calls (see README, "Guarantees and figures"). 16 MB keeps
	// resident memory well inside its target; 32 MB did not.
	//
	// journal_size_limit: the WAL file otherwise stays at the largest size
	// it ever reached. A checkpoint held back by a long reader (the
	// per-table sizes walk every page; a backup) lets it grow by all the
	// writes meanwhile, and that disk space never came back (the soak's
	// database grew 192 MB in one window, most of it WAL). With the limit,
	// the writer's first commit after the WAL restarts truncates the file
	// to the fallback checkpoint's bound (checkpoint.go).
	w, err := sql.Open("sqlite", dsn+"&_txlock=immediate&_pragma=cache_size(-16384)&_pragma=temp_store(MEMORY)"+
		fmt.Sprintf("&_pragma=wal_autocheckpoint(%d)&_pragma=journal_size_limit(%d)", writerAutoCheckpoint, writerAutoCheckpoint*4096))
	if err != nil {
		return nil, fmt.Errorf("store: open: %w", err)
	}
	w.SetMaxOpenConns(1)
	r, err := sql.Open("sqlite", dsn+"&_pragma=query_only(ON)")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("store: open: %w", err)
	}
	r.SetMaxOpenConns(8)
	// Readers stay open once opened (database/sql keeps only 2 idle by
	// default): a reopened connection parses the schema again and starts
	// with an empty page cache, so under load the pool churned, and the
	// resident size and open files moved with it. Eight connections with
	// SQLite's default 2 MB cache each bound that memory at 16 MB.
	r.SetMaxIdleConns(8)
	ck, err := sql.Open("sqlite", dsn) // checkpoint.go
	if err != nil {
		w.Close()
		r.Close()
		return nil, fmt.Errorf("store: open: %w", err)
	}
	ck.SetMaxOpenConns(1)
	s := &Store{w: w, r: r, ck: ck, Now: time.Now, deliveries: make(chan *deliveryReq),
		closing: make(chan struct{}), loopDone: make(chan struct{}), ckDone: make(chan struct{})}
	go s.commitLoop()
	go s.checkpointLoop(ck)
	if err := s.ensureIncrementalVacuum(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	// The WAL and shared-memory files exist once the migrations wrote.
	if err := tightenSidecars(path); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Close stops the group-commit loop (after its current batch) and closes
// both handles.
func (s *Store) Close() error {
	s.closeOnce.Do(func() { close(s.closing) })
	<-s.loopDone
	<-s.ckDone
	s.stmtc.close()
	return errors.Join(s.r.Close(), s.ck.Close(), s.w.Close())
}

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	return s.r.QueryRowContext(ctx, `SELECT 1`).Scan(&one)
}

func (s *Store) now() int64 { return s.Now().UnixMilli() }

// migrate applies the embedded .sql files in name order, each in its own
// transaction, recording each name so it runs once.
func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := s.migrateOne(ctx, name); err != nil {
			return fmt.Errorf("store: migrate %s: %w", name, err)
		}
	}
	return nil
}

func (s *Store) migrateOne(ctx context.Context, name string) error {
	return s.write(ctx, func(t *Tx) error {
		var n int
		if err := t.queryRow(`SELECT count(*) FROM schema_migrations WHERE name = ?`, name).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		body, err := migrations.ReadFile(name)
		if err != nil {
			return err
		}
		// A migration is many statements: run it unprepared.
		if _, err := t.tx.ExecContext(ctx, string(body)); err != nil {
			return err
		}
		_, err = t.exec(`INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)`, name, t.now)
		return err
	})
}

// Migrations lists the applied migrations in order.
func (s *Store) Migrations(ctx context.Context) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT name FROM schema_migrations ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("store: migrations: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

func isUnique(err error) bool {
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}
