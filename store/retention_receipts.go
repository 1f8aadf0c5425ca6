package store

import (
	"encoding/json"
	"fmt"
	"sync"
)

// Stray receipts. A status that arrives for a message already deleted by
// the message retention, or for one groupdeck never stored, is kept as a
// receipt with no message: a status can overtake the send answer that
// gives its message the wamid, and must then wait for it. Such a receipt
// is deleted once its own time (delivery or read) is older than the
// message retention and still nothing, neither a message nor an invite
// send, has its wamid. Receipts have no index by time, so each pruning
// run walks Retention.StrayScan (strayScanPerRun) wamids of the receipts' key in order from
// where the last run stopped, and starts over at the end: a sweep over
// the table spread across runs, never a scan in one. A receipt that has
// only a failure has no time, and is kept.
const strayScanPerRun = 50_000

// strayCursor is where the sweep stopped: the last wamid walked.
type strayCursor struct {
	sync.Mutex
	wamid string
}

// pruneStrayReceipts returns the chunk function of the stray receipts
// step: each call walks up to limit wamids after the cursor and deletes
// the stray receipts among them older than cut. It reports the wamids
// walked, and fewer than limit once this run's share is walked or the
// sweep reached the end of the table.
func (s *Store) pruneStrayReceipts(res *PruneResult, share int) func(t *Tx, cut int64, limit int) (int64, error) {
	if share <= 0 {
		share = strayScanPerRun
	}
	walked := 0
	return func(t *Tx, cut int64, limit int) (int64, error) {
		if walked >= share {
			return 0, nil
		}
		limit = min(limit, share-walked)
		s.stray.Lock()
		defer s.stray.Unlock()
		rows, err := t.query(`SELECT DISTINCT wamid FROM receipts WHERE wamid > ? ORDER BY wamid LIMIT ?`,
			s.stray.wamid, limit)
		if err != nil {
			return 0, err
		}
		var wamids []string
		for rows.Next() {
			var w string
			if err := rows.Scan(&w); err != nil {
				rows.Close()
				return 0, err
			}
			wamids = append(wamids, w)
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
			k, err := t.execN(`DELETE FROM receipts WHERE wamid IN (
					SELECT value FROM json_each(?1) w
					WHERE NOT EXISTS (SELECT 1 FROM messages m WHERE m.wamid = w.value)
						AND NOT EXISTS (SELECT 1 FROM invite_sends i WHERE i.wamid = w.value))
				AND max(delivered_at, read_at) BETWEEN 1 AND ?2 - 1`, string(list), cut)
			if err != nil {
				return 0, fmt.Errorf("stray receipts: %w", err)
			}
			res.Receipts += k
			res.StrayReceipts += k
		}
		walked += len(wamids)
		if len(wamids) < limit { // the end of the table: the next run starts over
			s.stray.wamid = ""
			return int64(len(wamids)), nil
		}
		s.stray.wamid = wamids[len(wamids)-1]
		if walked >= share { // this run's share is walked: the step ends here
			return 0, nil
		}
		return int64(len(wamids)), nil
	}
}
