package app

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"

	"groupdeck/store"
)

// checkPrivate refuses to start on a database that other local users can
// read: it holds phone numbers, messages and password hashes, and anyone
// who can read it can copy it. GROUPDECK_ALLOW_SHARED_DB=1 overrides.
func checkPrivate(cfg *Config) error {
	shared, err := store.SharedFiles(cfg.DB)
	if err != nil {
		return fmt.Errorf("GROUPDECK_DB %s: %w", cfg.DB, err)
	}
	if len(shared) == 0 || cfg.AllowSharedDB {
		return nil
	}
	return fmt.Errorf("GROUPDECK_DB: %s can be read by other users of this machine; "+
		"make it private with: chmod 600 %s*  (or set GROUPDECK_ALLOW_SHARED_DB=1 to start anyway)",
		strings.Join(shared, ", "), cfg.DB)
}

// sessionKeySetting is where the cookie key is kept when
// GROUPDECK_SESSION_KEY is not set.
const sessionKeySetting = "session_key"

// sessionKey returns the cookie key. GROUPDECK_SESSION_KEY wins, and any
// key an earlier start kept in the database is then deleted, so later
// copies of the database cannot sign cookies. Without it the key is
// generated once and kept in the database, and the start says so: anyone
// who can read the database, or a backup of it, could forge a sign-in.
func (a *App) sessionKey(ctx context.Context) ([]byte, error) {
	if a.Cfg.SessionKey != nil {
		if _, err := a.Store.Setting(ctx, sessionKeySetting); err == nil {
			if err := a.Store.DeleteSetting(ctx, sessionKeySetting); err != nil {
				return nil, err
			}
			a.Log.Info("GROUPDECK_SESSION_KEY is set: deleted the cookie key an earlier start kept in the database")
		}
		return a.Cfg.SessionKey, nil
	}
	a.Log.Warn("GROUPDECK_SESSION_KEY is not set: the cookie key is kept in the database, " +
		"so anyone who can read the database or a backup of it can forge a sign-in; set GROUPDECK_SESSION_KEY (32+ characters) to keep it out")
	k, err := a.Store.Setting(ctx, sessionKeySetting)
	if err == nil && len(k) == sessionKeyLen {
		return k, nil
	}
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	k = make([]byte, sessionKeyLen)
	if _, err := rand.Read(k); err != nil {
		return nil, err
	}
	return k, a.Store.SetSetting(ctx, sessionKeySetting, k)
}
