package store

import (
	"context"
	"fmt"
)

// AuditPoolAddGroups records groups added to a pool from the groups list.
const AuditPoolAddGroups AuditAction = "pool.add_groups"

// AuditGroupsExport records a CSV export of groups from the groups list.
const AuditGroupsExport AuditAction = "groups.export"

// AddToPool adds existing groups to a pool, numbered after its last
// group, with one audit row per group. A group belongs to one pool at
// most: groups already in a pool are left where they are and returned in
// skipped.
func (s *Store) AddToPool(ctx context.Context, poolID, userID int64, groupIDs []int64) (added, skipped []int64, err error) {
	err = s.write(ctx, func(t *Tx) error {
		added, skipped = nil, nil
		var name string
		if err := t.queryRow(`SELECT name FROM pools WHERE id = ?`, poolID).Scan(&name); err != nil {
			return err
		}
		for _, id := range groupIDs {
			var n int
			if err := t.queryRow(`SELECT count(*) FROM pool_groups WHERE group_id = ?`, id).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				skipped = append(skipped, id)
				continue
			}
			if _, err := t.exec(`INSERT INTO pool_groups (group_id, pool_id, n)
				SELECT ?, id, next_n FROM pools WHERE id = ?`, id, poolID); err != nil {
				return err
			}
			if _, err := t.exec(`UPDATE pools SET next_n = next_n + 1 WHERE id = ?`, poolID); err != nil {
				return err
			}
			if err := t.Audit(AuditEntry{UserID: userID, Action: AuditPoolAddGroups, GroupID: id, Detail: name}); err != nil {
				return err
			}
			added = append(added, id)
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("store: add to pool: %w", err)
	}
	return added, skipped, nil
}
