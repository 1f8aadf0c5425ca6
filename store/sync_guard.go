package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
)

// syncGuardKey is the settings row holding the sync guard's finding. One
// row, rewritten whole: the guard is rare, read on the home page, and
// changed only by a sync run or an admin, one at a time.
const syncGuardKey = "sync.guard"

// The sync guard's audit actions.
const (
	AuditSyncGuard        AuditAction = "sync.guard"         // a run held deletions back
	AuditSyncGuardCleared AuditAction = "sync.guard_cleared" // a later run answered normally
	AuditSyncGuardConfirm AuditAction = "sync.guard_confirm" // an admin marked held groups deleted
	AuditSyncGuardDismiss AuditAction = "sync.guard_dismiss" // an admin kept them
)

// HeldDeletedDetail is the drift recorded for a held group an admin
// confirmed deleted.
const HeldDeletedDetail = "The group was deleted outside groupdeck (held by the sync guard, confirmed by an administrator)"

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
	return decodeGuard(b)
}

func decodeGuard(b []byte) (*SyncGuard, error) {
	var g SyncGuard
	if err := json.Unmarshal(b, &g); err != nil {
		return nil, fmt.Errorf("store: sync guard: %w", err)
	}
	return &g, nil
}

func (t *Tx) syncGuard() (*SyncGuard, error) {
	var b []byte
	err := t.queryRow(`SELECT value FROM settings WHERE key = ?`, syncGuardKey).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: sync guard: %w", err)
	}
	return decodeGuard(b)
}

// setSyncGuard replaces the finding; nil clears it.
func (t *Tx) setSyncGuard(g *SyncGuard) error {
	if g == nil {
		_, err := t.exec(`DELETE FROM settings WHERE key = ?`, syncGuardKey)
		return err
	}
	b, err := json.Marshal(g)
	if err != nil {
		return fmt.Errorf("store: sync guard: %w", err)
	}
	_, err = t.exec(`INSERT INTO settings (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, syncGuardKey, b)
	return err
}

// HoldDeletions stores a run's finding, replacing any earlier one, with
// its audit row.
func (s *Store) HoldDeletions(ctx context.Context, g *SyncGuard, byUser int64) error {
	_, err := s.WithTx(ctx, func(t *Tx) error {
		if err := t.setSyncGuard(g); err != nil {
			return err
		}
		return t.Audit(AuditEntry{UserID: byUser, Action: AuditSyncGuard, Detail: g.Message, Outcome: "held"})
	})
	return err
}

// ClearSyncGuard drops the standing finding with an audit row saying why
// (action and detail), and returns it; with none standing it does nothing
// and returns nil.
func (s *Store) ClearSyncGuard(ctx context.Context, byUser int64, action AuditAction, detail string) (*SyncGuard, error) {
	var old *SyncGuard
	_, err := s.WithTx(ctx, func(t *Tx) (err error) {
		if old, err = t.syncGuard(); err != nil || old == nil {
			return err
		}
		if err := t.setSyncGuard(nil); err != nil {
			return err
		}
		return t.Audit(AuditEntry{UserID: byUser, Action: action, Detail: fmt.Sprintf(detail, len(old.Held))})
	})
	return old, err
}

// ConfirmHeld marks the held groups ids deleted (as of at, Unix ms) at an
// admin's request, in one transaction with their activity lines and
// audit rows. Groups no longer active here (a webhook deleted one
// meanwhile) are only taken off the list; the groups not named stay held.
// It returns how many groups were marked deleted, and the finding as it
// was (nil if none stood).
func (s *Store) ConfirmHeld(ctx context.Context, ids []int64, at, byUser int64) (int, *SyncGuard, []int64, error) {
	want := map[int64]bool{}
	for _, id := range ids {
		want[id] = true
	}
	var n int
	var before *SyncGuard
	touched, err := s.WithTx(ctx, func(t *Tx) (err error) {
		n = 0
		if before, err = t.syncGuard(); err != nil || before == nil {
			return err
		}
		after := &SyncGuard{At: before.At, Message: before.Message, Held: []HeldGroup{}}
		for _, h := range before.Held {
			if !want[h.GroupID] {
				after.Held = append(after.Held, h)
				continue
			}
			var status string
			err := t.queryRow(`SELECT status FROM groups WHERE id = ?`, h.GroupID).Scan(&status)
			if errors.Is(err, sql.ErrNoRows) || status != GroupActive {
				continue
			}
			if err != nil {
				return fmt.Errorf("store: confirm held: %w", err)
			}
			if err := t.GroupDeleted(h.GroupID, at); err != nil {
				return err
			}
			if err := t.Activity(h.GroupID, ActDrift, "", HeldDeletedDetail, t.now); err != nil {
				return err
			}
			if err := t.Audit(AuditEntry{UserID: byUser, Action: AuditSyncDrift, GroupID: h.GroupID, Detail: HeldDeletedDetail}); err != nil {
				return err
			}
			n++
		}
		if len(after.Held) == 0 {
			after = nil
		}
		if err := t.setSyncGuard(after); err != nil {
			return err
		}
		return t.Audit(AuditEntry{UserID: byUser, Action: AuditSyncGuardConfirm,
			Detail: fmt.Sprintf("marked %d groups held by the sync guard deleted", n)})
	})
	if err != nil {
		return 0, nil, nil, err
	}
	return n, before, touched, nil
}
