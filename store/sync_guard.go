package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
)

// syncGuardKey is the settings row holding the sync guard's last
// finding. One row, rewritten whole: the guard is rare, read on the home
// page, and changed only by a sync run or an admin, one at a time.
const syncGuardKey = "sync.guard"

// SyncGuard is what a sync withheld because WhatsApp's answers looked
// like a misconfiguration or an outage rather than real deletions.
type SyncGuard struct {
	At      int64  `json:"at"`      // when the run held back (Unix ms)
	Message string `json:"message"` // the sentence shown on the report and the home page
	// Held are the groups WhatsApp called unknown, not marked deleted.
	Held []HeldGroup `json:"held"`
}

// HeldGroup is one withheld deletion.
type HeldGroup struct {
	GroupID int64 `json:"group_id"`
	SeenAt  int64 `json:"seen_at"` // when WhatsApp answered "unknown" (Unix ms)
}

// SyncGuard returns the guard's standing finding, or nil when there is
// none.
func (s *Store) SyncGuard(ctx context.Context) (*SyncGuard, error) {
	b, err := s.Setting(ctx, syncGuardKey)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var g SyncGuard
	if err := json.Unmarshal(b, &g); err != nil {
		return nil, fmt.Errorf("store: sync guard: %w", err)
	}
	return &g, nil
}

// SetSyncGuard replaces the guard's finding; nil clears it.
func (s *Store) SetSyncGuard(ctx context.Context, g *SyncGuard) error {
	if g == nil {
		return s.DeleteSetting(ctx, syncGuardKey)
	}
	b, err := json.Marshal(g)
	if err != nil {
		return fmt.Errorf("store: sync guard: %w", err)
	}
	return s.SetSetting(ctx, syncGuardKey, b)
}
