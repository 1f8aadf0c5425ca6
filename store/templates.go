package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Template is one cached message template of the account. Components is
// Meta's components array as JSON; the whatsapp package reads it.
type Template struct {
	Name       string
	Language   string
	WaID       string
	Status     string
	Category   string
	Named      bool
	Components string
	FetchedAt  int64
}

// TemplateRefresh says when the cache was last refreshed and whether that
// refresh failed (Error; the cache then keeps the previous list).
type TemplateRefresh struct {
	At    int64
	Error string
}

// ReplaceTemplates stores a complete, fresh list of the account's
// templates: templates no longer listed are dropped.
func (s *Store) ReplaceTemplates(ctx context.Context, ts []Template) error {
	now := s.now()
	err := s.write(ctx, func(t *Tx) error {
		if _, err := t.exec(`DELETE FROM templates`); err != nil {
			return err
		}
		for _, tp := range ts {
			if _, err := t.exec(`INSERT INTO templates (name, language, wa_id, status, category, named, components, fetched_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET wa_id = excluded.wa_id, status = excluded.status,
				category = excluded.category, named = excluded.named, components = excluded.components`,
				tp.Name, tp.Language, tp.WaID, tp.Status, tp.Category, tp.Named, tp.Components, now); err != nil {
				return err
			}
		}
		_, err := t.exec(`INSERT INTO template_refresh (id, at, error) VALUES (1, ?, '')
			ON CONFLICT (id) DO UPDATE SET at = excluded.at, error = ''`, now)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: replace templates: %w", err)
	}
	return nil
}

// TemplateRefreshFailed records why a refresh failed; the cached list stays.
func (s *Store) TemplateRefreshFailed(ctx context.Context, reason string) error {
	_, err := s.exec(ctx, `INSERT INTO template_refresh (id, at, error) VALUES (1, ?, ?)
		ON CONFLICT (id) DO UPDATE SET at = excluded.at, error = excluded.error`, s.now(), reason)
	if err != nil {
		return fmt.Errorf("store: template refresh failed: %w", err)
	}
	return nil
}

// LastTemplateRefresh returns the last refresh; At is 0 if none ran yet.
func (s *Store) LastTemplateRefresh(ctx context.Context) (TemplateRefresh, error) {
	var r TemplateRefresh
	err := s.r.QueryRowContext(ctx, `SELECT at, error FROM template_refresh WHERE id = 1`).Scan(&r.At, &r.Error)
	if errors.Is(err, sql.ErrNoRows) {
		return r, nil
	}
	if err != nil {
		return r, fmt.Errorf("store: last template refresh: %w", err)
	}
	return r, nil
}

const templateCols = `name, language, wa_id, status, category, named, components, fetched_at`

// Templates returns the cached templates by name and language; with
// approvedOnly, only those that can be sent.
func (s *Store) Templates(ctx context.Context, approvedOnly bool) ([]Template, error) {
	q := `SELECT ` + templateCols + ` FROM templates`
	if approvedOnly {
		q += ` WHERE status = 'APPROVED'`
	}
	rows, err := s.r.QueryContext(ctx, q+` ORDER BY name, language`)
	if err != nil {
		return nil, fmt.Errorf("store: templates: %w", err)
	}
	defer rows.Close()
	var out []Template
	for rows.Next() {
		var t Template
		if err := rows.Scan(&t.Name, &t.Language, &t.WaID, &t.Status, &t.Category, &t.Named, &t.Components, &t.FetchedAt); err != nil {
			return nil, fmt.Errorf("store: templates: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// TemplateByName returns one cached template, or ErrNotFound.
func (s *Store) TemplateByName(ctx context.Context, name, language string) (*Template, error) {
	var t Template
	err := s.r.QueryRowContext(ctx, `SELECT `+templateCols+` FROM templates WHERE name = ? AND language = ?`, name, language).
		Scan(&t.Name, &t.Language, &t.WaID, &t.Status, &t.Category, &t.Named, &t.Components, &t.FetchedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: template: %w", err)
	}
	return &t, nil
}
