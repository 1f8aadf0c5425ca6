package web

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limiter rate-limits by key (a client address), forgetting idle keys.
// x/time/rate does the token bucket; this only keeps one per key.
type Limiter struct {
	mu    sync.Mutex
	every rate.Limit
	burst int
	keys  map[string]*limiterEntry
}

type limiterEntry struct {
	lim  *rate.Limiter
	seen time.Time
}

// NewLimiter allows burst events at once and then one per interval.
func NewLimiter(interval time.Duration, burst int) *Limiter {
	return &Limiter{every: rate.Every(interval), burst: burst, keys: map[string]*limiterEntry{}}
}

// Allow reports whether key may act now.
func (l *Limiter) Allow(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	if len(l.keys) > 10000 {
		for k, e := range l.keys {
			if now.Sub(e.seen) > time.Hour {
				delete(l.keys, k)
			}
		}
	}
	e := l.keys[key]
	if e == nil {
		e = &limiterEntry{lim: rate.NewLimiter(l.every, l.burst)}
		l.keys[key] = e
	}
	e.seen = now
	return e.lim.AllowN(now, 1)
}
