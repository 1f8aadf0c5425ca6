package api

import (
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
)

// limiter counts each token's requests in fixed windows. A fixed window
// (rather than a token bucket) gives the exact remaining quota and reset
// time that the RateLimit header reports.
type limiter struct {
	mu     sync.Mutex
	limit  int
	window time.Duration
	counts map[int64]*windowCount
}

type windowCount struct {
	start time.Time
	n     int
}

func newLimiter(limit int, window time.Duration) *limiter {
	return &limiter{limit: limit, window: window, counts: map[int64]*windowCount{}}
}

// take counts one request of the token and returns whether it is within
// the limit, the requests left in this window and the seconds until the
// window resets.
func (l *limiter) take(tokenID int64, now time.Time) (ok bool, remaining, reset int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.counts[tokenID]
	if w == nil || now.Sub(w.start) >= l.window {
		if len(l.counts) > 10000 { // forget idle tokens
			for id, old := range l.counts {
				if now.Sub(old.start) >= l.window {
					delete(l.counts, id)
				}
			}
		}
		w = &windowCount{start: now}
		l.counts[tokenID] = w
	}
	reset = int((w.start.Add(l.window).Sub(now) + time.Second - 1) / time.Second)
	if w.n >= l.limit {
		return false, 0, reset
	}
	w.n++
	return true, l.limit - w.n, reset
}

// rateLimit applies the per-token limit and reports it in the RateLimit
// and RateLimit-Policy headers of the IETF draft
// (draft-ietf-httpapi-ratelimit-headers); over the limit, the answer is
// 429 with Retry-After.
func (a *API) rateLimit(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ok, remaining, reset := a.limits.take(token(c).ID, a.Now())
		h := c.Response().Header()
		h.Set("RateLimit-Policy", fmt.Sprintf(`"per-token";q=%d;w=%d`, a.limits.limit, int(a.limits.window/time.Second)))
		h.Set("RateLimit", fmt.Sprintf(`"per-token";r=%d;t=%d`, remaining, reset))
		if !ok {
			h.Set("Retry-After", strconv.Itoa(reset))
			return problem(http.StatusTooManyRequests, "rate-limited", "Too many requests",
				fmt.Sprintf("This token may make %d requests per %s; try again in %d s.", a.limits.limit, a.limits.window, reset))
		}
		return next(c)
	}
}
