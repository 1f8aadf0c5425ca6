package handlers

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"groupdeck/static"
	"groupdeck/web"
	"groupdeck/whatsapp"
)

// Register lists every route in one place.
func (h *Handler) Register(e *echo.Echo) {
	e.HTTPErrorHandler = h.ErrorHandler
	e.IPExtractor = web.ClientIP(h.TrustedProxies) // X-Forwarded-For only from a configured proxy

	e.GET("/healthz", h.health)
	e.GET("/readyz", h.ready)
	if h.Metrics != nil {
		e.GET("/metrics", echo.WrapHandler(h.Metrics))
	}
	e.GET("/favicon.ico", func(c echo.Context) error { return c.NoContent(http.StatusNoContent) })
	e.GET("/static/*", echo.WrapHandler(http.StripPrefix("/static/", static.Handler())))
	e.GET("/webhook", h.webhookVerify)
	// POST /webhook is served by webhookFront ahead of echo's routing and
	// middleware (webhook_receive.go); the route names it in the list.
	e.Pre(h.webhookFront)
	e.POST("/webhook", echo.WrapHandler(http.HandlerFunc(h.serveWebhook)))
	// Public campaign links: no session, no sign-in, GET only.
	e.GET("/j/:slug", h.campaignVisit)

	// The JSON API: personal tokens only, no session, no CSRF (api/).
	h.api.Register(e)

	// Everything below uses the session and CSRF protection.
	s := router{g: e.Group("", h.Sessions.CSRF, h.loadUser)}
	s.GET("/login", h.loginShow)
	s.POST("/login", h.loginSubmit, formMax)
	s.POST("/logout", h.logout, formMax)
	s.GET("/setup", h.setupShow)
	s.POST("/setup", h.setupSubmit, formMax)

	u := s.with(h.requireUser, h.countFragments)
	u.GET("/", h.home)
	u.GET("/account", h.accountShow)
	u.POST("/account/sessions/end-others", h.accountEndOthers, formMax)
	u.GET("/home/counters", h.homeCounters)
	u.GET("/home/activity", h.homeActivity)
	u.GET("/home/activity/live", h.homeActivityLive)
	u.GET("/home/activity/older", h.homeActivityOlder)
	u.GET("/home/guard", h.homeGuard)
	u.POST("/sync", h.syncNow, formMax, h.requireEditor)
	u.GET("/sync/held", h.syncHeldShow, h.requireAdmin)
	u.POST("/sync/held/confirm", h.syncHeldConfirm, formMax, h.requireAdmin)
	u.POST("/sync/held/dismiss", h.syncHeldDismiss, formMax, h.requireAdmin)
	u.GET("/events", h.events)
	u.GET("/connection", h.connectionShow, h.requireAdmin)
	u.POST("/connection/subscribe", h.connectionSubscribe, formMax, h.requireAdmin)
	u.GET("/events/log", h.eventLog, h.requireAdmin)
	u.GET("/events/log/:id", h.eventShow, h.requireAdmin)
	u.POST("/events/log/:id/replay", h.eventReplay, formMax, h.requireAdmin)
	u.GET("/groups", h.groupList)
	u.GET("/groups/rows", h.groupRows)
	u.GET("/groups/pick", h.groupPick)
	u.GET("/groups/new", h.groupNew, h.requireEditor)
	u.POST("/groups", h.groupCreate, formMax, h.requireEditor)
	u.POST("/groups/selection", h.groupSelection, formMax, h.requireEditor)
	u.GET("/groups/bulk", h.groupBulkNew, h.requireEditor)
	u.POST("/groups/bulk", h.groupBulkCreate, bulkMax, h.requireEditor)
	u.GET("/groups/:id", h.groupShow)
	u.GET("/groups/:id/summary", h.groupSummary)
	u.GET("/groups/:id/participants", h.groupParticipants)
	u.GET("/groups/:id/invite", h.groupInvite)
	u.GET("/groups/:id/invite/qr.png", h.inviteQR)
	u.GET("/groups/:id/invite/qr.svg", h.inviteQR)
	u.POST("/groups/:id/invite/reset", h.inviteReset, formMax, h.requireEditor)
	u.POST("/groups/:id/invite/delete", h.inviteDelete, formMax, h.requireEditor)
	u.GET("/groups/:id/changes", h.groupChanges)
	u.GET("/groups/:id/settings", h.settingsShow, h.requireEditor)
	u.POST("/groups/:id/settings", h.settingsSave, settingsMax, h.requireEditor)
	u.GET("/groups/:id/delete", h.groupDeleteShow, h.requireEditor)
	u.POST("/groups/:id/delete", h.groupDelete, formMax, h.requireEditor)
	u.POST("/groups/:id/participants/remove", h.participantRemove, formMax, h.requireEditor)
	u.GET("/groups/:id/participants.csv", h.participantsCSV)
	u.GET("/participants.csv", h.participantsCSV)
	u.GET("/groups/:id/requests", h.groupRequests)
	u.POST("/groups/:id/requests/sync", h.groupRequestsSync, formMax, h.requireEditor)
	u.GET("/people", h.peopleList)
	u.GET("/people.csv", h.peopleCSV)
	u.GET("/people/:key", h.personShow)
	u.GET("/people/:key/messages", h.personMessagesMore)
	u.GET("/people/:key/history", h.personHistoryMore)
	u.POST("/people/:key/label", h.personLabelSave, formMax, h.requireEditor)
	u.GET("/requests", h.inboxShow)
	u.GET("/requests/rows", h.inboxRows)
	u.POST("/requests/decide", h.requestsDecide, formMax, h.requireEditor)
	u.GET("/users", h.usersShow, h.requireAdmin)
	u.POST("/users", h.userCreate, formMax, h.requireAdmin)
	u.POST("/users/:id/role", h.userRole, formMax, h.requireAdmin)
	u.POST("/users/:id/password", h.userPassword, formMax, h.requireAdmin)
	u.POST("/users/:id/disable", h.userDisable, formMax, h.requireAdmin)
	u.POST("/users/:id/enable", h.userEnable, formMax, h.requireAdmin)
	u.GET("/audit", h.auditShow, h.requireAdmin)
	u.GET("/hooks", h.hooksShow, h.requireAdmin)
	u.POST("/hooks", h.hookCreate, formMax, h.requireAdmin)
	u.POST("/hooks/settings", h.hookSettings, formMax, h.requireAdmin)
	u.GET("/hooks/:id", h.hookShow, h.requireAdmin)
	u.POST("/hooks/:id", h.hookUpdate, formMax, h.requireAdmin)
	u.POST("/hooks/:id/delete", h.hookDelete, formMax, h.requireAdmin)
	u.POST("/hooks/:id/test", h.hookTest, formMax, h.requireAdmin)
	u.POST("/hooks/:id/redeliver", h.hookRedeliver, formMax, h.requireAdmin)
	u.GET("/account/tokens", h.tokensShow)
	u.POST("/account/tokens", h.tokenCreate, formMax)
	u.POST("/account/tokens/:id/revoke", h.tokenRevoke, formMax)
	u.GET("/groups/:id/activity", h.groupActivity)
	u.GET("/groups/:id/messages", h.messageList)
	u.POST("/groups/:id/messages", h.messageCreate, uploadMax, h.requireEditor)
	u.GET("/groups/:id/window", h.windowStatus)
	u.GET("/groups/:id/messages/:mid/receipts", h.messageReceipts)
	u.GET("/groups/:id/messages/:mid/media", h.messageMedia)
	u.GET("/groups/:id/messages/:mid/thumb", h.messageThumb)
	u.GET("/groups/:id/photo", h.groupPhoto)
	u.GET("/groups/:id/settings/photo", h.settingsPhoto)
	u.POST("/groups/:id/messages/:mid/retry", h.messageRetry, formMax, h.requireEditor)
	u.POST("/groups/:id/messages/:mid/pin", h.messagePin, formMax, h.requireEditor)
	u.POST("/groups/:id/messages/:mid/unpin", h.messageUnpin, formMax, h.requireEditor)
	u.GET("/templates", h.templatesShow)
	u.GET("/templates/fields", h.templateFields, h.requireEditor)
	u.POST("/templates/refresh", h.templatesRefresh, formMax, h.requireEditor)
	u.POST("/templates/invite", h.templatesInvite, formMax, h.requireEditor)
	u.GET("/messages/broadcast", h.broadcastShow, h.requireEditor)
	u.POST("/messages/broadcast", h.broadcastCreate, uploadMax, h.requireEditor)

	u.GET("/schedules", h.scheduleList)
	u.GET("/schedules/new", h.scheduleNew, h.requireEditor)
	u.POST("/schedules", h.scheduleCreate, uploadMax, h.requireEditor)
	u.POST("/schedules/timezone", h.scheduleTimeZone, formMax, h.requireEditor)
	u.GET("/schedules/:id", h.scheduleShow)
	u.GET("/schedules/:id/edit", h.scheduleEditShow, h.requireEditor)
	u.POST("/schedules/:id", h.scheduleUpdate, uploadMax, h.requireEditor)
	u.POST("/schedules/:id/pause", h.schedulePause, formMax, h.requireEditor)
	u.POST("/schedules/:id/resume", h.scheduleResume, formMax, h.requireEditor)
	u.POST("/schedules/:id/skip", h.scheduleSkip, formMax, h.requireEditor)
	u.POST("/schedules/:id/cancel", h.scheduleCancel, formMax, h.requireEditor)
	u.GET("/groups/:id/schedules", h.groupSchedules)

	u.GET("/campaigns", h.campaignList)
	u.GET("/campaigns/rows", h.campaignRows)
	u.POST("/campaigns", h.campaignCreate, formMax, h.requireEditor)
	u.POST("/pools", h.poolCreate, formMax, h.requireEditor)
	u.GET("/campaigns/:id", h.campaignShow)
	u.GET("/campaigns/:id/funnel", h.campaignFunnel)
	u.GET("/campaigns/:id/people", h.campaignPeople)
	u.GET("/campaigns/:id/pool", h.campaignPool)
	u.GET("/campaigns/:id/qr.png", h.campaignQR)
	u.GET("/campaigns/:id/qr.svg", h.campaignQR)
	u.GET("/campaigns/:id/export.csv", h.campaignExport)
	u.POST("/campaigns/:id/enabled", h.campaignEnabled, formMax, h.requireEditor)
	u.GET("/campaigns/:id/invites", h.campaignInvitesShow, h.requireEditor)
	u.POST("/campaigns/:id/invites", h.campaignInvitesCreate, formMax, h.requireEditor)
	u.GET("/groups/:id/campaigns", h.groupCampaigns)
	u.GET("/charts/joins", h.chartFragment)

	u.GET("/jobs", h.jobList)
	u.GET("/jobs/:id", h.jobShow)
	u.GET("/jobs/:id/progress", h.jobProgress)
	u.POST("/jobs/:id/cancel", h.jobCancel, formMax, h.requireEditor)

	u.GET("/sandbox", h.sandboxShow, h.requireSandbox)
	u.POST("/sandbox/users", h.sandboxAddUser, formMax, h.requireSandbox, h.requireEditor)
	u.POST("/sandbox/tap", h.sandboxTap, formMax, h.requireSandbox, h.requireEditor)
	u.POST("/sandbox/leave", h.sandboxLeave, formMax, h.requireSandbox, h.requireEditor)
	u.POST("/sandbox/say", h.sandboxSay, formMax, h.requireSandbox, h.requireEditor)
	u.POST("/sandbox/read", h.sandboxRead, formMax, h.requireSandbox, h.requireEditor)
	u.POST("/sandbox/cancel", h.sandboxCancel, formMax, h.requireSandbox, h.requireEditor)
	u.POST("/sandbox/suspend", h.sandboxSuspend, formMax, h.requireSandbox, h.requireEditor)
	u.POST("/sandbox/clock", h.sandboxClock, formMax, h.requireSandbox, h.requireEditor)
}

// Body limits: the most each kind of route reads. A route's limit applies
// before the CSRF check reads its form and before the sign-in check, so
// nobody, signed in or not, makes the server read more.
const (
	formMax     = 1 << 20                        // ordinary forms
	bulkMax     = 2 << 20                        // a list of group subjects
	settingsMax = whatsapp.PhotoMaxBytes + 1<<20 // group settings with a photo
	uploadMax   = whatsapp.MaxMediaBytes + 1<<20 // the composer with a file
	// webhookMax: Meta documents webhook payloads of up to 3 MB
	// (docs/cloud-api.md#delivery-and-verification); a third more is
	// headroom, not an invitation.
	webhookMax = 4 << 20
)

func bodyLimit(n int64) echo.MiddlewareFunc {
	return middleware.BodyLimit(strconv.FormatInt(n, 10))
}

// router registers a group's routes with the checks each needs, in the
// order that keeps them safe: a state-changing route names its body limit,
// and the limit and the CSRF check run before the group's sign-in and role
// checks (a missing token is a 403 for everybody), except on routes whose
// limit is above formMax, where the sign-in and role checks come first.
type router struct {
	g    *echo.Group
	auth []echo.MiddlewareFunc
}

// with returns a router whose routes also run mw, after the CSRF check.
func (r router) with(mw ...echo.MiddlewareFunc) router {
	return router{g: r.g, auth: append(slices.Clone(r.auth), mw...)}
}

func (r router) GET(path string, h echo.HandlerFunc, mw ...echo.MiddlewareFunc) {
	r.g.GET(path, h, concat(r.auth, mw)...)
}

func (r router) POST(path string, h echo.HandlerFunc, limit int64, mw ...echo.MiddlewareFunc) {
	checks := []echo.MiddlewareFunc{bodyLimit(limit), web.CheckCSRF}
	if limit > formMax {
		// Upload-sized bodies are read only for a signed-in user whose
		// role may use the route: those checks read no body, so they run
		// first, and a signed-out client cannot make the CSRF check parse
		// a 100 MB multipart body.
		r.g.POST(path, h, concat(r.auth, mw, checks)...)
		return
	}
	r.g.POST(path, h, concat(checks, r.auth, mw)...)
}

func concat(lists ...[]echo.MiddlewareFunc) []echo.MiddlewareFunc {
	var out []echo.MiddlewareFunc
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}
