package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Limits of a person's label and note, the same for the pages and the
// JSON API: a label is a few words shown beside a name, a note a short
// paragraph.
const (
	MaxPersonLabel = 64
	MaxPersonNote  = 2000
)

// CheckPersonLabel trims the label and returns the field problems of a
// label and note, keyed "label" and "note" (none: nil).
func CheckPersonLabel(label, note string) (string, map[string]string) {
	label = strings.TrimSpace(label)
	errs := map[string]string{}
	if n := utf8.RuneCountInString(label); n > MaxPersonLabel {
		errs["label"] = fmt.Sprintf("The label has %d characters; at most %d.", n, MaxPersonLabel)
	} else if strings.ContainsAny(label, "\r\n") {
		errs["label"] = "The label is one line; put longer text in the note."
	}
	if n := utf8.RuneCountInString(note); n > MaxPersonNote {
		errs["note"] = fmt.Sprintf("The note has %d characters; at most %d.", n, MaxPersonNote)
	}
	if !utf8.ValidString(label) {
		errs["label"] = "The label is not valid UTF-8 text."
	}
	if !utf8.ValidString(note) {
		errs["note"] = "The note is not valid UTF-8 text."
	}
	if len(errs) == 0 {
		return label, nil
	}
	return label, errs
}

// PersonLabel is what staff note about one person, keyed by the
// participant key (wa_id or BSUID).
type PersonLabel struct {
	MemberKey string
	Label     string
	Note      string
	UpdatedBy int64
	UpdatedAt int64
}

// PersonLabel returns the label of a person; an unlabelled person has
// the zero label with their key.
func (s *Store) PersonLabel(ctx context.Context, key string) (*PersonLabel, error) {
	l := PersonLabel{MemberKey: key}
	err := s.r.QueryRowContext(ctx, `SELECT label, note, coalesce(updated_by, 0), updated_at FROM person_labels
		WHERE member_key = ?`, key).Scan(&l.Label, &l.Note, &l.UpdatedBy, &l.UpdatedAt)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: person label: %w", err)
	}
	return &l, nil
}

// KnownPerson reports whether key was ever a participant or asked to join.
func (s *Store) KnownPerson(ctx context.Context, key string) (bool, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM participants WHERE member_key = ?)
		+ (SELECT count(*) FROM join_requests WHERE member_key = ?)`, key, key).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: known person: %w", err)
	}
	return n > 0, nil
}

// SetPersonLabel stores a person's label and note, audited in the same
// transaction.
func (t *Tx) SetPersonLabel(l *PersonLabel) error {
	l.UpdatedAt = t.now
	_, err := t.exec(`INSERT INTO person_labels (member_key, label, note, updated_by, updated_at)
		VALUES (?, ?, ?, nullif(?, 0), ?)
		ON CONFLICT (member_key) DO UPDATE SET label = excluded.label, note = excluded.note,
			updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		l.MemberKey, l.Label, l.Note, l.UpdatedBy, l.UpdatedAt)
	if err != nil {
		return fmt.Errorf("store: set person label: %w", err)
	}
	return t.Audit(AuditEntry{UserID: l.UpdatedBy, Action: AuditPersonLabel, Detail: l.MemberKey + ": " + l.Label})
}

// MemberGroups lists the groups key is a current member of.
func (s *Store) MemberGroups(ctx context.Context, key string) ([]int64, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT group_id FROM participants WHERE member_key = ? AND state = 'member' ORDER BY group_id`, key)
	if err != nil {
		return nil, fmt.Errorf("store: member groups: %w", err)
	}
	defer rows.Close()
	out := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: member groups: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
