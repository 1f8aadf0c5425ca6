// Package handlers holds groupdeck's HTTP routes.
package handlers

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"groupdeck/api"
	"groupdeck/campaigns"
	"groupdeck/groupops"
	"groupdeck/hooks"
	"groupdeck/ingest"
	"groupdeck/jobs"
	"groupdeck/notify"
	"groupdeck/store"
	"groupdeck/views"
	"groupdeck/web"
	"groupdeck/whatsapp"
)

// WhatsApp is the part of the Cloud API client the handlers use.
type WhatsApp = groupops.WhatsApp

// Deps are what the handlers need; app.New builds them, and nothing
// changes them after New.
type Deps struct {
	Log         *slog.Logger
	Store       *store.Store
	Hub         *web.Hub
	Sessions    *web.Sessions
	WA          WhatsApp
	Media       Media // nil disables media messages
	Ingest      *ingest.Ingester
	AppSecret   string
	VerifyToken string
	Phone       Phone // nil outside sandbox mode
	// Notify tells open pages what changed; nil builds one on Hub.
	Notify     *notify.Notifier
	WakeOutbox func()
	Jobs       *jobs.Manager
	Sync       Syncer // nil: "Sync now" is not offered
	// Campaigns: the pool keeper, the public base URL of /j/ links, and
	// the invite template (name and language).
	Pools          *campaigns.Keeper
	BaseURL        string
	InviteTemplate whatsapp.Template
	// DefaultRegion reads phone numbers typed without a country code
	// (GROUPDECK_DEFAULT_REGION); "" means phone.DefaultRegion.
	DefaultRegion string
	// Scheduler runs scheduled messages; SandboxClock is its clock's
	// control, nil outside sandbox mode (the route is refused then).
	Scheduler    Scheduler
	SandboxClock SandboxClock
	// Heartbeat is how often an idle event stream gets a comment line
	// (0: defaultHeartbeat).
	Heartbeat time.Duration
	// StreamRecheck is how often an open stream re-reads its user, so a
	// stream ends soon after the account is disabled or its sessions are
	// ended, even if nothing called Hub.DropOwner (0: defaultStreamRecheck).
	StreamRecheck time.Duration
	// SyncWait is how long "Sync now" waits for the report before
	// answering that the sync goes on in the background: a large fleet
	// takes a while, one group-info call per group (0: defaultSyncWait).
	SyncWait time.Duration
	// APIRateLimit is how many requests a personal API token may make
	// per minute (0: api.DefaultRateLimit).
	APIRateLimit int
	// SessionIdle ends a session unused this long (0: defaultSessionIdle).
	SessionIdle time.Duration
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the client (sign-in limits go by client address).
	TrustedProxies []netip.Prefix
	// Rates estimate what a template costs per delivered participant, for
	// the send-to-many review.
	Rates views.Rates
	// Outgoing webhooks: the subscriptions to reload after a change, and
	// the sender to wake. Metrics serves /metrics (nil: not served).
	Hooks     *hooks.Subs
	WakeHooks func()
	Metrics   http.Handler
	// FragmentRendered counts fragments rendered for htmx, by route
	// pattern (nil: not counted).
	FragmentRendered func(route string)
	// Account and WABAID serve the Connection page (connection.go); a nil
	// Account hides it.
	Account Account
	WABAID  string
	// Templates refreshes the template cache on demand, and TemplateLib
	// creates the invite template from Meta's Template Library; nil: the
	// templates page only shows the cache.
	Templates   TemplateRefresher
	TemplateLib TemplateLibrary
	// Retention is how long webhook rows are kept, shown with the
	// database's size on the event log.
	Retention store.Retention
}

// TemplateRefresher re-lists the account's templates into the cache.
type TemplateRefresher interface {
	Refresh(ctx context.Context) error
}

// TemplateLibrary is the part of the Cloud API client that creates
// templates from Meta's Template Library.
type TemplateLibrary interface {
	LibraryTemplates(ctx context.Context, category, topic, language string) ([]whatsapp.LibraryTemplate, error)
	CreateLibraryTemplate(ctx context.Context, wabaID, name, language, category, libraryName string) (*whatsapp.CreatedTemplate, error)
}

// Defaults of the Deps durations.
const (
	defaultHeartbeat     = 25 * time.Second
	defaultStreamRecheck = 10 * time.Second
	defaultSyncWait      = 20 * time.Second
)

// Handler serves every route.
type Handler struct {
	Deps
	ops       *groupops.Service // the group actions, shared with the JSON API
	api       *api.API
	loginAddr *web.Limiter
	loginAcct *web.Backoff
	limits    *publicLimits // webhook readers and campaign-link visits (limits.go)
	// Refused webhook requests, written at most once a second
	// (webhook_refusals.go).
	refusals, handshakeRefusals refusalCounter
	reviewKey                   []byte      // signs bulk-action reviews (review.go)
	streams                     streamWatch // open event streams' owners (streamwatch.go)
	stopping                    chan struct{}
	stopOnce                    sync.Once
}

// Stop ends every open event stream, so a graceful shutdown does not wait
// for browsers that never hang up.
func (h *Handler) Stop() { h.stopOnce.Do(func() { close(h.stopping) }) }

// New returns the handlers.
func New(d Deps) *Handler {
	if d.WakeOutbox == nil {
		d.WakeOutbox = func() {}
	}
	if d.Hooks == nil {
		d.Hooks = &hooks.Subs{}
	}
	if d.WakeHooks == nil {
		d.WakeHooks = func() {}
	}
	if d.Notify == nil {
		d.Notify = notify.New(d.Hub)
	}
	if d.Scheduler == nil {
		d.Scheduler = wallClock{}
	}
	d.Heartbeat = cmp.Or(d.Heartbeat, defaultHeartbeat)
	d.StreamRecheck = cmp.Or(d.StreamRecheck, defaultStreamRecheck)
	d.SyncWait = cmp.Or(d.SyncWait, defaultSyncWait)
	d.SessionIdle = cmp.Or(d.SessionIdle, defaultSessionIdle)
	ops := &groupops.Service{Store: d.Store, WA: d.WA, Ingest: d.Ingest, Notify: d.Notify, WakeOutbox: d.WakeOutbox, Log: d.Log}
	a := api.New(api.Deps{Log: d.Log, Store: d.Store, Ops: ops, RateLimit: d.APIRateLimit})
	return &Handler{Deps: d, ops: ops, api: a, loginAddr: web.NewLimiter(loginInterval, loginBurst),
		loginAcct: web.NewBackoff(acctFree, acctBase, acctMax), limits: newPublicLimits(),
		reviewKey: newReviewKey(), stopping: make(chan struct{})}
}

func (h *Handler) chrome(c echo.Context, title, nav string) views.Chrome {
	return views.Chrome{Title: title, User: currentUser(c), CSRF: web.CSRFToken(c), Sandbox: h.Phone != nil, Nav: nav}
}

func (h *Handler) page(c echo.Context, status int, title, nav string, body templ.Component) error {
	return web.Render(c, status, views.Page(h.chrome(c, title, nav), body))
}

// ErrorHandler turns errors into responses: a page for normal requests,
// a flash fragment for htmx ones. Only server errors are logged, and their
// text never reaches the browser.
func (h *Handler) ErrorHandler(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status, msg := http.StatusInternalServerError, "Something went wrong on our side. Try again; if it keeps happening, tell your administrator."
	var he *echo.HTTPError
	switch {
	case errors.As(err, &he):
		status = he.Code
		if m, ok := he.Message.(string); ok && he.Code < 500 {
			msg = m
		} else if he.Code < 500 {
			msg = http.StatusText(he.Code)
		}
		if he.Code == http.StatusRequestEntityTooLarge {
			msg = "That upload or request is too large."
		}
	case errors.Is(err, store.ErrNotFound):
		status, msg = http.StatusNotFound, "That page or item does not exist (any more)."
	}
	if status >= 500 {
		h.Log.Error("request failed", "method", c.Request().Method, "path", c.Request().URL.Path,
			"request_id", c.Response().Header().Get(echo.HeaderXRequestID), "err", err)
	}
	if strings.HasPrefix(c.Request().URL.Path, api.Prefix+"/") {
		h.api.HandleError(err, c)
		return
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	if web.IsHTMX(c) {
		c.Response().Header().Set("HX-Retarget", "#flash")
		c.Response().Header().Set("HX-Reswap", "innerHTML")
		_ = web.Render(c, status, views.Flash("error", msg))
		return
	}
	if c.Path() == "/webhook" || c.Path() == "/healthz" {
		_ = c.String(status, msg)
		return
	}
	_ = h.page(c, status, "Error", "", views.ErrorPage(status, msg))
}

func pathID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, store.ErrNotFound
	}
	return id, nil
}
