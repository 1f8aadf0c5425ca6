package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"time"
)

// Storage is what the database holds, for admins and /healthz?detail=1.
type Storage struct {
	FileBytes int64 // page_count × page_size (the WAL aside)
	FreeBytes int64 // free pages: reused by new rows or returned by pruning
	// Tables is bytes per table with its indexes, largest first, as
	// measured at TablesAt (zero: not yet) in the background, at most
	// every tableSizesEvery (dbstat reads every page).
	Tables   []TableSize
	TablesAt time.Time
	// Oldest rows kept (Unix ms, 0 when none): what retention has reached.
	OldestDelivery, OldestDedupKey, OldestWaiting int64
	OldestMessage                                 int64 // by its time (created_at)
	Waiting                                       int64 // changes waiting
}

// TableSize is one table and its indexes.
type TableSize struct {
	Name  string
	Bytes int64
}

// tableSizesEvery bounds how often per-table sizes are measured: dbstat
// walks every page, about a second per gigabyte.
const tableSizesEvery = 5 * time.Minute

// Storage measures the database. Everything but Tables is a few index
// probes; Tables comes from a cache refreshed in the background.
func (s *Store) Storage(ctx context.Context) (Storage, error) {
	var st Storage
	q := func(dst *int64, query string) error {
		var v sql.NullInt64
		err := s.r.QueryRowContext(ctx, query).Scan(&v)
		if errors.Is(err, sql.ErrNoRows) {
			return nil // no such row kept: 0
		}
		if err != nil {
			return fmt.Errorf("store: storage: %w", err)
		}
		*dst = v.Int64
		return nil
	}
	var pages, free, size int64
	for _, x := range []struct {
		dst   *int64
		query string
	}{
		{&pages, `PRAGMA page_count`},
		{&free, `PRAGMA freelist_count`},
		{&size, `PRAGMA page_size`},
		{&st.OldestDelivery, `SELECT received_at FROM webhook_deliveries ORDER BY id LIMIT 1`},
		{&st.OldestDedupKey, `SELECT d.received_at FROM webhook_deliveries d
			WHERE d.id = (SELECT delivery_id FROM webhook_events ORDER BY delivery_id LIMIT 1)`},
		{&st.OldestWaiting, `SELECT created_at FROM deferred_events ORDER BY created_at LIMIT 1`},
		{&st.Waiting, `SELECT count(*) FROM deferred_events`},
		{&st.OldestMessage, `SELECT created_at FROM messages INDEXED BY messages_created ORDER BY created_at LIMIT 1`},
	} {
		if err := q(x.dst, x.query); err != nil {
			return st, err
		}
	}
	st.FileBytes, st.FreeBytes = pages*size, free*size
	tables, at, err := s.tableSizes(ctx)
	st.Tables, st.TablesAt = tables, at
	return st, err
}

// tableSizes returns the cached per-table sizes and, when they are
// older than tableSizesEvery, starts measuring them again in the
// background: a caller (a health probe) never waits for dbstat.
func (s *Store) tableSizes(context.Context) ([]TableSize, time.Time, error) {
	s.sizes.Lock()
	defer s.sizes.Unlock()
	if !s.sizes.measuring && (s.sizes.at.IsZero() || time.Since(s.sizes.at) >= tableSizesEvery) {
		s.sizes.measuring = true
		go s.measureTables()
	}
	return s.sizes.tables, s.sizes.at, s.sizes.err
}

func (s *Store) measureTables() {
	out, err := s.readTableSizes(context.Background())
	s.sizes.Lock()
	defer s.sizes.Unlock()
	s.sizes.measuring, s.sizes.err = false, err
	if err == nil {
		s.sizes.tables, s.sizes.at = out, time.Now()
	}
}

// MeasureTables measures per-table sizes now (tests, tools).
func (s *Store) MeasureTables(ctx context.Context) ([]TableSize, error) {
	out, err := s.readTableSizes(ctx)
	if err == nil {
		s.sizes.Lock()
		s.sizes.tables, s.sizes.at = out, time.Now()
		s.sizes.Unlock()
	}
	return out, err
}

// readTableSizes walks one b-tree per query, each its own short read
// transaction. One dbstat query over the whole file held a read snapshot
// for as long as it took to read every page (seconds on a large
// database), and while a reader holds a snapshot the checkpoint cannot
// copy newer WAL frames past it: the WAL grew by everything written
// meanwhile (the soak's +192 MB between its 5- and 10-minute samples).
func (s *Store) readTableSizes(ctx context.Context) ([]TableSize, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT name, tbl_name FROM sqlite_schema WHERE rootpage > 0
		UNION ALL SELECT 'sqlite_schema', 'sqlite_schema'`)
	if err != nil {
		return nil, fmt.Errorf("store: table sizes: %w", err)
	}
	type tree struct{ name, table string }
	var trees []tree
	for rows.Next() {
		var t tree
		if err := rows.Scan(&t.name, &t.table); err != nil {
			rows.Close()
			return nil, err
		}
		trees = append(trees, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: table sizes: %w", err)
	}
	sizes := map[string]int64{}
	for _, t := range trees {
		var n int64
		if err := s.r.QueryRowContext(ctx, `SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name = ?`, t.name).Scan(&n); err != nil {
			return nil, fmt.Errorf("store: table sizes: %s: %w", t.name, err)
		}
		sizes[t.table] += n
	}
	out := make([]TableSize, 0, len(sizes))
	for name, b := range sizes {
		out = append(out, TableSize{Name: name, Bytes: b})
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].Bytes > out[j].Bytes || out[i].Bytes == out[j].Bytes && out[i].Name < out[j].Name
	})
	return out, nil
}
