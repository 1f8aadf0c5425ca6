package store

import (
	"context"
	"fmt"
)

// SetInviteLink stores a group's current invite link ("" after deletion).
func (s *Store) SetInviteLink(ctx context.Context, groupID int64, link string) error {
	return s.write(ctx, func(t *Tx) error { return t.SetInviteLink(groupID, link) })
}

// SetInviteLink stores a group's current invite link ("" after deletion).
func (t *Tx) SetInviteLink(groupID int64, link string) error {
	_, err := t.exec(`UPDATE groups SET invite_link = ?, updated_at = ? WHERE id = ?`, link, t.now, groupID)
	if err != nil {
		return fmt.Errorf("store: set invite link: %w", err)
	}
	return nil
}

// MarkGroupDeleting records that deletion was asked for; the group_delete
// webhook finishes it.
func (s *Store) MarkGroupDeleting(ctx context.Context, groupID int64) error {
	return s.write(ctx, func(t *Tx) error { return t.MarkGroupDeleting(groupID) })
}

// MarkGroupDeleting records that deletion was asked for; the group_delete
// webhook finishes it.
func (t *Tx) MarkGroupDeleting(groupID int64) error {
	_, err := t.exec(`UPDATE groups SET status = 'deleting', updated_at = ?
		WHERE id = ? AND status NOT IN ('deleted')`, t.now, groupID)
	if err != nil {
		return fmt.Errorf("store: mark group deleting: %w", err)
	}
	return nil
}

// ExportRow is one participant in a CSV export.
type ExportRow struct {
	GroupID      int64
	GroupSubject string
	WaGroupID    string
	Participant
}

// ExportParticipants calls fn for each current member of one group, or of
// every group not deleted when groupID is 0, ordered by group.
func (s *Store) ExportParticipants(ctx context.Context, groupID int64, fn func(ExportRow) error) error {
	cond, args := `g.status NOT IN ('deleting', 'deleted')`, []any{}
	if groupID != 0 {
		cond, args = `g.id = ?`, []any{groupID}
	}
	rows, err := s.r.QueryContext(ctx, `SELECT g.id, g.subject, coalesce(g.wa_group_id, ''), p.member_key, p.wa_id,
		p.user_id, p.username, p.name, p.state, p.joined_via, p.joined_at, p.left_at
		FROM participants p JOIN groups g ON g.id = p.group_id
		WHERE p.state = 'member' AND `+cond+` ORDER BY g.id, p.joined_at, p.member_key`, args...)
	if err != nil {
		return fmt.Errorf("store: export participants: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r ExportRow
		if err := rows.Scan(&r.GroupID, &r.GroupSubject, &r.WaGroupID, &r.Key, &r.WaID, &r.UserID, &r.Username, &r.Name,
			&r.State, &r.JoinedVia, &r.JoinedAt, &r.LeftAt); err != nil {
			return fmt.Errorf("store: export participants: %w", err)
		}
		r.Participant.GroupID = r.GroupID
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// AuditQuery filters the audit log; zero values mean "any".
type AuditQuery struct {
	UserID  int64
	GroupID int64
	Action  string
	Limit   int
	Offset  int
}

// AuditRow is an audit entry with who and which group spelled out.
type AuditRow struct {
	AuditEntry
	UserEmail    string
	GroupSubject string
}

// AuditSearch returns a page of matching entries, newest first, and the
// total that match.
func (s *Store) AuditSearch(ctx context.Context, q AuditQuery) ([]AuditRow, int, error) {
	if q.Limit <= 0 || q.Limit > 500 {
		q.Limit = 100
	}
	cond, args := ` WHERE 1 = 1`, []any{}
	if q.UserID != 0 {
		cond += ` AND a.user_id = ?`
		args = append(args, q.UserID)
	}
	if q.GroupID != 0 {
		cond += ` AND a.group_id = ?`
		args = append(args, q.GroupID)
	}
	if q.Action != "" {
		cond += ` AND a.action = ?`
		args = append(args, q.Action)
	}
	var total int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM audit_log a`+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count audit: %w", err)
	}
	rows, err := s.r.QueryContext(ctx, `SELECT a.id, a.at, coalesce(a.user_id, 0), a.action, coalesce(a.group_id, 0),
		a.detail, a.outcome, coalesce(u.email, ''), coalesce(g.subject, '')
		FROM audit_log a LEFT JOIN users u ON u.id = a.user_id LEFT JOIN groups g ON g.id = a.group_id`+cond+`
		ORDER BY a.id DESC LIMIT ? OFFSET ?`, append(args, q.Limit, q.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: audit search: %w", err)
	}
	defer rows.Close()
	var out []AuditRow
	for rows.Next() {
		var r AuditRow
		if err := rows.Scan(&r.ID, &r.At, &r.UserID, &r.Action, &r.GroupID, &r.Detail, &r.Outcome, &r.UserEmail,
			&r.GroupSubject); err != nil {
			return nil, 0, fmt.Errorf("store: audit search: %w", err)
		}
		out = append(out, r)
	}
	return out, total, rows.Err()
}

// AuditActions lists the distinct actions recorded, for the filter.
func (s *Store) AuditActions(ctx context.Context) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT DISTINCT action FROM audit_log ORDER BY action`)
	if err != nil {
		return nil, fmt.Errorf("store: audit actions: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			return nil, fmt.Errorf("store: audit actions: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// DiscardUnsentGroup removes a group row whose create call WhatsApp
// refused, so a retried or failed bulk item leaves no phantom group.
func (s *Store) DiscardUnsentGroup(ctx context.Context, id int64) error {
	_, err := s.exec(ctx, `DELETE FROM groups WHERE id = ? AND status = 'creating' AND request_id IS NULL`, id)
	if err != nil {
		return fmt.Errorf("store: discard group: %w", err)
	}
	return nil
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
