package handlers

import (
	"context"
	"sync"
	"time"
)

// refusalFlushEvery bounds how often refused webhook requests are
// written: they come from anyone, and a flood of them must not compete
// with ingest for the database's one writer.
const refusalFlushEvery = time.Second

// refusalCounter batches refused signatures between writes. A refusal
// is written at once when none was written in the last second; later
// ones ride along with the next write (so the count can lag by at most
// the refusals of one second).
type refusalCounter struct {
	mu      sync.Mutex
	pending int
	last    time.Time
}

// add counts one refusal and returns how many to write now (0: wait).
func (r *refusalCounter) add(now time.Time) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.pending++
	if now.Sub(r.last) < refusalFlushEvery {
		return 0
	}
	n := r.pending
	r.pending, r.last = 0, now
	return n
}

// noteRefusal records a delivery refused for its signature.
func (h *Handler) noteRefusal(ctx context.Context) error {
	n := h.refusals.add(time.Now())
	if n == 0 {
		return nil
	}
	return h.Store.RecordRefusedSignatures(ctx, n)
}
