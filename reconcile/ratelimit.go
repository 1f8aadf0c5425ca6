package reconcile

import (
	"context"
	"errors"
	"net/http"
	"time"

	"groupdeck/whatsapp"
)

// call runs one API call. The client already retries a 429 a few times
// with back-off; when WhatsApp's group-operation limit (131208) still
// refuses, the run pauses (Retry-After when given, else RateWait) and
// tries again, up to MaxRateWaits pauses per run, so a sync over
// thousands of groups slows down instead of failing half-way.
func (s *Syncer) call(ctx context.Context, rep *Report, f func() error) error {
	for {
		err := f()
		var ae *whatsapp.APIError
		if !errors.As(err, &ae) || !rateLimited(ae) || rep.RateWaits >= s.MaxRateWaits {
			return err
		}
		rep.RateWaits++
		wait := max(s.RateWait, ae.RetryAfter)
		s.Log.Warn("sync paused for the group rate limit", "wait", wait, "pauses", rep.RateWaits)
		if err := s.sleep(ctx, wait); err != nil {
			return err
		}
	}
}

func rateLimited(ae *whatsapp.APIError) bool {
	return ae.Code == 131208 || ae.HTTPStatus == http.StatusTooManyRequests
}

// isRateLimited reports a rate-limit refusal that outlasted every pause.
func isRateLimited(err error) bool {
	var ae *whatsapp.APIError
	return errors.As(err, &ae) && rateLimited(ae)
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
