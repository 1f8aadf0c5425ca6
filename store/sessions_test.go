package store

import (
	"context"
	"errors"
	"testing"
)

func TestSessionsEndWithPasswordAndDisabling(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	ann, bob := &User{Email: "ann@x.test", PasswordHash: "x", Role: RoleAdmin}, &User{Email: "bob@x.test", PasswordHash: "x", Role: RoleViewer}
	for _, u := range []*User{ann, bob} {
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	for _, sid := range []string{"a1", "a2", "a3"} {
		if err := s.CreateSession(ctx, sid, ann.ID, "Firefox on Linux · 192.0.2.1"); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.CreateSession(ctx, "b1", bob.ID, ""); err != nil {
		t.Fatal(err)
	}
	list, err := s.UserSessions(ctx, ann.ID, "a2")
	if err != nil || len(list) != 3 {
		t.Fatalf("ann's sessions: %v %v", list, err)
	}
	current := 0
	for _, se := range list {
		if se.Current {
			current++
		}
	}
	if current != 1 {
		t.Errorf("%d sessions marked current, want 1", current)
	}
	if n, err := s.DeleteOtherSessions(ctx, ann.ID, "a2"); n != 2 || err != nil {
		t.Errorf("ended %d others (%v), want 2", n, err)
	}
	if _, err := s.SessionByID(ctx, "a2"); err != nil {
		t.Errorf("the kept session: %v", err)
	}
	if err := s.SetPassword(ctx, ann.ID, "y"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SessionByID(ctx, "a2"); !errors.Is(err, ErrNotFound) {
		t.Errorf("session after a password change: %v", err)
	}
	if err := s.SetDisabled(ctx, bob.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SessionByID(ctx, "b1"); !errors.Is(err, ErrNotFound) {
		t.Errorf("session after disabling: %v", err)
	}
}

func TestCreateFirstAdmin(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	if err := s.SetSetting(ctx, SetupTokenKey, []byte("hash")); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateFirstAdmin(ctx, "other", &User{Email: "x@x.test", PasswordHash: "x", Role: RoleAdmin}, nil); !errors.Is(err, ErrSetupUsed) {
		t.Errorf("wrong token: %v", err)
	}
	if err := s.CreateFirstAdmin(ctx, "hash", &User{Email: "a@x.test", PasswordHash: "x", Role: RoleAdmin}, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateFirstAdmin(ctx, "hash", &User{Email: "b@x.test", PasswordHash: "x", Role: RoleAdmin}, nil); !errors.Is(err, ErrSetupUsed) {
		t.Errorf("second use: %v", err)
	}
	// Any account created otherwise removes a token, too.
	if err := s.SetSetting(ctx, SetupTokenKey, []byte("hash2")); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateUser(ctx, &User{Email: "c@x.test", PasswordHash: "x", Role: RoleViewer}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Setting(ctx, SetupTokenKey); !errors.Is(err, ErrNotFound) {
		t.Errorf("setup token after CreateUser: %v", err)
	}
	if n, _ := s.CountUsers(ctx); n != 2 {
		t.Errorf("%d users, want 2", n)
	}
}
