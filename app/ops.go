package app

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"groupdeck/hooks"
	"groupdeck/metrics"
	"groupdeck/outbox"
	"groupdeck/whatsapp"
)

// countingSender tells metrics the result of every outbox send: "ok",
// the Cloud API error code, or "network".
type countingSender struct {
	outbox.Sender
	count func(code string)
}

func (c countingSender) result(err error) {
	code := "ok"
	var a *whatsapp.APIError
	switch {
	case errors.As(err, &a):
		code = strconv.Itoa(a.Code)
	case err != nil:
		code = "network"
	}
	c.count(code)
}

func (c countingSender) SendText(ctx context.Context, g, body string, preview bool) (*whatsapp.SendResult, error) {
	r, err := c.Sender.SendText(ctx, g, body, preview)
	c.result(err)
	return r, err
}

func (c countingSender) SendMedia(ctx context.Context, g, kind string, m whatsapp.MediaRef) (*whatsapp.SendResult, error) {
	r, err := c.Sender.SendMedia(ctx, g, kind, m)
	c.result(err)
	return r, err
}

func (c countingSender) SendTemplate(ctx context.Context, g string, t whatsapp.Template) (*whatsapp.SendResult, error) {
	r, err := c.Sender.SendTemplate(ctx, g, t)
	c.result(err)
	return r, err
}

// newHooks builds the outgoing webhook sender; subs is what the ingest
// and the admin page share.
func (a *App) newHooks(subs *hooks.Subs, m *metrics.Metrics) *hooks.Sender {
	s := &hooks.Sender{Store: a.Store, Log: a.Log.With("component", "webhooks-out"),
		Client: hooks.Client(subs.AllowPrivate, hooksTimeout)}
	if m != nil {
		s.Outcome = m.HookOutcome
	}
	return s
}

func (c countingSender) Pin(ctx context.Context, g, id string, days int) (*whatsapp.SendResult, error) {
	r, err := c.Sender.Pin(ctx, g, id, days)
	c.result(err)
	return r, err
}

func (c countingSender) Unpin(ctx context.Context, g, id string) (*whatsapp.SendResult, error) {
	r, err := c.Sender.Unpin(ctx, g, id)
	c.result(err)
	return r, err
}

// hooksTimeout bounds one outgoing webhook post; waTimeout is the Cloud
// API client's default, kept when metrics wrap its transport.
const (
	hooksTimeout = 10 * time.Second
	waTimeout    = 60 * time.Second
)

// observeIngest runs after every incoming delivery is committed: it
// records the latency and wakes the webhook sender, which has new events
// only then — and only when some endpoint subscribes to events at all:
// each wake runs the sender's queue queries, which was about 5 % of
// server CPU per delivery under make bench with no endpoint configured.
// (Pending retries do not need a wake: the sender polls for them.)
func (a *App) observeIngest(subs *hooks.Subs) func(time.Duration) {
	return func(d time.Duration) {
		if a.Metrics != nil {
			a.Metrics.ObserveIngest(d)
		}
		if subs.Any() {
			a.Hooks.Wake()
		}
	}
}

func (a *App) metricsHandler() http.Handler {
	if a.Metrics == nil {
		return nil
	}
	return a.Metrics.Handler(a.Cfg.MetricsToken)
}

// fragmentRendered is the fragment-render counter, nil without metrics.
func (a *App) fragmentRendered() func(route string) {
	if a.Metrics == nil {
		return nil
	}
	return a.Metrics.FragmentRendered
}
