package store

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"errors"
	"fmt"
)

// Roles, from most to least powerful.
const (
	RoleAdmin   = "admin"
	RoleManager = "manager"
	RoleViewer  = "viewer"
)

// ValidRole reports whether r is one of the roles above; the CLI and the
// Users page both check with it.
func ValidRole(r string) bool {
	return r == RoleAdmin || r == RoleManager || r == RoleViewer
}

// ErrEmailTaken is returned when a user with that e-mail exists.
var ErrEmailTaken = errors.New("store: e-mail already in use")

// User is a staff account.
type User struct {
	ID           int64
	Email        string
	Name         string
	PasswordHash string
	Role         string
	Disabled     bool
	SessionEpoch int64
	CreatedAt    int64
}

// CanEdit reports whether the user may change anything.
func (u *User) CanEdit() bool { return u != nil && !u.Disabled && u.Role != RoleViewer }

// IsAdmin reports whether the user administers groupdeck itself.
func (u *User) IsAdmin() bool { return u != nil && !u.Disabled && u.Role == RoleAdmin }

const userCols = `id, email, name, password_hash, role, disabled, session_epoch, created_at`

func scanUser(row interface{ Scan(...any) error }) (*User, error) {
	var u User
	err := row.Scan(&u.ID, &u.Email, &u.Name, &u.PasswordHash, &u.Role, &u.Disabled, &u.SessionEpoch, &u.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	return &u, err
}

// SetupTokenKey is the setting holding the hash of the one-time /setup
// token. It exists only while no user does.
const SetupTokenKey = "setup_token_sha256"

// ErrSetupUsed is returned when the setup token does not match, or is
// gone because a user exists.
var ErrSetupUsed = errors.New("store: setup link used or not valid")

// CreateUser runs (*Tx).CreateUser in a transaction of its own.
func (s *Store) CreateUser(ctx context.Context, u *User) error {
	return s.write(ctx, func(t *Tx) error { return t.CreateUser(u) })
}

// CreateUser inserts a user; the password must already be hashed. Any
// setup token is deleted in the same transaction: once a user exists, the
// one-time link must not create another administrator.
func (t *Tx) CreateUser(u *User) error {
	u.CreatedAt = t.now
	res, err := t.exec(`INSERT INTO users (email, name, password_hash, role, created_at)
		VALUES (?, ?, ?, ?, ?)`, u.Email, u.Name, u.PasswordHash, u.Role, u.CreatedAt)
	if isUnique(err) {
		return ErrEmailTaken
	}
	if err != nil {
		return fmt.Errorf("store: create user: %w", err)
	}
	u.ID, _ = res.LastInsertId()
	return t.DeleteSetting(SetupTokenKey)
}

// CreateFirstAdmin creates u only while no user exists and tokenHash is
// the stored setup token's hash, consuming the token in the same
// transaction, so concurrent uses of one link create one account. fn, if
// not nil, runs in that transaction too (the audit row).
func (s *Store) CreateFirstAdmin(ctx context.Context, tokenHash string, u *User, fn func(*Tx) error) error {
	return s.write(ctx, func(t *Tx) error {
		var want []byte
		err := t.queryRow(`SELECT value FROM settings WHERE key = ?`, SetupTokenKey).Scan(&want)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrSetupUsed
		}
		if err != nil {
			return fmt.Errorf("store: setup token: %w", err)
		}
		var n int
		if err := t.queryRow(`SELECT count(*) FROM users`).Scan(&n); err != nil {
			return fmt.Errorf("store: count users: %w", err)
		}
		if n > 0 || subtle.ConstantTimeCompare(want, []byte(tokenHash)) != 1 {
			return ErrSetupUsed
		}
		if err := t.CreateUser(u); err != nil {
			return err
		}
		if fn != nil {
			return fn(t)
		}
		return nil
	})
}

// UserByID returns one user.
func (s *Store) UserByID(ctx context.Context, id int64) (*User, error) {
	u, err := scanUser(s.r.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE id = ?`, id))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("store: user %d: %w", id, err)
	}
	return u, err
}

// UserByEmail returns one user, matching the e-mail case-insensitively.
func (s *Store) UserByEmail(ctx context.Context, email string) (*User, error) {
	u, err := scanUser(s.r.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE email = ?`, email))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("store: user by email: %w", err)
	}
	return u, err
}

// CountUsers returns how many accounts exist.
func (s *Store) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count users: %w", err)
	}
	return n, nil
}

// Users lists every account by e-mail.
func (s *Store) Users(ctx context.Context) ([]*User, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+userCols+` FROM users ORDER BY email`)
	if err != nil {
		return nil, fmt.Errorf("store: users: %w", err)
	}
	defer rows.Close()
	var out []*User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("store: users: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// SetPassword runs (*Tx).SetPassword in a transaction of its own.
func (s *Store) SetPassword(ctx context.Context, id int64, hash string) error {
	return s.write(ctx, func(t *Tx) error { return t.SetPassword(id, hash) })
}

// SetRole runs (*Tx).SetRole in a transaction of its own.
func (s *Store) SetRole(ctx context.Context, id int64, role string) error {
	return s.write(ctx, func(t *Tx) error { return t.SetRole(id, role) })
}

// SetDisabled runs (*Tx).SetDisabled in a transaction of its own.
func (s *Store) SetDisabled(ctx context.Context, id int64, disabled bool) error {
	return s.write(ctx, func(t *Tx) error { return t.SetDisabled(id, disabled) })
}

// SetPassword replaces a password hash and ends all the user's sessions.
func (t *Tx) SetPassword(id int64, hash string) error {
	if err := t.updateUser(`UPDATE users SET password_hash = ?, session_epoch = session_epoch + 1 WHERE id = ?`, hash, id); err != nil {
		return err
	}
	return t.EndUserSessions(id)
}

// SetRole changes a user's role.
func (t *Tx) SetRole(id int64, role string) error {
	return t.updateUser(`UPDATE users SET role = ? WHERE id = ?`, role, id)
}

// SetDisabled disables or enables an account; disabling ends its sessions.
func (t *Tx) SetDisabled(id int64, disabled bool) error {
	if err := t.updateUser(`UPDATE users SET disabled = ?, session_epoch = session_epoch + 1 WHERE id = ?`, disabled, id); err != nil {
		return err
	}
	if !disabled {
		return nil
	}
	return t.EndUserSessions(id)
}

func (t *Tx) updateUser(q string, args ...any) error {
	res, err := t.exec(q, args...)
	if err != nil {
		return fmt.Errorf("store: update user: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}
