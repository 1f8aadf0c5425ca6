package store

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
)

func mustOpen(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestMigrateEmptyAndAgain(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "m.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	first, err := s.Migrations(ctx)
	if err != nil || len(first) == 0 {
		t.Fatalf("migrations %v, %v", first, err)
	}
	if err := s.CreateUser(ctx, &User{Email: "a@example.com", PasswordHash: "x", Role: RoleAdmin}); err != nil {
		t.Fatal(err)
	}
	s.Close()

	// Opening a migrated database applies nothing twice and keeps the data.
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	again, _ := s.Migrations(ctx)
	if len(again) != len(first) {
		t.Errorf("migrations after reopen %v, want %v", again, first)
	}
	if n, _ := s.CountUsers(ctx); n != 1 {
		t.Errorf("users after reopen = %d", n)
	}
	var mode string
	s.r.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode)
	var fk int
	s.w.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk)
	if mode != "wal" || fk != 1 {
		t.Errorf("journal_mode %q foreign_keys %d", mode, fk)
	}
}

func TestUsers(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	u := &User{Email: "Ann@Example.com", PasswordHash: "h", Role: RoleManager}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateUser(ctx, &User{Email: "ann@example.com", PasswordHash: "h", Role: RoleViewer}); !errors.Is(err, ErrEmailTaken) {
		t.Errorf("duplicate e-mail: %v", err)
	}
	got, err := s.UserByEmail(ctx, "ANN@example.com")
	if err != nil || got.ID != u.ID {
		t.Fatalf("by email: %v %v", got, err)
	}
	if err := s.SetDisabled(ctx, u.ID, true); err != nil {
		t.Fatal(err)
	}
	got, _ = s.UserByID(ctx, u.ID)
	if !got.Disabled || got.SessionEpoch != 1 || got.CanEdit() {
		t.Errorf("disabled user: %+v", got)
	}
	if _, err := s.UserByID(ctx, 999); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing user: %v", err)
	}
}
