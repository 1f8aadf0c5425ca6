package security

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"groupdeck/app"
)

// open starts (without serving) groupdeck on db with the given environment.
func open(t *testing.T, db string, vars map[string]string, log *slog.Logger) (*app.App, error) {
	t.Helper()
	cfg, err := app.ParseConfig([]string{"-addr", "127.0.0.1:0", "-db", db}, func(k string) string { return vars[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	cfg.SimFast = true
	a, err := app.New(context.Background(), cfg, log, io.Discard)
	if err == nil {
		t.Cleanup(a.Close)
	}
	return a, err
}

// The database, its WAL and its shared-memory file are the owner's alone,
// even under a umask that would let everybody read them.
func TestDatabaseFilesPrivate(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	e := start(t)
	e.group("Private", "", "sec-private") // writes, so the WAL is in use
	for _, p := range []string{e.db, e.db + "-wal", e.db + "-shm"} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if m := fi.Mode().Perm(); m != 0o600 {
			t.Errorf("%s has mode %v, want -rw-------", filepath.Base(p), m)
		}
	}
}

// A database other users can read stops the start with a sentence that
// names the fix, unless GROUPDECK_ALLOW_SHARED_DB says to go ahead.
func TestSharedDatabaseRefused(t *testing.T) {
	db := filepath.Join(t.TempDir(), "shared.db")
	if err := os.WriteFile(db, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(db, 0o644); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"GROUPDECK_SESSION_KEY": sessionKey}
	_, err := open(t, db, vars, slog.New(slog.DiscardHandler))
	if err == nil || !strings.Contains(err.Error(), "chmod 600") || !strings.Contains(err.Error(), "GROUPDECK_ALLOW_SHARED_DB") {
		t.Fatalf("start on a 0644 database: %v, want a refusal naming chmod 600 and GROUPDECK_ALLOW_SHARED_DB", err)
	}
	vars["GROUPDECK_ALLOW_SHARED_DB"] = "1"
	if _, err := open(t, db, vars, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatalf("start with GROUPDECK_ALLOW_SHARED_DB=1: %v", err)
	}
}

// Without GROUPDECK_SESSION_KEY the start warns that the cookie key sits
// in the database; once it is set, the stored key is deleted, so a copy
// of the database made from then on cannot sign a cookie.
func TestSessionKeyKeptOutOfDatabase(t *testing.T) {
	db := filepath.Join(t.TempDir(), "key.db")
	var logs bytes.Buffer
	a, err := open(t, db, map[string]string{}, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Store.Setting(context.Background(), "session_key"); err != nil {
		t.Fatalf("no key kept without GROUPDECK_SESSION_KEY: %v", err)
	}
	if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "GROUPDECK_SESSION_KEY is not set") {
		t.Errorf("start with the key in the database did not warn; log:\n%s", logs.String())
	}
	a.Close()

	logs.Reset()
	a, err = open(t, db, map[string]string{"GROUPDECK_SESSION_KEY": sessionKey}, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if k, err := a.Store.Setting(context.Background(), "session_key"); err == nil {
		t.Errorf("the database still holds a %d-byte cookie key after GROUPDECK_SESSION_KEY was set", len(k))
	}
	if strings.Contains(logs.String(), "level=WARN") {
		t.Errorf("start with GROUPDECK_SESSION_KEY warned:\n%s", logs.String())
	}
}
