// Package api serves groupdeck's versioned JSON API under /api/v1, for a
// CRM, a sheet or an automation tool. A client authenticates with a
// personal token (Authorization: Bearer) and acts with its user's role.
// The API never reads cookies, so it needs no CSRF protection: a browser
// cannot attach the header to a cross-site request. Every route is listed
// in one table (routes.go); the OpenAPI document is generated from it.
package api

import (
	"cmp"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"groupdeck/groupops"
	"groupdeck/store"
)

// Prefix is where the API lives.
const Prefix = "/api/v1"

// Deps are what the API needs.
type Deps struct {
	Log   *slog.Logger
	Store *store.Store
	Ops   *groupops.Service
	// RateLimit is how many requests one token may make per RateWindow
	// (0: DefaultRateLimit per DefaultRateWindow).
	RateLimit  int
	RateWindow time.Duration
	Now        func() time.Time // nil: time.Now
}

// Defaults of the rate limit.
const (
	DefaultRateLimit  = 300
	DefaultRateWindow = time.Minute
)

// API serves the routes.
type API struct {
	Deps
	limits   *limiter
	inFlight sync.Map // token id + idempotency key of POSTs being answered
}

// New returns the API.
func New(d Deps) *API {
	d.RateLimit = cmp.Or(d.RateLimit, DefaultRateLimit)
	d.RateWindow = cmp.Or(d.RateWindow, DefaultRateWindow)
	if d.Now == nil {
		d.Now = time.Now
	}
	return &API{Deps: d, limits: newLimiter(d.RateLimit, d.RateWindow)}
}

// Register mounts every route of the table, each behind the checks its
// entry names: problem JSON for every error, then the token, the rate
// limit, the body limit, the role and the idempotency key.
func (a *API) Register(e *echo.Echo) {
	// The group's middleware also answers unknown paths (and, as on the
	// pages, a method a path does not take) with a 404 problem.
	g := e.Group(Prefix, a.problems)
	g.GET("/openapi.json", a.openapi)
	for _, r := range a.routes() {
		mw := []echo.MiddlewareFunc{a.authenticate, a.rateLimit}
		if r.Method != http.MethodGet {
			mw = append(mw, middleware.BodyLimit(strconv.FormatInt(cmp.Or(r.BodyMax, defaultBodyMax), 10)))
		}
		mw = append(mw, requireRole(r.Role))
		if r.Method == http.MethodPost {
			mw = append(mw, a.idempotent)
		}
		g.Add(r.Method, r.Path, r.Handler, mw...)
	}
}

// defaultBodyMax bounds a JSON request body.
const defaultBodyMax = 1 << 20

// Roles a route needs, as in the UI.
const (
	roleViewer  = store.RoleViewer
	roleManager = store.RoleManager
)

func requireRole(role string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			u := user(c)
			if role == roleManager && !u.CanEdit() {
				return problem(http.StatusForbidden, "forbidden", "Your role can view but not change anything",
					"This token acts as "+u.Email+", whose role is "+u.Role+". Ask an administrator for the manager role.")
			}
			return next(c)
		}
	}
}

func user(c echo.Context) *store.User {
	u, _ := c.Get("user").(*store.User)
	return u
}
