package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Group statuses.
const (
	GroupCreating = "creating"
	GroupActive   = "active"
	GroupFailed   = "failed"
	GroupDeleting = "deleting"
	GroupDeleted  = "deleted"
)

// MaxParticipants is the Groups API cap on people per group.
const MaxParticipants = 8

// Group is one WhatsApp group as the app knows it.
type Group struct {
	ID               int64
	WaGroupID        string
	RequestID        string
	Subject          string
	Description      string
	JoinApprovalMode string
	Status           string
	Suspended        bool
	InviteLink       string
	Failure          string
	ParticipantCount int
	PendingRequests  int
	CreatedBy        int64
	CreatedAt        int64
	UpdatedAt        int64
	LastActivityAt   int64
	ConfirmedAt      int64
	ImportedAt       int64 // set when sync imported a group made outside groupdeck
}

const groupCols = `id, coalesce(wa_group_id, ''), coalesce(request_id, ''), subject, description,
	join_approval_mode, status, suspended, invite_link, failure, participant_count, pending_requests,
	coalesce(created_by, 0), created_at, updated_at, last_activity_at, confirmed_at, imported_at`

func scanGroup(row interface{ Scan(...any) error }) (*Group, error) {
	var g Group
	err := row.Scan(&g.ID, &g.WaGroupID, &g.RequestID, &g.Subject, &g.Description,
		&g.JoinApprovalMode, &g.Status, &g.Suspended, &g.InviteLink, &g.Failure, &g.ParticipantCount,
		&g.PendingRequests, &g.CreatedBy, &g.CreatedAt, &g.UpdatedAt, &g.LastActivityAt, &g.ConfirmedAt, &g.ImportedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	return &g, err
}

// GroupByID returns one group.
func (s *Store) GroupByID(ctx context.Context, id int64) (*Group, error) {
	g, err := scanGroup(s.r.QueryRowContext(ctx, `SELECT `+groupCols+` FROM groups WHERE id = ?`, id))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("store: group %d: %w", id, err)
	}
	return g, err
}

// GroupsByIDs loads the groups with these ids in one query, keyed by id;
// ids with no group are absent. The ids go in as one JSON array, so a long
// selection never meets SQLite's limit on bound variables.
func (s *Store) GroupsByIDs(ctx context.Context, ids []int64) (map[int64]*Group, error) {
	out := make(map[int64]*Group, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return nil, fmt.Errorf("store: groups by ids: %w", err)
	}
	rows, err := s.r.QueryContext(ctx, `SELECT `+groupCols+` FROM groups WHERE id IN (SELECT value FROM json_each(?))`, string(list))
	if err != nil {
		return nil, fmt.Errorf("store: groups by ids: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		g, err := scanGroup(rows)
		if err != nil {
			return nil, fmt.Errorf("store: groups by ids: %w", err)
		}
		out[g.ID] = g
	}
	return out, rows.Err()
}

// GroupFilter selects a page of the groups list.
type GroupFilter struct {
	Search string
	Status string
	Limit  int
	Offset int
}

// Groups returns a page of groups, newest first, and the total that match.
func (s *Store) Groups(ctx context.Context, f GroupFilter) ([]*Group, int, error) {
	var where []string
	var args []any
	if q := strings.TrimSpace(f.Search); q != "" {
		where = append(where, `subject LIKE ? ESCAPE '\'`)
		args = append(args, "%"+escapeLike(q)+"%")
	}
	if f.Status != "" {
		where = append(where, `status = ?`)
		args = append(args, f.Status)
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	var total int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM groups`+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count groups: %w", err)
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	rows, err := s.r.QueryContext(ctx, `SELECT `+groupCols+` FROM groups`+cond+`
		ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`, append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: groups: %w", err)
	}
	defer rows.Close()
	var out []*Group
	for rows.Next() {
		g, err := scanGroup(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("store: groups: %w", err)
		}
		out = append(out, g)
	}
	return out, total, rows.Err()
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// JoinApprovalModeText says in words how people get in.
func (g *Group) JoinApprovalModeText() string {
	if g.JoinApprovalMode == "approval_required" {
		return "People who open this link ask to join; staff approve each request."
	}
	return "Anyone who opens this link joins at once, up to 8 people."
}

// GroupByWa finds a group by its WhatsApp id; ok is false when unknown.
// A group's WhatsApp id never changes once set, so a found one is cached
// (writercache.go); an unknown one is looked up every time.
func (t *Tx) GroupByWa(waGroupID string) (id int64, ok bool, err error) {
	if id, ok := t.cachedGroup(waGroupID); ok {
		return id, true, nil
	}
	id, ok, err = t.lookup(`SELECT id FROM groups WHERE wa_group_id = ?`, waGroupID)
	if ok {
		t.rememberGroup(waGroupID, id)
	}
	return id, ok, err
}

// GroupByRequest finds a group by the request id of its create call.
func (t *Tx) GroupByRequest(requestID string) (id int64, ok bool, err error) {
	return t.lookup(`SELECT id FROM groups WHERE request_id = ?`, requestID)
}

// CountLiveGroups counts groups that count against the number's cap.
func (s *Store) CountLiveGroups(ctx context.Context) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM groups WHERE status IN ('creating', 'active', 'deleting')`).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: count groups: %w", err)
	}
	return n, nil
}

// SyncTargets lists the groups reconciliation checks: those WhatsApp
// knows about and the app believes alive.
func (s *Store) SyncTargets(ctx context.Context) ([]*Group, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+groupCols+` FROM groups
		WHERE wa_group_id IS NOT NULL AND wa_group_id <> '' AND status IN ('active', 'deleting') ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("store: sync targets: %w", err)
	}
	defer rows.Close()
	var out []*Group
	for rows.Next() {
		g, err := scanGroup(rows)
		if err != nil {
			return nil, fmt.Errorf("store: sync targets: %w", err)
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// KnownWaGroupIDs returns every WhatsApp group id the app has recorded,
// in any status, so reconciliation can tell which listed groups are new.
func (s *Store) KnownWaGroupIDs(ctx context.Context) (map[string]bool, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT wa_group_id FROM groups WHERE wa_group_id IS NOT NULL AND wa_group_id <> ''`)
	if err != nil {
		return nil, fmt.Errorf("store: known wa groups: %w", err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: known wa groups: %w", err)
		}
		out[id] = true
	}
	return out, rows.Err()
}

// PendingCreates lists, oldest first, the groups whose create WhatsApp
// has not confirmed: still "creating", or failed by reconciliation
// because the group was not listed (it may have appeared since).
func (s *Store) PendingCreates(ctx context.Context) ([]*Group, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+groupCols+` FROM groups
		WHERE (wa_group_id IS NULL OR wa_group_id = '')
		  AND (status = 'creating' OR (status = 'failed' AND failure = ?))
		ORDER BY created_at, id`, StaleCreateReason)
	if err != nil {
		return nil, fmt.Errorf("store: pending creates: %w", err)
	}
	defer rows.Close()
	var out []*Group
	for rows.Next() {
		g, err := scanGroup(rows)
		if err != nil {
			return nil, fmt.Errorf("store: pending creates: %w", err)
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// LiveSubjects returns, for each of subjects that a live group (creating,
// active or deleting) already has, ignoring case, one such group's id; a
// bulk create warns about them before creating look-alikes.
func (s *Store) LiveSubjects(ctx context.Context, subjects []string) (map[string]int64, error) {
	out := map[string]int64{}
	for len(subjects) > 0 {
		n := min(len(subjects), 500) // well under SQLite's bound on parameters
		args := make([]any, n)
		for i, sub := range subjects[:n] {
			args[i] = sub
		}
		subjects = subjects[n:]
		rows, err := s.r.QueryContext(ctx, `SELECT lower(subject), min(id) FROM groups
			WHERE status IN ('creating', 'active', 'deleting') AND lower(subject) IN (`+
			strings.TrimSuffix(strings.Repeat("lower(?),", n), ",")+`) GROUP BY lower(subject)`, args...)
		if err != nil {
			return nil, fmt.Errorf("store: live subjects: %w", err)
		}
		for rows.Next() {
			var sub string
			var id int64
			if err := rows.Scan(&sub, &id); err != nil {
				rows.Close()
				return nil, fmt.Errorf("store: live subjects: %w", err)
			}
			out[sub] = id
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("store: live subjects: %w", err)
		}
	}
	return out, nil
}
