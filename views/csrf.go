package views

import "context"

type csrfKey struct{}

// WithCSRF puts the request's CSRF token where CSRFField finds it, so
// plain (non-htmx) forms can carry it without threading it through every
// view model.
func WithCSRF(ctx context.Context, token string) context.Context {
	return context.WithValue(ctx, csrfKey{}, token)
}

func csrfFrom(ctx context.Context) string {
	s, _ := ctx.Value(csrfKey{}).(string)
	return s
}
