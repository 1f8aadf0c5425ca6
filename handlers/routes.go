package handlers

import (
	"net/http"
	"regexp"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"groupdeck/static"
)

// Register lists every route in one place.
func (h *Handler) Register(e *echo.Echo) {
	e.HTTPErrorHandler = h.ErrorHandler
	e.IPExtractor = echo.ExtractIPDirect() // X-Forwarded-For is spoofable unless a proxy is configured
	isWebhook := func(p string) bool { return p == "/webhook" }
	// Group photos may be 5 MB; the settings route sets its own limit.
	isUpload := func(p string) bool {
		return p == "/groups/bulk" || (strings.HasPrefix(p, "/groups/") && strings.HasSuffix(p, "/settings"))
	}
	e.Use(middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: "1M",
		Skipper: func(c echo.Context) bool {
			p := c.Request().URL.Path
			return isWebhook(p) || isUpload(p) || isMessageUpload(c.Request())
		}}))
	// Upload routes get their larger limits here, before the CSRF check
	// parses the form, so no route reads an unbounded body (a route-level
	// limit would come too late for a signed-out sender).
	e.Use(middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: "6M",
		Skipper: func(c echo.Context) bool { return !isUpload(c.Request().URL.Path) }}))
	e.Use(middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: MaxUpload,
		Skipper: func(c echo.Context) bool { return !isMessageUpload(c.Request()) }}))

	e.GET("/healthz", h.health)
	e.GET("/favicon.ico", func(c echo.Context) error { return c.NoContent(http.StatusNoContent) })
	e.GET("/static/*", echo.WrapHandler(http.StripPrefix("/static/", static.Handler())))
	e.GET("/webhook", h.webhookVerify)
	e.POST("/webhook", h.webhookReceive, middleware.BodyLimit("8M"))
	// Public campaign links: no session, no sign-in, GET only.
	e.GET("/j/:slug", h.campaignVisit)

	// Everything below uses the session and CSRF protection.
	s := e.Group("", h.Sessions.CSRF(func(p string) bool { return isWebhook(p) || strings.HasPrefix(p, "/static/") }), h.loadUser)
	s.GET("/login", h.loginShow)
	s.POST("/login", h.loginSubmit)
	s.POST("/logout", h.logout)
	s.GET("/setup", h.setupShow)
	s.POST("/setup", h.setupSubmit)

	u := s.Group("", h.requireUser)
	u.GET("/", h.home)
	u.GET("/home/counters", h.homeCounters)
	u.GET("/home/activity", h.homeActivity)
	u.POST("/sync", h.syncNow, h.requireEditor)
	u.GET("/sync/held", h.syncHeldShow, h.requireAdmin)
	u.POST("/sync/held/confirm", h.syncHeldConfirm, h.requireAdmin)
	u.POST("/sync/held/dismiss", h.syncHeldDismiss, h.requireAdmin)
	u.GET("/events", h.events)
	u.GET("/events/log", h.eventLog, h.requireAdmin)
	u.GET("/events/log/:id", h.eventShow, h.requireAdmin)
	u.POST("/events/log/:id/replay", h.eventReplay, h.requireAdmin)
	u.GET("/groups", h.groupList)
	u.GET("/groups/rows", h.groupRows)
	u.GET("/groups/new", h.groupNew, h.requireEditor)
	u.POST("/groups", h.groupCreate, h.requireEditor)
	u.GET("/groups/bulk", h.groupBulkNew, h.requireEditor)
	u.POST("/groups/bulk", h.groupBulkCreate, h.requireEditor, middleware.BodyLimit("2M"))
	u.GET("/groups/:id", h.groupShow)
	u.GET("/groups/:id/summary", h.groupSummary)
	u.GET("/groups/:id/participants", h.groupParticipants)
	u.GET("/groups/:id/invite", h.groupInvite)
	u.GET("/groups/:id/invite/qr.png", h.inviteQR)
	u.GET("/groups/:id/invite/qr.svg", h.inviteQR)
	u.POST("/groups/:id/invite/reset", h.inviteReset, h.requireEditor)
	u.POST("/groups/:id/invite/delete", h.inviteDelete, h.requireEditor)
	u.GET("/groups/:id/changes", h.groupChanges)
	u.GET("/groups/:id/settings", h.settingsShow, h.requireEditor)
	u.POST("/groups/:id/settings", h.settingsSave, h.requireEditor, middleware.BodyLimit("6M"))
	u.GET("/groups/:id/delete", h.groupDeleteShow, h.requireEditor)
	u.POST("/groups/:id/delete", h.groupDelete, h.requireEditor)
	u.POST("/groups/:id/participants/remove", h.participantRemove, h.requireEditor)
	u.GET("/groups/:id/participants.csv", h.participantsCSV)
	u.GET("/participants.csv", h.participantsCSV)
	u.GET("/groups/:id/requests", h.groupRequests)
	u.POST("/groups/:id/requests/sync", h.groupRequestsSync, h.requireEditor)
	u.GET("/requests", h.inboxShow)
	u.GET("/requests/rows", h.inboxRows)
	u.POST("/requests/decide", h.requestsDecide, h.requireEditor)
	u.GET("/users", h.usersShow, h.requireAdmin)
	u.POST("/users", h.userCreate, h.requireAdmin)
	u.POST("/users/:id/role", h.userRole, h.requireAdmin)
	u.POST("/users/:id/password", h.userPassword, h.requireAdmin)
	u.POST("/users/:id/disable", h.userDisable, h.requireAdmin)
	u.POST("/users/:id/enable", h.userEnable, h.requireAdmin)
	u.GET("/audit", h.auditShow, h.requireAdmin)
	u.GET("/groups/:id/activity", h.groupActivity)
	u.GET("/groups/:id/messages", h.messageList)
	u.POST("/groups/:id/messages", h.messageCreate, middleware.BodyLimit(MaxUpload), h.requireEditor)
	u.GET("/groups/:id/window", h.windowStatus)
	u.GET("/groups/:id/messages/:mid/receipts", h.messageReceipts)
	u.GET("/groups/:id/messages/:mid/media", h.messageMedia)
	u.POST("/groups/:id/messages/:mid/retry", h.messageRetry, h.requireEditor)
	u.POST("/groups/:id/messages/:mid/pin", h.messagePin, h.requireEditor)
	u.POST("/groups/:id/messages/:mid/unpin", h.messageUnpin, h.requireEditor)
	u.GET("/messages/broadcast", h.broadcastShow, h.requireEditor)
	u.POST("/messages/broadcast", h.broadcastCreate, middleware.BodyLimit(MaxUpload), h.requireEditor)

	u.GET("/campaigns", h.campaignList)
	u.GET("/campaigns/rows", h.campaignRows)
	u.POST("/campaigns", h.campaignCreate, h.requireEditor)
	u.POST("/pools", h.poolCreate, h.requireEditor)
	u.GET("/campaigns/:id", h.campaignShow)
	u.GET("/campaigns/:id/funnel", h.campaignFunnel)
	u.GET("/campaigns/:id/people", h.campaignPeople)
	u.GET("/campaigns/:id/pool", h.campaignPool)
	u.GET("/campaigns/:id/qr.png", h.campaignQR)
	u.GET("/campaigns/:id/qr.svg", h.campaignQR)
	u.GET("/campaigns/:id/export.csv", h.campaignExport)
	u.POST("/campaigns/:id/enabled", h.campaignEnabled, h.requireEditor)
	u.GET("/campaigns/:id/invites", h.campaignInvitesShow, h.requireEditor)
	u.POST("/campaigns/:id/invites", h.campaignInvitesCreate, h.requireEditor)
	u.GET("/groups/:id/campaigns", h.groupCampaigns)
	u.GET("/charts/joins", h.chartFragment)

	u.GET("/jobs", h.jobList)
	u.GET("/jobs/:id", h.jobShow)
	u.GET("/jobs/:id/progress", h.jobProgress)
	u.POST("/jobs/:id/cancel", h.jobCancel, h.requireEditor)

	u.GET("/sandbox", h.sandboxShow, h.requireSandbox)
	u.POST("/sandbox/users", h.sandboxAddUser, h.requireSandbox, h.requireEditor)
	u.POST("/sandbox/tap", h.sandboxTap, h.requireSandbox, h.requireEditor)
	u.POST("/sandbox/leave", h.sandboxLeave, h.requireSandbox, h.requireEditor)
	u.POST("/sandbox/say", h.sandboxSay, h.requireSandbox, h.requireEditor)
	u.POST("/sandbox/read", h.sandboxRead, h.requireSandbox, h.requireEditor)
	u.POST("/sandbox/cancel", h.sandboxCancel, h.requireSandbox, h.requireEditor)
	u.POST("/sandbox/suspend", h.sandboxSuspend, h.requireSandbox, h.requireEditor)
}

// uploadPath matches the routes that take media uploads; they get their
// own, larger body limit instead of the global one.
var uploadPath = regexp.MustCompile(`^/groups/[0-9]+/messages$|^/messages/broadcast$`)

func isMessageUpload(r *http.Request) bool {
	return r.Method == http.MethodPost && uploadPath.MatchString(r.URL.Path)
}
