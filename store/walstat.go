package store

import (
	"context"
	"fmt"

	"modernc.org/sqlite"
)

// WALPagesWritten is how many pages the writer connection has written
// into the WAL since it opened (SQLite's per-connection cache-write
// counter): each is a frame of the commit that wrote it, two pwrite calls,
// its share of the fsync and, later, a page the checkpoint copies. Unlike
// time per delivery it does not depend on what else the machine runs, so
// the apply benchmarks report it per change (walpages/change), and a
// schema or statement change that dirties more pages shows in review.
// It waits for the writer between two group commits.
func (s *Store) WALPagesWritten(ctx context.Context) (int64, error) {
	c, err := s.w.Conn(ctx)
	if err != nil {
		return 0, fmt.Errorf("store: wal pages: %w", err)
	}
	defer c.Close()
	var n int
	err = c.Raw(func(dc any) error {
		st, ok := dc.(sqlite.DBStatus)
		if !ok {
			return fmt.Errorf("driver connection %T has no db status", dc)
		}
		n, _, err = st.Status(sqlite.DBStatusCacheWrite, false)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: wal pages: %w", err)
	}
	return int64(n), nil
}
