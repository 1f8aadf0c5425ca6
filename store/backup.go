package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"
)

// Backups. VACUUM INTO copies the database as one read transaction, so
// the copy is consistent (every committed transaction or none of it)
// while the server keeps writing; it needs no lock the server holds.

// openPlain opens a database file without migrating it; it refuses a
// path that does not exist rather than creating an empty database.
func openPlain(p string, pragmas string) (*sql.DB, error) {
	if _, err := os.Stat(p); err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite", "file:"+p+"?mode=rw&_pragma=busy_timeout(10000)"+pragmas)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	return db, nil
}

// Backup copies the database at src to dst, which must not exist; dst is
// created readable by its owner only.
func Backup(ctx context.Context, src, dst string) error {
	f, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	f.Close()
	ok := false
	defer func() {
		if !ok {
			os.Remove(dst)
		}
	}()
	db, err := openPlain(src, "")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, dst); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if _, err := CheckBackup(ctx, dst); err != nil {
		return err
	}
	ok = true
	return nil
}

// CheckBackup verifies a copy before it is trusted: SQLite's integrity
// check passes, and it was made by this version of groupdeck or an
// older one (every migration it records is one this binary knows). It
// returns the newest migration applied.
func CheckBackup(ctx context.Context, p string) (string, error) {
	db, err := openPlain(p, "&_pragma=query_only(ON)")
	if err != nil {
		return "", fmt.Errorf("check %s: %w", p, err)
	}
	defer db.Close()
	var res string
	if err := db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res); err != nil {
		return "", fmt.Errorf("check %s: not a readable SQLite database: %w", p, err)
	}
	if res != "ok" {
		return "", fmt.Errorf("check %s: integrity check failed: %s", p, res)
	}
	rows, err := db.QueryContext(ctx, `SELECT name FROM schema_migrations ORDER BY name`)
	if err != nil {
		return "", fmt.Errorf("check %s: not a groupdeck database (no schema_migrations)", p)
	}
	defer rows.Close()
	known, err := knownMigrations()
	if err != nil {
		return "", err
	}
	var last string
	for rows.Next() {
		if err := rows.Scan(&last); err != nil {
			return "", err
		}
		if !known[last] {
			return "", fmt.Errorf("check %s: made by a newer groupdeck (migration %s is unknown here); restore it with that version", p, last)
		}
	}
	if err := rows.Err(); err != nil {
		return "", err
	}
	if last == "" {
		return "", fmt.Errorf("check %s: not a groupdeck database (no migrations applied)", p)
	}
	return last, nil
}

func knownMigrations() (map[string]bool, error) {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, n := range names {
		out[n] = true
	}
	return out, nil
}

// ErrInUse is returned when a database to be replaced is open elsewhere.
var ErrInUse = errors.New("the database is in use: stop groupdeck first")

// Release checks that nobody has the database at p open, and leaves it
// without a WAL file, so it can be moved aside. A server holding it open
// keeps a shared lock that makes leaving WAL mode fail at once.
func Release(ctx context.Context, p string) error {
	db, err := openPlain(p, "")
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `PRAGMA busy_timeout = 0`); err != nil {
		return err
	}
	var mode string
	if err := db.QueryRowContext(ctx, `PRAGMA journal_mode = DELETE`).Scan(&mode); err != nil {
		if strings.Contains(err.Error(), "locked") || strings.Contains(err.Error(), "busy") {
			return ErrInUse
		}
		return fmt.Errorf("restore: %s: %w", path.Base(p), err)
	}
	return nil
}
