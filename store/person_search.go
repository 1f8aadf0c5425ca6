package store

import (
	"context"
	"fmt"
	"strings"
)

// PersonRow is one line of the People page and export: who the person
// is, what staff noted about them, and how many groups they are in now.
type PersonRow struct {
	Person
	Label  string
	Note   string
	Groups int
}

// PeopleQuery selects a page of the People list.
type PeopleQuery struct {
	// Search matches part of the name, @username, label or note
	// (case-insensitive), and, when it holds at least three digits, part
	// of the phone number written with or without spaces and dashes.
	Search string
	Limit  int
	Offset int
}

func (q PeopleQuery) where() (string, []any) {
	s := strings.TrimSpace(q.Search)
	if s == "" {
		return "", nil
	}
	like := "%" + escapeLike(s) + "%"
	conds := []string{`p.name LIKE ?1 ESCAPE '\'`, `p.username LIKE ?1 ESCAPE '\'`, `coalesce(l.label, '') LIKE ?1 ESCAPE '\'`,
		`coalesce(l.note, '') LIKE ?1 ESCAPE '\'`, `p.key = ?2`, `p.user_id = ?2`}
	args := []any{like, s}
	if d := searchDigits(s); d != "" {
		conds = append(conds, `p.wa_id LIKE ?3`)
		args = append(args, "%"+d+"%")
	}
	return ` WHERE ` + strings.Join(conds, " OR "), args
}

// searchDigits returns the digits of a search that looks like (part of) a
// phone number: digits with spaces, dashes, dots, brackets or a leading +.
func searchDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case strings.ContainsRune(" +-.()", r):
		default:
			return ""
		}
	}
	if b.Len() < 3 {
		return ""
	}
	return b.String()
}

const personRowCols = `p.key, p.user_id, p.parent_user_id, p.wa_id, p.username, p.name,
	coalesce(l.label, ''), coalesce(l.note, ''),
	(SELECT count(*) FROM participants pa WHERE pa.member_key = p.key AND pa.state = 'member')`

// personOrder lists named people alphabetically, then the rest by key.
const personOrder = ` ORDER BY p.name = '', lower(p.name), p.username = '', lower(p.username), p.key`

// SearchPeople returns one page of people matching q, and how many match.
func (s *Store) SearchPeople(ctx context.Context, q PeopleQuery) ([]PersonRow, int, error) {
	where, args := q.where()
	from := ` FROM people p LEFT JOIN person_labels l ON l.member_key = p.key`
	var total int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*)`+from+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: search people: %w", err)
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 50
	}
	out := []PersonRow{}
	err := s.people(ctx, `SELECT `+personRowCols+from+where+personOrder+fmt.Sprintf(` LIMIT %d OFFSET %d`, limit, max(q.Offset, 0)),
		args, func(r PersonRow) error { out = append(out, r); return nil })
	return out, total, err
}

// ExportPeople calls fn for every person, in the People page's order.
func (s *Store) ExportPeople(ctx context.Context, fn func(PersonRow) error) error {
	return s.people(ctx, `SELECT `+personRowCols+` FROM people p LEFT JOIN person_labels l ON l.member_key = p.key`+personOrder, nil, fn)
}

func (s *Store) people(ctx context.Context, q string, args []any, fn func(PersonRow) error) error {
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("store: people: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r PersonRow
		if err := rows.Scan(&r.Key, &r.UserID, &r.ParentUserID, &r.WaID, &r.Username, &r.Name, &r.Label, &r.Note, &r.Groups); err != nil {
			return fmt.Errorf("store: people: %w", err)
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// PersonLabels returns the labels of the given people (keys without a
// label are absent), in one query, for lists that show many people.
func (s *Store) PersonLabels(ctx context.Context, keys []string) (map[string]string, error) {
	out := map[string]string{}
	uniq := map[string]bool{}
	var args []any
	for _, k := range keys {
		if k != "" && !uniq[k] {
			uniq[k] = true
			args = append(args, k)
		}
	}
	// A timeline shows at most a few hundred senders; SQLite takes 32,766
	// parameters, so one query always fits.
	if len(args) == 0 {
		return out, nil
	}
	rows, err := s.r.QueryContext(ctx, `SELECT member_key, label FROM person_labels
		WHERE label <> '' AND member_key IN (`+placeholders(len(args))+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: person labels: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k, l string
		if err := rows.Scan(&k, &l); err != nil {
			return nil, fmt.Errorf("store: person labels: %w", err)
		}
		out[k] = l
	}
	return out, rows.Err()
}
