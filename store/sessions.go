package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
)

// Session is one signed-in browser. Times are Unix milliseconds.
type Session struct {
	UserID    int64
	CreatedAt int64
	LastSeen  int64
	Client    string // e.g. "Firefox on Linux · 203.0.113.5"
	Current   bool   // set by UserSessions for the asking session
}

// sessionKey is what the table keeps of a cookie's session id: its hash,
// so a copied database cannot be turned into working cookies.
func sessionKey(sid string) string {
	sum := sha256.Sum256([]byte(sid))
	return hex.EncodeToString(sum[:])
}

// CreateSession records a sign-in. sid is the cookie's random session id.
func (s *Store) CreateSession(ctx context.Context, sid string, userID int64, client string) error {
	now := s.now()
	_, err := s.exec(ctx, `INSERT INTO sessions (id, user_id, created_at, last_seen, client) VALUES (?, ?, ?, ?, ?)`,
		sessionKey(sid), userID, now, now, client)
	if err != nil {
		return fmt.Errorf("store: create session: %w", err)
	}
	return nil
}

// SessionByID returns the session with cookie id sid, or ErrNotFound.
func (s *Store) SessionByID(ctx context.Context, sid string) (*Session, error) {
	var se Session
	err := s.r.QueryRowContext(ctx, `SELECT user_id, created_at, last_seen, client FROM sessions WHERE id = ?`, sessionKey(sid)).
		Scan(&se.UserID, &se.CreatedAt, &se.LastSeen, &se.Client)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: session: %w", err)
	}
	return &se, nil
}

// TouchSession records that the session was used now.
func (s *Store) TouchSession(ctx context.Context, sid string) error {
	if _, err := s.exec(ctx, `UPDATE sessions SET last_seen = ? WHERE id = ?`, s.now(), sessionKey(sid)); err != nil {
		return fmt.Errorf("store: touch session: %w", err)
	}
	return nil
}

// DeleteSession ends one session; a missing one is not an error.
func (s *Store) DeleteSession(ctx context.Context, sid string) error {
	if _, err := s.exec(ctx, `DELETE FROM sessions WHERE id = ?`, sessionKey(sid)); err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return nil
}

// DeleteOtherSessions ends every session of the user except keepSID's,
// returning how many ended.
func (s *Store) DeleteOtherSessions(ctx context.Context, userID int64, keepSID string) (int64, error) {
	res, err := s.exec(ctx, `DELETE FROM sessions WHERE user_id = ? AND id != ?`, userID, sessionKey(keepSID))
	if err != nil {
		return 0, fmt.Errorf("store: delete sessions: %w", err)
	}
	return res.RowsAffected()
}

// DeleteExpiredSessions removes sessions idle since before idleBefore or
// created before createdBefore (Unix milliseconds).
func (s *Store) DeleteExpiredSessions(ctx context.Context, idleBefore, createdBefore int64) error {
	_, err := s.exec(ctx, `DELETE FROM sessions WHERE last_seen < ? OR created_at < ?`, idleBefore, createdBefore)
	if err != nil {
		return fmt.Errorf("store: delete expired sessions: %w", err)
	}
	return nil
}

// EndUserSessions deletes every session of the user: a password change
// and disabling call it in their own transaction.
func (t *Tx) EndUserSessions(userID int64) error {
	if _, err := t.exec(`DELETE FROM sessions WHERE user_id = ?`, userID); err != nil {
		return fmt.Errorf("store: end sessions: %w", err)
	}
	return nil
}

// UserSessions lists the user's sessions, most recently used first,
// marking the one with cookie id currentSID.
func (s *Store) UserSessions(ctx context.Context, userID int64, currentSID string) ([]Session, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, user_id, created_at, last_seen, client FROM sessions
		WHERE user_id = ? ORDER BY last_seen DESC`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: sessions: %w", err)
	}
	defer rows.Close()
	cur := sessionKey(currentSID)
	var out []Session
	for rows.Next() {
		var id string
		var se Session
		if err := rows.Scan(&id, &se.UserID, &se.CreatedAt, &se.LastSeen, &se.Client); err != nil {
			return nil, fmt.Errorf("store: sessions: %w", err)
		}
		se.Current = id == cur
		out = append(out, se)
	}
	return out, rows.Err()
}
