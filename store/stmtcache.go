package store

import (
	"context"
	"database/sql"
	"sync"
)

// stmtCache keeps the group commit's statements prepared on the writer
// connection for as long as it lives, instead of once per batch: with
// small batches (a few deliveries per commit under moderate load)
// compiling the same dozen statements again for every commit, plus the
// savepoint statements for every delivery, was about 7 % of ingest CPU.
//
// A statement cannot be prepared on the writer handle while a
// transaction holds its only connection, so a batch prepares a statement
// it has not seen in its own transaction and records it; after the
// batch's commit releases the connection, prepareMissing prepares it on
// the handle, where database/sql keeps it per connection (and prepares it
// again on a new connection after a reconnect).
type stmtCache struct {
	mu      sync.Mutex
	stmts   map[string]*sql.Stmt
	missing map[string]bool
}

// maxCachedStmts bounds the cache: the ingest path uses a few dozen fixed
// statements; a query built at run time beyond the bound is simply
// prepared per transaction as before.
const maxCachedStmts = 256

// get returns q prepared on the handle, or nil after noting it as missing.
func (c *stmtCache) get(q string) *sql.Stmt {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if st := c.stmts[q]; st != nil {
		return st
	}
	if len(c.stmts)+len(c.missing) < maxCachedStmts {
		if c.missing == nil {
			c.missing = map[string]bool{}
		}
		c.missing[q] = true
	}
	return nil
}

// prepareMissing prepares the statements noted missing on db. It must
// run with no transaction open on db's connection. A statement that does
// not prepare stays uncached (its transaction reported the error).
func (c *stmtCache) prepareMissing(ctx context.Context, db *sql.DB) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for q := range c.missing {
		delete(c.missing, q)
		st, err := db.PrepareContext(ctx, q)
		if err != nil {
			continue
		}
		if c.stmts == nil {
			c.stmts = map[string]*sql.Stmt{}
		}
		c.stmts[q] = st
	}
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for q, st := range c.stmts {
		st.Close()
		delete(c.stmts, q)
	}
}
