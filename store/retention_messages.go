package store

import (
	"encoding/json"
	"fmt"
)

// Retention of message content (issue 19, GROUPDECK_KEEP_MESSAGES): a
// message older than its retention goes with everything that exists only
// for it. Its receipts (keyed by wamid) and its media reference (columns
// of its row) go with it; a received message is its own activity feed
// line (migration 0026), so its line goes too, and the feed lines of
// messages received before that migration (activity rows of kind
// "message") go by their own time. Schedule sends keep their row with
// the message link cleared (schedule_sends.message_id, ON DELETE SET
// NULL, through the index of migration 0028).
//
// Kept whatever their age, because something still needs them:
//   - a message queued or being sent, or whose send is in doubt: the
//     outbox owns it until it is final;
//   - a message still pinned in its group (pinned_until in the future);
//   - a message a send-to-many job that has not finished queued: the
//     job finds it by its item when it resumes, and would send it again;
//   - the newest message: message ids come from max(id) + 1, and a
//     reused id would let a late status tagged with an old message's id
//     (CallbackData) or an old feed cursor name a new message.
//
// The cut is the message's own time (created_at: when it was queued, or
// Meta's time for a received one), read in order through messages_created
// (created_at), which every message writes at its right edge: each chunk
// is a range read from a cursor, not a scan, and the rows kept for the
// reasons above are walked past once per run, not once per chunk.

// pruneMessages returns the chunk function of the messages step: each
// call deletes up to limit messages created before cut (Unix ms), after
// the previous call's last one, with their receipts.
func (s *Store) pruneMessages(res *PruneResult) func(t *Tx, cut int64, limit int) (int64, error) {
	var at, id int64 = -1 << 63, 0 // cursor: (created_at, id) of the last message deleted
	return func(t *Tx, cut int64, limit int) (int64, error) {
		rows, err := t.query(`DELETE FROM messages WHERE id IN (
			SELECT id FROM messages INDEXED BY messages_created
			WHERE created_at < ?1 AND created_at >= ?2 AND (created_at > ?2 OR id > ?3)
				AND state NOT IN ('queued', 'sending') AND in_doubt = 0 AND pinned_until <= ?4
				AND id < (SELECT max(id) FROM messages)
				AND (job_item_id IS NULL OR NOT EXISTS (SELECT 1 FROM jobs j
					WHERE j.id = job_item_id / 1000000 AND j.state IN ('queued', 'running', 'waiting')))
			ORDER BY created_at, id LIMIT ?5)
			RETURNING id, created_at, coalesce(wamid, '')`, cut, at, id, t.now, limit)
		if err != nil {
			return 0, err
		}
		var n int64
		var wamids []string
		for rows.Next() {
			var mid, mat int64
			var wamid string
			if err := rows.Scan(&mid, &mat, &wamid); err != nil {
				rows.Close()
				return 0, err
			}
			n++
			if mat > at || (mat == at && mid > id) {
				at, id = mat, mid
			}
			if wamid != "" {
				wamids = append(wamids, wamid)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return 0, err
		}
		if len(wamids) > 0 {
			list, err := json.Marshal(wamids)
			if err != nil {
				return 0, err
			}
			k, err := t.execN(`DELETE FROM receipts WHERE wamid IN (SELECT value FROM json_each(?))`, string(list))
			if err != nil {
				return 0, fmt.Errorf("receipts: %w", err)
			}
			res.Receipts += k
		}
		return n, nil
	}
}

// pruneMessageLines deletes up to limit feed lines of messages received
// before migration 0026 (activity rows of kind "message") older than cut,
// through activity_kind_at (kind, at): a range read.
func pruneMessageLines(t *Tx, cut int64, limit int) (int64, error) {
	return t.execN(`DELETE FROM activity WHERE id IN
		(SELECT id FROM activity WHERE kind = ? AND at < ? LIMIT ?)`, ActMessage, cut, limit)
}
