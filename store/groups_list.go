package store

import (
	"context"
	"fmt"
	"strings"
)

// Filters and sorts of the groups list. The zero value of each means "all"
// (deleted groups excluded) and "newest first".
const (
	FilterSuspended = "suspended" // a status filter value beside the stored statuses
	RoomFull        = "full"
	RoomFree        = "room"
	SortNewest      = "newest"
	SortActivity    = "activity"
	SortFullest     = "fullest"
)

// GroupQuery selects a page of the groups list.
type GroupQuery struct {
	Search  string // part of the subject, case-insensitive
	Status  string // creating, active, suspended, failed, deleted; "" = all but deleted
	Pending bool   // only groups with pending join requests
	Room    string // RoomFull, RoomFree or ""
	Sort    string // SortNewest (default), SortActivity, SortFullest
	Limit   int
	Offset  int
}

// where builds the WHERE clause; every value is a bound parameter.
func (q GroupQuery) where() (string, []any) {
	var where []string
	var args []any
	if s := strings.TrimSpace(q.Search); s != "" {
		where = append(where, `subject LIKE ? ESCAPE '\'`)
		args = append(args, "%"+escapeLike(s)+"%")
	}
	switch q.Status {
	case GroupActive:
		where = append(where, `status = 'active' AND suspended = 0`)
	case FilterSuspended:
		where = append(where, `suspended = 1 AND status NOT IN ('deleting', 'deleted')`)
	case GroupDeleted:
		where = append(where, `status IN ('deleting', 'deleted')`)
	case GroupCreating, GroupFailed:
		where = append(where, `status = ?`)
		args = append(args, q.Status)
	default:
		where = append(where, `status NOT IN ('deleting', 'deleted')`)
	}
	if q.Pending {
		where = append(where, `pending_requests > 0`)
	}
	switch q.Room {
	case RoomFull:
		where = append(where, fmt.Sprintf(`participant_count >= %d`, MaxParticipants))
	case RoomFree:
		where = append(where, fmt.Sprintf(`participant_count < %d`, MaxParticipants))
	}
	return " WHERE " + strings.Join(where, " AND "), args
}

func (q GroupQuery) order() string {
	switch q.Sort {
	case SortActivity:
		return ` ORDER BY last_activity_at DESC, id DESC`
	case SortFullest:
		return ` ORDER BY participant_count DESC, created_at DESC, id DESC`
	}
	return ` ORDER BY created_at DESC, id DESC`
}

// GroupList returns a page of groups and how many match in all. The count
// and the page are read in one read transaction so they agree.
func (s *Store) GroupList(ctx context.Context, q GroupQuery) ([]*Group, int, error) {
	if q.Limit <= 0 || q.Limit > 500 {
		q.Limit = 50
	}
	if q.Offset < 0 {
		q.Offset = 0
	}
	cond, args := q.where()
	tx, err := s.r.BeginTx(ctx, nil)
	if err != nil {
		return nil, 0, fmt.Errorf("store: group list: %w", err)
	}
	defer tx.Rollback()
	var total int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM groups`+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count groups: %w", err)
	}
	// A search matches anywhere in the subject, so no index can order it:
	// pick the page's ids from the narrow covering index (sorting only the
	// matches), then read just those rows. Unfiltered lists walk the sort's
	// own index and stop after a page.
	from := `groups`
	if strings.TrimSpace(q.Search) != "" {
		from = `groups INDEXED BY groups_list_cover`
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+groupCols+` FROM groups WHERE id IN (
		SELECT id FROM `+from+cond+q.order()+` LIMIT ? OFFSET ?)`+q.order(),
		append(args, q.Limit, q.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: group list: %w", err)
	}
	defer rows.Close()
	out := make([]*Group, 0, q.Limit)
	for rows.Next() {
		g, err := scanGroup(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("store: group list: %w", err)
		}
		out = append(out, g)
	}
	return out, total, rows.Err()
}
