package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Pool is a template for a fleet of groups; campaigns can point at it.
type Pool struct {
	ID               int64
	Name             string
	SubjectPattern   string // "{n}" becomes the group's number in the pool
	Description      string
	JoinApprovalMode string
	MinFree          int // make a new group when fewer places are free
	NextN            int
	CreatedBy        int64
	CreatedAt        int64
}

// Subject is the subject of the pool's group number n.
func (p *Pool) Subject(n int) string {
	if !strings.Contains(p.SubjectPattern, "{n}") {
		return p.SubjectPattern + " " + strconv.Itoa(n)
	}
	return strings.ReplaceAll(p.SubjectPattern, "{n}", strconv.Itoa(n))
}

const poolCols = `id, name, subject_pattern, description, join_approval_mode, min_free, next_n, coalesce(created_by, 0), created_at`

func scanPool(row interface{ Scan(...any) error }) (*Pool, error) {
	var p Pool
	err := row.Scan(&p.ID, &p.Name, &p.SubjectPattern, &p.Description, &p.JoinApprovalMode, &p.MinFree, &p.NextN, &p.CreatedBy, &p.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	return &p, err
}

// CreatePool runs (*Tx).CreatePool in a transaction of its own.
func (s *Store) CreatePool(ctx context.Context, p *Pool) error {
	return s.write(ctx, func(t *Tx) error { return t.CreatePool(p) })
}

// CreatePool stores a pool template.
func (t *Tx) CreatePool(p *Pool) error {
	p.CreatedAt = t.now
	if p.NextN <= 0 {
		p.NextN = 1
	}
	res, err := t.exec(`INSERT INTO pools (name, subject_pattern, description, join_approval_mode, min_free, next_n, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, nullif(?, 0), ?)`, p.Name, p.SubjectPattern, p.Description, p.JoinApprovalMode, p.MinFree, p.NextN, p.CreatedBy, p.CreatedAt)
	if err != nil {
		return fmt.Errorf("store: create pool: %w", err)
	}
	p.ID, _ = res.LastInsertId()
	return nil
}

// PoolByID returns one pool.
func (s *Store) PoolByID(ctx context.Context, id int64) (*Pool, error) {
	p, err := scanPool(s.r.QueryRowContext(ctx, `SELECT `+poolCols+` FROM pools WHERE id = ?`, id))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("store: pool %d: %w", id, err)
	}
	return p, err
}

// Pools lists every pool, oldest first.
func (s *Store) Pools(ctx context.Context) ([]*Pool, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+poolCols+` FROM pools ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("store: pools: %w", err)
	}
	defer rows.Close()
	var out []*Pool
	for rows.Next() {
		p, err := scanPool(rows)
		if err != nil {
			return nil, fmt.Errorf("store: pools: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// NewPoolGroup records a group about to be created for a pool, taking the
// pool's next number, in one transaction.
func (s *Store) NewPoolGroup(ctx context.Context, poolID, createdBy int64) (*Group, error) {
	var g *Group
	err := s.write(ctx, func(t *Tx) error {
		p, err := scanPool(t.queryRow(`UPDATE pools SET next_n = next_n + 1 WHERE id = ?
			RETURNING `+poolCols, poolID))
		if err != nil {
			return err
		}
		n := p.NextN - 1
		now := t.now
		g = &Group{Subject: p.Subject(n), Description: p.Description, JoinApprovalMode: p.JoinApprovalMode,
			Status: GroupCreating, CreatedBy: createdBy, CreatedAt: now, UpdatedAt: now, LastActivityAt: now}
		res, err := t.exec(`INSERT INTO groups
			(subject, description, join_approval_mode, status, created_by, created_at, updated_at, last_activity_at)
			VALUES (?, ?, ?, 'creating', nullif(?, 0), ?, ?, ?)`,
			g.Subject, g.Description, g.JoinApprovalMode, createdBy, now, now, now)
		if err != nil {
			return err
		}
		g.ID, _ = res.LastInsertId()
		_, err = t.exec(`INSERT INTO pool_groups (group_id, pool_id, n) VALUES (?, ?, ?)`, g.ID, poolID, n)
		return err
	})
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, err
		}
		return nil, fmt.Errorf("store: new pool group: %w", err)
	}
	return g, nil
}

// PoolGroup is a pool's group with its free places.
type PoolGroup struct {
	Group *Group
	N     int
	// Free counts places nobody holds: 8 minus members and pending requests.
	Free int
}

// PoolGroups lists a pool's groups in number order.
func (s *Store) PoolGroups(ctx context.Context, poolID int64) ([]PoolGroup, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT pg.n, `+groupColsG+` FROM pool_groups pg
		JOIN groups g ON g.id = pg.group_id WHERE pg.pool_id = ? ORDER BY pg.n`, poolID)
	if err != nil {
		return nil, fmt.Errorf("store: pool groups: %w", err)
	}
	defer rows.Close()
	var out []PoolGroup
	for rows.Next() {
		var pg PoolGroup
		var g Group
		if err := rows.Scan(&pg.N, &g.ID, &g.WaGroupID, &g.RequestID, &g.Subject, &g.Description,
			&g.JoinApprovalMode, &g.Status, &g.Suspended, &g.InviteLink, &g.Failure, &g.ParticipantCount,
			&g.PendingRequests, &g.CreatedBy, &g.CreatedAt, &g.UpdatedAt, &g.LastActivityAt, &g.ConfirmedAt, &g.ImportedAt); err != nil {
			return nil, fmt.Errorf("store: pool groups: %w", err)
		}
		pg.Group = &g
		pg.Free = max(MaxParticipants-g.ParticipantCount-g.PendingRequests, 0)
		out = append(out, pg)
	}
	return out, rows.Err()
}

// groupColsG is groupCols for a query where groups is aliased g.
const groupColsG = `g.id, coalesce(g.wa_group_id, ''), coalesce(g.request_id, ''), g.subject, g.description,
	g.join_approval_mode, g.status, g.suspended, g.invite_link, g.failure, g.participant_count, g.pending_requests,
	coalesce(g.created_by, 0), g.created_at, g.updated_at, g.last_activity_at, g.confirmed_at, g.imported_at`
