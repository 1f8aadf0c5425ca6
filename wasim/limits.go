package wasim

import (
	"time"
)

// Send limits (docs/cloud-api.md#rate-limits-and-throughput): a number's messaging
// throughput (130429) and the pair rate to one recipient (131056). Both
// are off unless configured, so ordinary tests and the sandbox are not
// throttled; the group-operation limit (131208) lives in countOp.

// Error codes of the send limits.
const (
	CodeThroughputLimit = 130429
	CodePairRateLimit   = 131056
)

// pairBucket is a token bucket for one business→recipient pair.
type pairBucket struct {
	tokens float64
	at     time.Time
}

// checkSendRate admits one send to recipient or says which limit it hits.
// Refused sends do not count. Callers hold s.mu.
func (s *Server) checkSendRate(recipient string) *apiError {
	now := s.now()
	if n := s.cfg.MessagesPerSecond; n > 0 {
		keep := s.sends[:0]
		for _, t := range s.sends {
			if now.Sub(t) < time.Second {
				keep = append(keep, t)
			}
		}
		s.sends = keep
		if len(s.sends) >= n {
			return newErr(CodeThroughputLimit, "Cloud API message throughput has been reached: at most %d messages per second from this phone number.", n)
		}
	}
	if burst := s.cfg.PairBurst; burst > 0 {
		every := effective(s.cfg.PairInterval, 6*time.Second)
		if s.pairs == nil {
			s.pairs = map[string]*pairBucket{}
		}
		b := s.pairs[recipient]
		if b == nil {
			b = &pairBucket{tokens: float64(burst), at: now}
			s.pairs[recipient] = b
		}
		if every > 0 {
			b.tokens = min(float64(burst), b.tokens+float64(now.Sub(b.at))/float64(every))
		}
		b.at = now
		if b.tokens < 1 {
			return newErr(CodePairRateLimit, "Too many messages sent to this recipient in a short time; wait %s between messages.", every)
		}
		b.tokens--
	}
	if s.cfg.MessagesPerSecond > 0 {
		s.sends = append(s.sends, now)
	}
	return nil
}

// admitSend is checkSendRate taking the lock itself.
func (s *Server) admitSend(recipient string) *apiError {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.checkSendRate(recipient)
}

// retryAfterOps is how long until the oldest group operation leaves the
// window, for the Retry-After header of 131208. Callers hold s.mu.
func (s *Server) retryAfterOps(now time.Time) time.Duration {
	if len(s.ops) == 0 {
		return s.cfg.opsWindow()
	}
	return max(s.ops[0].Add(s.cfg.opsWindow()).Sub(now), time.Second)
}
