package schedule

import (
	"sync/atomic"
	"time"
)

// Clock is the scheduler's time: the wall clock plus an offset that only
// the sandbox's clock control moves, so a browser test can watch a
// weekly schedule fire without waiting a week. Outside sandbox mode the
// offset stays zero (the control is refused there).
type Clock struct {
	base   func() time.Time
	offset atomic.Int64 // nanoseconds
}

// NewClock returns a clock on base (time.Now when nil).
func NewClock(base func() time.Time) *Clock {
	if base == nil {
		base = time.Now
	}
	return &Clock{base: base}
}

// Now returns the scheduler's current time.
func (c *Clock) Now() time.Time { return c.base().Add(c.Offset()) }

// Offset is how far the clock runs ahead of its base.
func (c *Clock) Offset() time.Duration { return time.Duration(c.offset.Load()) }

// Advance moves the clock forward by d (never backwards: a negative d is
// ignored).
func (c *Clock) Advance(d time.Duration) {
	if d > 0 {
		c.offset.Add(int64(d))
	}
}

// Reset puts the clock back on its base.
func (c *Clock) Reset() { c.offset.Store(0) }
