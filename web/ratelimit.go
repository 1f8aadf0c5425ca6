package web

import (
	"net"
	"net/netip"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
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

// maxKeys is how many keys a limiter holds before it forgets idle ones.
const maxKeys = 10000

// NewLimiter allows burst events at once and then one per interval.
func NewLimiter(interval time.Duration, burst int) *Limiter {
	return &Limiter{every: rate.Every(interval), burst: burst, keys: map[string]*limiterEntry{}}
}

// Allow reports whether key may act now, counting the act.
func (l *Limiter) Allow(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	return l.entry(key, now).lim.AllowN(now, 1)
}

// Spent reports whether key has used up its allowance, without counting
// anything: for limits that count only failures (see Take).
func (l *Limiter) Spent(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	return l.entry(key, now).lim.TokensAt(now) < 1
}

// Take counts one event against key, even past its allowance.
func (l *Limiter) Take(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	l.entry(key, now).lim.ReserveN(now, 1)
}

func (l *Limiter) entry(key string, now time.Time) *limiterEntry {
	if len(l.keys) > maxKeys {
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
	return e
}

// Backoff counts failures per key: after free failures each further one
// doubles the wait before the key may try again, from base up to max. A
// key that fails nothing for forget starts afresh.
type Backoff struct {
	mu        sync.Mutex
	free      int
	base, max time.Duration
	forget    time.Duration
	keys      map[string]*backoffEntry
}

type backoffEntry struct {
	fails int
	until time.Time // no attempt before this
	last  time.Time
}

// NewBackoff returns a Backoff; failures are forgotten an hour after the
// last one.
func NewBackoff(free int, base, max time.Duration) *Backoff {
	return &Backoff{free: free, base: base, max: max, forget: time.Hour, keys: map[string]*backoffEntry{}}
}

// Wait returns how long key must still wait (0: it may try now).
func (b *Backoff) Wait(key string, now time.Time) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	e := b.keys[key]
	if e == nil || now.Sub(e.last) > b.forget {
		return 0
	}
	return max(0, e.until.Sub(now))
}

// Fail counts a failure of key at now.
func (b *Backoff) Fail(key string, now time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.keys) > maxKeys {
		for k, e := range b.keys {
			if now.Sub(e.last) > b.forget {
				delete(b.keys, k)
			}
		}
	}
	e := b.keys[key]
	if e == nil || now.Sub(e.last) > b.forget {
		e = &backoffEntry{}
		b.keys[key] = e
	}
	e.fails++
	e.last = now
	if over := e.fails - b.free; over > 0 {
		wait := b.max
		if over < 31 {
			wait = min(b.max, b.base<<(over-1))
		}
		e.until = now.Add(wait)
	}
}

// Reset forgets key's failures (after a success).
func (b *Backoff) Reset(key string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.keys, key)
}

// AddrGroup is the key a client address is limited under: an IPv4 address
// itself, an IPv6 address by its /64, since one customer usually holds a
// whole /64 and could otherwise step through 2^64 addresses.
func AddrGroup(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	a = a.Unmap()
	if a.Is4() {
		return a.String()
	}
	p, _ := a.WithZone("").Prefix(64)
	return p.String()
}

// ClientIP returns how to find a request's client address. Without
// trusted proxies it is the connecting address, since anyone can write
// X-Forwarded-For. With them, a request arriving from a trusted proxy is
// attributed to the last X-Forwarded-For entry that is not itself a
// trusted proxy; loopback and private networks are trusted only if listed.
func ClientIP(trusted []netip.Prefix) echo.IPExtractor {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, p := range trusted {
		p = p.Masked()
		opts = append(opts, echo.TrustIPRange(&net.IPNet{IP: p.Addr().AsSlice(), Mask: net.CIDRMask(p.Bits(), p.Addr().BitLen())}))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}
