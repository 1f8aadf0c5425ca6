package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Setting returns a stored value, or ErrNotFound.
func (s *Store) Setting(ctx context.Context, key string) ([]byte, error) {
	var v []byte
	err := s.r.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: setting %s: %w", key, err)
	}
	return v, nil
}

// SetSetting runs (*Tx).SetSetting in a transaction of its own.
func (s *Store) SetSetting(ctx context.Context, key string, value []byte) error {
	return s.write(ctx, func(t *Tx) error { return t.SetSetting(key, value) })
}

// DeleteSetting runs (*Tx).DeleteSetting in a transaction of its own.
func (s *Store) DeleteSetting(ctx context.Context, key string) error {
	return s.write(ctx, func(t *Tx) error { return t.DeleteSetting(key) })
}

// SetSetting stores a value, replacing any earlier one.
func (t *Tx) SetSetting(key string, value []byte) error {
	_, err := t.exec(`INSERT INTO settings (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	if err != nil {
		return fmt.Errorf("store: set setting %s: %w", key, err)
	}
	return nil
}

// DeleteSetting removes a value; a missing key is not an error.
func (t *Tx) DeleteSetting(key string) error {
	if _, err := t.exec(`DELETE FROM settings WHERE key = ?`, key); err != nil {
		return fmt.Errorf("store: delete setting %s: %w", key, err)
	}
	return nil
}
