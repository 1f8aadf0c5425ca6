package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// APIToken is a personal API token; the token itself is never stored.
type APIToken struct {
	ID         int64
	UserID     int64
	Name       string
	Hash       string // hex SHA-256 of the token
	Prefix     string
	ExpiresAt  int64
	LastUsedAt int64
	RevokedAt  int64
	CreatedAt  int64
}

// Live reports whether the token may be used at now (Unix ms).
func (t *APIToken) Live(now int64) bool { return t.RevokedAt == 0 && now < t.ExpiresAt }

const tokenCols = `id, user_id, name, hash, prefix, expires_at, last_used_at, revoked_at, created_at`

func scanToken(row interface{ Scan(...any) error }) (*APIToken, error) {
	var t APIToken
	err := row.Scan(&t.ID, &t.UserID, &t.Name, &t.Hash, &t.Prefix, &t.ExpiresAt, &t.LastUsedAt, &t.RevokedAt, &t.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	return &t, err
}

// CreateAPIToken stores a new token and audits it in one transaction.
func (s *Store) CreateAPIToken(ctx context.Context, tok *APIToken) error {
	return s.write(ctx, func(t *Tx) error {
		tok.CreatedAt = t.now
		res, err := t.exec(`INSERT INTO api_tokens (user_id, name, hash, prefix, expires_at, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`, tok.UserID, tok.Name, tok.Hash, tok.Prefix, tok.ExpiresAt, tok.CreatedAt)
		if err != nil {
			return fmt.Errorf("store: create api token: %w", err)
		}
		tok.ID, _ = res.LastInsertId()
		return t.Audit(AuditEntry{UserID: tok.UserID, Action: AuditTokenCreate, Detail: tok.Name})
	})
}

// APITokenByHash finds a token by the hash of what a client sent.
func (s *Store) APITokenByHash(ctx context.Context, hash string) (*APIToken, error) {
	t, err := scanToken(s.r.QueryRowContext(ctx, `SELECT `+tokenCols+` FROM api_tokens WHERE hash = ?`, hash))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("store: api token: %w", err)
	}
	return t, err
}

// APITokens lists a user's tokens, newest first, revoked ones included.
func (s *Store) APITokens(ctx context.Context, userID int64) ([]*APIToken, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+tokenCols+` FROM api_tokens WHERE user_id = ? ORDER BY id DESC`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: api tokens: %w", err)
	}
	defer rows.Close()
	var out []*APIToken
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, fmt.Errorf("store: api tokens: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// TouchAPIToken records a use of the token.
func (s *Store) TouchAPIToken(ctx context.Context, id, at int64) error {
	_, err := s.exec(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ? AND last_used_at < ?`, at, id, at)
	return err
}

// RevokeAPIToken revokes one of the user's tokens (audited); revoking a
// revoked token changes nothing. ErrNotFound when the user has no such
// token.
func (s *Store) RevokeAPIToken(ctx context.Context, userID, id int64) error {
	return s.write(ctx, func(t *Tx) error {
		var name string
		var revoked int64
		err := t.queryRow(`SELECT name, revoked_at FROM api_tokens WHERE id = ? AND user_id = ?`, id, userID).Scan(&name, &revoked)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil || revoked != 0 {
			return err
		}
		if _, err := t.exec(`UPDATE api_tokens SET revoked_at = ? WHERE id = ?`, t.now, id); err != nil {
			return fmt.Errorf("store: revoke api token: %w", err)
		}
		return t.Audit(AuditEntry{UserID: userID, Action: AuditTokenRevoke, Detail: name})
	})
}

// IdempotentAnswer is the stored answer to a POST with an Idempotency-Key.
type IdempotentAnswer struct {
	RequestHash string
	Status      int
	Body        []byte
}

// IdempotentAnswer returns the answer stored for the key since since (Unix
// ms), or ErrNotFound.
func (s *Store) IdempotentAnswer(ctx context.Context, tokenID int64, key string, since int64) (*IdempotentAnswer, error) {
	var a IdempotentAnswer
	err := s.r.QueryRowContext(ctx, `SELECT request_hash, status, body FROM api_idempotency
		WHERE token_id = ? AND key = ? AND created_at >= ?`, tokenID, key, since).Scan(&a.RequestHash, &a.Status, &a.Body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: idempotency: %w", err)
	}
	return &a, nil
}

// SaveIdempotentAnswer keeps an answer, replacing one older than before
// (Unix ms), and forgets every answer older than that.
func (s *Store) SaveIdempotentAnswer(ctx context.Context, tokenID int64, key string, a IdempotentAnswer, before int64) error {
	return s.write(ctx, func(t *Tx) error {
		if _, err := t.exec(`DELETE FROM api_idempotency WHERE created_at < ?`, before); err != nil {
			return err
		}
		_, err := t.exec(`INSERT OR IGNORE INTO api_idempotency (token_id, key, request_hash, status, body, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`, tokenID, key, a.RequestHash, a.Status, a.Body, t.now)
		return err
	})
}
