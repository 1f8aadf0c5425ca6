package store

import (
	"context"
	"fmt"
	"strings"

	"groupdeck/internal/person"
)

// nextFeedID is the id of a new activity row or received message: one
// sequence for both tables (migration 0026), so a feed line's id orders
// it among the lines of both and the feed stays in arrival order. Each
// max is one probe of the right edge of a rowid tree.
const nextFeedID = `(SELECT max(coalesce((SELECT max(id) FROM activity), 0),
	coalesce((SELECT max(id) FROM messages), 0)) + 1)`

// ActivityQuery pages the feed: newest first, items older than Before (an
// activity id; 0 = from the newest) or from Since on (the live first
// page, which keeps its lower end so the pages below it stay put),
// optionally one kind, one group (GroupID) and groups whose subject
// contains Group.
type ActivityQuery struct {
	Kind    string
	GroupID int64
	Group   string
	Before  int64
	Since   int64
	Limit   int
}

// RecentActivity returns the newest activity first, across all groups
// (groupID 0) or for one group.
func (s *Store) RecentActivity(ctx context.Context, groupID int64, limit int) ([]ActivityItem, error) {
	return s.feed(ctx, ActivityQuery{GroupID: groupID}, limit)
}

// ActivityPage returns one page of the feed and whether older items exist.
func (s *Store) ActivityPage(ctx context.Context, q ActivityQuery) ([]ActivityItem, bool, error) {
	if q.Limit <= 0 || q.Limit > 200 {
		q.Limit = 50
	}
	out, err := s.feed(ctx, q, q.Limit+1)
	if err != nil {
		return nil, false, err
	}
	more := len(out) > q.Limit
	if more {
		out = out[:q.Limit]
	}
	return out, more, nil
}

// feed reads up to limit lines matching q, newest first: the activity
// rows and the received messages (each a "message" line), each read
// newest first through its own index and merged by id.
func (s *Store) feed(ctx context.Context, q ActivityQuery, limit int) ([]ActivityItem, error) {
	acts, err := s.activityRows(ctx, q, limit)
	if err != nil {
		return nil, err
	}
	if q.Kind != "" && q.Kind != ActMessage {
		return acts, nil
	}
	msgs, err := s.messageLines(ctx, q, limit)
	if err != nil {
		return nil, err
	}
	out := make([]ActivityItem, 0, min(limit, len(acts)+len(msgs)))
	for len(out) < limit && (len(acts) > 0 || len(msgs) > 0) {
		if len(msgs) == 0 || (len(acts) > 0 && acts[0].ID > msgs[0].ID) {
			out, acts = append(out, acts[0]), acts[1:]
		} else {
			out, msgs = append(out, msgs[0]), msgs[1:]
		}
	}
	return out, nil
}

// feedFilter is the WHERE of either side of the feed: alias is "a" or
// "m", the group's subject is g.subject.
func feedFilter(q ActivityQuery, alias string) (string, []any) {
	var sql strings.Builder
	var args []any
	if q.Before > 0 {
		sql.WriteString(` AND ` + alias + `.id < ?`)
		args = append(args, q.Before)
	}
	if q.Since > 0 {
		sql.WriteString(` AND ` + alias + `.id >= ?`)
		args = append(args, q.Since)
	}
	if q.GroupID > 0 {
		sql.WriteString(` AND ` + alias + `.group_id = ?`)
		args = append(args, q.GroupID)
	}
	if q.Group != "" {
		sql.WriteString(` AND g.subject LIKE ? ESCAPE '\'`)
		args = append(args, "%"+escapeLike(q.Group)+"%")
	}
	return sql.String(), args
}

// activityRows reads the feed lines stored as activity rows.
func (s *Store) activityRows(ctx context.Context, q ActivityQuery, limit int) ([]ActivityItem, error) {
	where, args := feedFilter(q, "a")
	if q.Kind != "" {
		where += ` AND a.kind = ?`
		args = append(args, q.Kind)
	}
	rows, err := s.r.QueryContext(ctx, `SELECT `+activityColumns+` FROM `+activityFrom+` WHERE 1 = 1`+where+
		` ORDER BY a.id DESC LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("store: activity: %w", err)
	}
	defer rows.Close()
	var out []ActivityItem
	for rows.Next() {
		var a ActivityItem
		if err := rows.Scan(&a.ID, &a.At, &a.GroupID, &a.Subject, &a.Kind, &a.Who, &a.WhoKey, &a.Detail); err != nil {
			return nil, fmt.Errorf("store: activity: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// messageLines reads the feed lines of received messages stored since
// migration 0026 and not older than the activity retention. One group's
// come through messages_group (group_id, created_at), sorted by id: the
// group's messages inside the retention, not the whole table; the others
// through the rowid, newest first. (feed_messages is read in scalar
// subqueries: joined, it led SQLite to build an automatic index over all
// messages.)
func (s *Store) messageLines(ctx context.Context, q ActivityQuery, limit int) ([]ActivityItem, error) {
	query, args := messageLinesSQL(q, limit)
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: activity messages: %w", err)
	}
	defer rows.Close()
	var out []ActivityItem
	for rows.Next() {
		var a ActivityItem
		var name, username, waID, userID, kind, body string
		if err := rows.Scan(&a.ID, &a.At, &a.GroupID, &a.Subject, &a.WhoKey, &name, &username, &waID, &userID, &kind, &body); err != nil {
			return nil, fmt.Errorf("store: activity messages: %w", err)
		}
		a.Kind, a.Who, a.Detail = ActMessage, person.Name(name, username, waID, userID), MessageLine(kind, body)
		out = append(out, a)
	}
	return out, rows.Err()
}

func messageLinesSQL(q ActivityQuery, limit int) (string, []any) {
	where, args := feedFilter(q, "m")
	from := `messages m`
	if q.GroupID > 0 {
		from = `messages m INDEXED BY messages_group`
	}
	return `SELECT m.id, m.created_at, m.group_id, coalesce(g.subject, ''), m.sender_key,
			m.sender_name, coalesce(p.username, ''), coalesce(p.wa_id, ''), coalesce(p.user_id, ''), m.kind, m.body
		FROM ` + from + ` LEFT JOIN groups g ON g.id = m.group_id LEFT JOIN people p ON p.key = m.sender_key
		WHERE m.direction = 'in' AND m.id > (SELECT after FROM feed_messages)
			AND m.created_at >= (SELECT floor FROM feed_messages)` + where + `
		ORDER BY m.id DESC LIMIT ?`, append(args, limit)
}

// MessageLine is what the feed says of a received message: its text (or
// caption, or file name) cut to 140 characters, else its kind.
func MessageLine(kind, body string) string {
	if body == "" {
		return "[" + kind + "]"
	}
	r := []rune(body)
	if len(r) <= 140 {
		return body
	}
	return string(r[:139]) + "…"
}
