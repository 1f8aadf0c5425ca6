package reconcile

import (
	"context"

	"groupdeck/whatsapp"
)

// call runs one API call. The client already retries a 429 a few times
// with back-off; when WhatsApp's group-operation limit still refuses, the
// run pauses (Retry-After when given, else RateWait, whichever is longer)
// and tries again, up to MaxRateWaits pauses per run, so a sync over
// thousands of groups slows down instead of failing half-way.
func (s *Syncer) call(ctx context.Context, rep *Report, f func() error) error {
	for {
		err := f()
		retryAfter, limited := whatsapp.RateLimitWait(err)
		if !limited || rep.RateWaits >= s.MaxRateWaits {
			return err
		}
		rep.RateWaits++
		wait := max(s.RateWait, retryAfter)
		s.Log.Warn("sync paused for the group rate limit", "wait", wait, "pauses", rep.RateWaits)
		if err := s.sleep(ctx, wait); err != nil {
			return err
		}
	}
}

// isRateLimited reports a rate-limit refusal that outlasted every pause.
func isRateLimited(err error) bool {
	_, limited := whatsapp.RateLimitWait(err)
	return limited
}
