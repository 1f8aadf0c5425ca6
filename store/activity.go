package store

import (
	"context"
	"fmt"
)

// ActivityItem is one line of the activity feed.
type ActivityItem struct {
	ID      int64
	At      int64
	GroupID int64
	Subject string
	Kind    string
	Who     string
	WhoKey  string // the person the line is about (people.key), or ""
	Detail  string
}

// activityColumns name who created a group on its "created" line (the
// webhook that confirms a creation does not know who asked for it; the
// group row does), so a bulk create folds into "12 groups created by Ann".
const activityColumns = `a.id, a.at, coalesce(a.group_id, 0), coalesce(g.subject, ''), a.kind,
	coalesce(nullif(a.who, ''), CASE WHEN a.kind = 'created' THEN coalesce(nullif(u.name, ''), u.email) END, ''), a.who_key, a.detail`

const activityFrom = `activity a LEFT JOIN groups g ON g.id = a.group_id LEFT JOIN users u ON u.id = g.created_by`

// Counters are the home page's numbers.
type Counters struct {
	ActiveGroups    int
	Participants    int
	JoinsToday      int
	PendingRequests int
	MessagesToday   int
}

// DashboardCounters counts what the home page shows; since is the start
// of "today" in Unix ms.
func (s *Store) DashboardCounters(ctx context.Context, since int64) (Counters, error) {
	var c Counters
	err := s.r.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM groups WHERE status = 'active'),
		(SELECT coalesce(sum(participant_count), 0) FROM groups WHERE status = 'active'),
		(SELECT count(*) FROM activity WHERE kind = 'join' AND at >= ?1),
		(SELECT coalesce(sum(pending_requests), 0) FROM groups WHERE status = 'active'),
		(SELECT count(*) FROM messages WHERE created_at >= ?1)`, since).
		Scan(&c.ActiveGroups, &c.Participants, &c.JoinsToday, &c.PendingRequests, &c.MessagesToday)
	if err != nil {
		return c, fmt.Errorf("store: dashboard counters: %w", err)
	}
	return c, nil
}

// RecordActivity adds a feed line outside a webhook (e.g. a drift that
// reconciliation healed).
func (s *Store) RecordActivity(ctx context.Context, groupID int64, kind, who, detail string) error {
	_, err := s.WithTx(ctx, func(t *Tx) error { return t.Activity(groupID, kind, who, detail, 0) })
	return err
}

// PruneActivity deletes feed lines older than before (Unix ms) and
// returns how many went. It finds old lines through activity_kind_at
// (kind, at), one kind at a time: selecting by "at" alone walked every
// line, a full scan holding the writer for seconds on a large feed even
// when nothing was old. It deletes like the webhook retention
// (pruneBatches): chunks of pruneChunk rows, a transaction that ends
// after pruneBudget, committed without an fsync of its own, a pause
// between transactions; 5,000 rows a statement held the writer long
// enough to show in the acknowledgements' p99.
func (s *Store) PruneActivity(ctx context.Context, before int64) (int64, error) {
	kinds, err := s.activityKinds(ctx)
	if err != nil {
		return 0, err
	}
	// Message lines are read from messages (migration 0026), which this
	// retention does not delete: the feed leaves out those older than the
	// cut-off instead, as it did when they were activity rows.
	if _, err := s.exec(ctx, `UPDATE feed_messages SET floor = max(floor, ?)`, before); err != nil {
		return 0, fmt.Errorf("store: prune activity: %w", err)
	}
	var total int64
	for _, kind := range kinds {
		n, err := s.pruneBatches(ctx, pruneBatch{budget: pruneBudget, pause: prunePause}, func(t *Tx, limit int) (int64, error) {
			return t.execN(`DELETE FROM activity WHERE id IN
				(SELECT id FROM activity WHERE kind = ? AND at < ? LIMIT ?)`, kind, before, limit)
		})
		total += n
		if err != nil {
			return total, fmt.Errorf("store: prune activity: %w", err)
		}
	}
	return total, ctx.Err()
}

// activityKinds lists the kinds present, skipping through the index (one
// probe per kind) instead of reading every line.
func (s *Store) activityKinds(ctx context.Context) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, `WITH RECURSIVE k(kind) AS (
			SELECT min(kind) FROM activity
			UNION ALL SELECT (SELECT min(kind) FROM activity WHERE kind > k.kind) FROM k WHERE k.kind IS NOT NULL)
		SELECT kind FROM k WHERE kind IS NOT NULL`)
	if err != nil {
		return nil, fmt.Errorf("store: activity kinds: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// Activity kinds, shown on the home page feed.
const (
	ActJoin           = "join"
	ActLeave          = "leave"
	ActRemoved        = "removed"
	ActRequest        = "request"
	ActRequestRevoked = "request_revoked"
	ActMessage        = "message"
	ActFailure        = "failure"
	ActCreated        = "created"
	ActDeleted        = "deleted"
	ActSettings       = "settings"
	ActSuspended      = "suspended"
	ActUnsuspended    = "unsuspended"
	ActDrift          = "drift"
	ActImported       = "imported"
)

// Activity records something that happened to a group, in the same
// transaction as the change itself.
func (t *Tx) Activity(groupID int64, kind, who, detail string, at int64) error {
	return t.PersonActivity(groupID, kind, "", who, detail, at)
}

// PersonActivity is Activity for a line about a person: key (people.key)
// links the line to their page.
func (t *Tx) PersonActivity(groupID int64, kind, key, who, detail string, at int64) error {
	if at == 0 {
		at = t.now
	}
	if t.delivery != 0 && kind != ActMessage {
		// A webhook change whose de-duplication key was pruned (Meta
		// retried after the retention window) applies again; the state it
		// sets is idempotent, and this keeps its feed line from doubling.
		// One probe of activity_kind_at (kind, at). Messages are checked
		// by wamid instead (ingest), since Meta's timestamps are seconds
		// and a busy second holds many message lines.
		var n int
		err := t.queryRow(`SELECT count(*) FROM activity WHERE kind = ? AND at = ? AND group_id IS nullif(?, 0)
			AND who = ? AND detail = ?`, kind, at, groupID, who, detail).Scan(&n)
		if err != nil {
			return fmt.Errorf("store: activity: %w", err)
		}
		if n > 0 {
			return nil
		}
	}
	_, err := t.exec(`INSERT INTO activity (id, at, group_id, kind, who, who_key, detail)
		VALUES (`+nextFeedID+`, ?, nullif(?, 0), ?, ?, ?, ?)`, at, groupID, kind, who, key, detail)
	if err != nil {
		return fmt.Errorf("store: activity: %w", err)
	}
	if groupID != 0 {
		t.touchPart(groupID, PartActivity)
	}
	return nil
}
