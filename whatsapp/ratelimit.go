package whatsapp

import (
	"errors"
	"net/http"
	"time"
)

// DefaultRateWait is the pause after a rate limit that names no
// Retry-After, for callers with no pause of their own.
const DefaultRateWait = 30 * time.Second

// RateLimitWait reports whether err is WhatsApp refusing for rate, after the
// client's own retries: the group-operation limit (131208) or an HTTP 429.
// The duration is the server's Retry-After, zero when it named none: the
// caller then pauses for its own default (DefaultRateWait, or a sync's
// longer pause).
func RateLimitWait(err error) (time.Duration, bool) {
	var ae *APIError
	if !errors.As(err, &ae) || (ae.Code != CodeGroupRateLimit && ae.HTTPStatus != http.StatusTooManyRequests) {
		return 0, false
	}
	return ae.RetryAfter, true
}

// PairRateInterval is how often Meta lets a business message the same
// recipient once its burst is spent (131056): a retry sooner is refused
// again.
const PairRateInterval = 6 * time.Second
