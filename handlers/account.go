package handlers

import (
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"groupdeck/store"
	"groupdeck/views"
)

// accountShow is the user's own page: their open sessions, with a way to
// end all but this one (a forgotten browser, a lost laptop).
func (h *Handler) accountShow(c echo.Context) error {
	u := currentUser(c)
	ss, err := h.Store.UserSessions(c.Request().Context(), u.ID, h.Sessions.ID(c))
	if err != nil {
		return err
	}
	_, notice, err := h.Sessions.TakeFlash(c)
	if err != nil {
		return err
	}
	v := views.AccountView{User: u, Sessions: ss, IdleText: durationText(h.SessionIdle), Notice: notice}
	return h.page(c, http.StatusOK, "Your account", "account", views.AccountPage(v))
}

// accountEndOthers ends the user's other sessions. Their open event
// streams notice within StreamRecheck; Hub.DropOwner is not used, since it
// would also cut the streams of this session's other tabs.
func (h *Handler) accountEndOthers(c echo.Context) error {
	u := currentUser(c)
	n, err := h.Store.DeleteOtherSessions(c.Request().Context(), u.ID, h.Sessions.ID(c))
	if err != nil {
		return err
	}
	h.audit(c.Request().Context(), store.AuditEntry{UserID: u.ID, Action: store.AuditSessionsEnd, Detail: strconv.FormatInt(n, 10) + " other sessions"})
	msg := "Signed out everywhere else."
	if n == 0 {
		msg = "There were no other sessions."
	}
	if err := h.Sessions.SetFlash(c, "ok", msg); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/account")
}

// clientHint describes a browser for the sessions list, e.g. "Firefox on
// Linux · 203.0.113.5": enough to recognise it, nothing more.
func clientHint(ua, ip string) string {
	browser := "Unknown browser"
	for _, b := range [][2]string{{"Edg/", "Edge"}, {"OPR/", "Opera"}, {"Firefox/", "Firefox"}, {"Chrome/", "Chrome"},
		{"Chromium/", "Chromium"}, {"Safari/", "Safari"}, {"curl/", "curl"}} {
		if strings.Contains(ua, b[0]) {
			browser = b[1]
			break
		}
	}
	os := ""
	for _, o := range [][2]string{{"Android", "Android"}, {"iPhone", "iOS"}, {"iPad", "iPadOS"}, {"CrOS", "ChromeOS"},
		{"Windows", "Windows"}, {"Mac OS X", "macOS"}, {"Linux", "Linux"}} {
		if strings.Contains(ua, o[0]) {
			os = " on " + o[1]
			break
		}
	}
	if net.ParseIP(ip) == nil {
		ip = "unknown address"
	}
	return browser + os + " · " + ip
}

// durationText says a whole number of hours or minutes.
func durationText(d time.Duration) string {
	if d >= time.Hour && d%time.Hour == 0 {
		if d == time.Hour {
			return "1 hour"
		}
		return strconv.Itoa(int(d/time.Hour)) + " hours"
	}
	return strconv.Itoa(int(d/time.Minute)) + " minutes"
}
