package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// GroupPhoto is a group's photo as groupdeck knows it.
type GroupPhoto struct {
	ID      int64 // changes with each new photo: a version for URLs
	GroupID int64
	SHA256  string
	Data    []byte // nil when the photo was set outside groupdeck
	Pending bool   // sent, not yet confirmed by WhatsApp
}

// PhotoSum is the hex sha256 WhatsApp reports for a photo's bytes.
func PhotoSum(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// AddPendingPhoto keeps the bytes of a photo sent to WhatsApp until the
// webhook says whether it was applied. Pending photos whose change was
// already settled (refused at once, or answered without a photo result)
// go at the same time, so they never pile up.
func (s *Store) AddPendingPhoto(ctx context.Context, groupID, changeID int64, data []byte) error {
	return s.write(ctx, func(t *Tx) error {
		if _, err := t.exec(`DELETE FROM group_photos WHERE group_id = ? AND state = 'pending'
			AND (change_id IS NULL OR change_id IN (SELECT id FROM group_changes WHERE group_id = ? AND state != 'pending'))`,
			groupID, groupID); err != nil {
			return fmt.Errorf("store: pending photo: %w", err)
		}
		_, err := t.exec(`INSERT INTO group_photos (group_id, change_id, state, sha256, data, created_at)
			VALUES (?, nullif(?, 0), 'pending', ?, ?, ?)`, groupID, changeID, PhotoSum(data), data, t.now)
		if err != nil {
			return fmt.Errorf("store: pending photo: %w", err)
		}
		return nil
	})
}

// PhotoResolved applies WhatsApp's answer about a photo (its sha256; ""
// when not given): applied, the matching pending photo becomes the
// current one (a photo groupdeck did not send becomes a current photo
// without bytes); refused, the matching pending photo goes.
func (t *Tx) PhotoResolved(groupID int64, sum string, applied bool) error {
	sum = strings.ToLower(strings.TrimSpace(sum))
	var id int64
	err := t.queryRow(`SELECT id FROM group_photos WHERE group_id = ?1 AND state = 'pending'
		AND (?2 = '' OR sha256 = ?2) ORDER BY id LIMIT 1`, groupID, sum).Scan(&id)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("store: photo resolved: %w", err)
	}
	if !applied {
		if id != 0 {
			_, err = t.exec(`DELETE FROM group_photos WHERE id = ?`, id)
		}
		return wrapPhoto(err)
	}
	if id == 0 && sum == "" {
		return nil // nothing to tell which photo it is
	}
	if _, err := t.exec(`DELETE FROM group_photos WHERE group_id = ? AND state = 'current'`, groupID); err != nil {
		return wrapPhoto(err)
	}
	if id != 0 {
		_, err = t.exec(`UPDATE group_photos SET state = 'current', change_id = NULL WHERE id = ?`, id)
	} else {
		_, err = t.exec(`INSERT INTO group_photos (group_id, state, sha256, created_at) VALUES (?, 'current', ?, ?)`,
			groupID, sum, t.now)
	}
	t.touchPart(groupID, PartSettings)
	return wrapPhoto(err)
}

func wrapPhoto(err error) error {
	if err != nil {
		return fmt.Errorf("store: photo resolved: %w", err)
	}
	return nil
}

// CurrentPhoto is the group's confirmed photo, without its bytes, and
// whether a newer one waits for WhatsApp; nil when none is known.
func (s *Store) CurrentPhoto(ctx context.Context, groupID int64) (current *GroupPhoto, pending bool, err error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, sha256, state, data IS NOT NULL FROM group_photos
		WHERE group_id = ? ORDER BY id`, groupID)
	if err != nil {
		return nil, false, fmt.Errorf("store: current photo: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		p := &GroupPhoto{GroupID: groupID}
		var state string
		var hasData bool
		if err := rows.Scan(&p.ID, &p.SHA256, &state, &hasData); err != nil {
			return nil, false, fmt.Errorf("store: current photo: %w", err)
		}
		if state == "pending" {
			pending = true
			continue
		}
		if hasData {
			p.Data = []byte{} // present; PhotoData reads it
		}
		current = p
	}
	return current, pending, rows.Err()
}

// PhotoData reads the bytes of the group's current photo; ErrNotFound
// when groupdeck has none to show.
func (s *Store) PhotoData(ctx context.Context, groupID int64) (*GroupPhoto, error) {
	p := &GroupPhoto{GroupID: groupID}
	err := s.r.QueryRowContext(ctx, `SELECT id, sha256, data FROM group_photos
		WHERE group_id = ? AND state = 'current' AND data IS NOT NULL ORDER BY id DESC LIMIT 1`, groupID).
		Scan(&p.ID, &p.SHA256, &p.Data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: photo: %w", err)
	}
	return p, nil
}
