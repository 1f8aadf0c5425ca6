// Package templates keeps the cache of the account's message templates:
// a worker lists them from WhatsApp (GET /<WABA_ID>/message_templates,
// every page) on start, periodically and on demand, and stores the
// complete list; pages read the cache, never WhatsApp, so a composer opens
// instantly and still works when Meta is slow.
package templates

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"groupdeck/store"
	"groupdeck/whatsapp"
)

// Lister is the part of the Cloud API client the worker needs.
type Lister interface {
	ListTemplates(ctx context.Context, wabaID string) ([]whatsapp.TemplateInfo, error)
}

// Refresher refreshes the template cache.
type Refresher struct {
	Store  *store.Store
	WA     Lister
	WABAID string
	Log    *slog.Logger
	Every  time.Duration // periodic refresh; 0 = DefaultEvery
}

// DefaultEvery is how often templates are re-listed: a template's review
// (pending → approved) usually takes minutes to hours.
const DefaultEvery = 15 * time.Minute

// Refresh lists the templates now and replaces the cache. A failure is
// recorded (the page says the list may be stale, and why) and returned;
// the cached list stays.
func (r *Refresher) Refresh(ctx context.Context) error {
	list, err := r.WA.ListTemplates(ctx, r.WABAID)
	if err != nil {
		if ferr := r.Store.TemplateRefreshFailed(context.WithoutCancel(ctx), whatsapp.Human(err)); ferr != nil {
			r.Log.Error("templates: recording a failed refresh failed", "err", ferr)
		}
		return err
	}
	ts := make([]store.Template, 0, len(list))
	for _, t := range list {
		ts = append(ts, store.Template{Name: t.Name, Language: t.Language, WaID: t.ID, Status: t.Status, Category: t.Category,
			Named: t.Named(), Components: whatsapp.MarshalComponents(t.Components)})
	}
	return r.Store.ReplaceTemplates(ctx, ts)
}

// Run refreshes at start and then every Every until ctx ends.
func (r *Refresher) Run(ctx context.Context) {
	every := r.Every
	if every <= 0 {
		every = DefaultEvery
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if err := r.Refresh(ctx); err != nil && ctx.Err() == nil {
			r.Log.Warn("templates: refresh failed; the cached list stays", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Info turns a cached template back into the client's description, for
// building fields, previews and sends.
func Info(t store.Template) whatsapp.TemplateInfo {
	cs, _ := whatsapp.UnmarshalComponents(t.Components)
	format := ""
	if t.Named {
		format = whatsapp.FormatNamed
	}
	return whatsapp.TemplateInfo{ID: t.WaID, Name: t.Name, Language: t.Language, Status: t.Status, Category: t.Category,
		ParameterFormat: format, Components: cs}
}

// TemplateProblem says why a template may not be sent now, from the
// cache: "" when it is approved (or when the list was never loaded, so
// nothing is known against it). Scheduled sends re-check with it.
func (r *Refresher) TemplateProblem(ctx context.Context, name, language string) (string, error) {
	t, err := r.Store.TemplateByName(ctx, name, language)
	if errors.Is(err, store.ErrNotFound) {
		last, lerr := r.Store.LastTemplateRefresh(ctx)
		if lerr != nil || last.At == 0 {
			return "", lerr
		}
		return "The template “" + name + "” (" + language + ") is no longer among the account's templates.", nil
	}
	if err != nil {
		return "", err
	}
	if t.Status != whatsapp.TemplateApproved {
		return "The template “" + name + "” (" + language + ") is " + strings.ToLower(t.Status) + "; only approved templates can be sent.", nil
	}
	return "", nil
}
