package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"groupdeck/notify"
	"groupdeck/web"
)

// events streams changes: one group's (?group=ID), one job's (?job=ID),
// a campaign page's (?campaign=…), or the global feed.
// Pages re-fetch their fragments when the stream (re)opens, so a browser
// that was cut off catches up on what it missed.
func (h *Handler) events(c echo.Context) error {
	var f notify.Follow
	for param, id := range map[string]*int64{"group": &f.Group, "job": &f.Job} {
		if v := c.QueryParam(param); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n <= 0 {
				return echo.NewHTTPError(http.StatusBadRequest, "Unknown "+param+".")
			}
			*id = n
		}
	}
	f.Campaigns = c.QueryParam("campaign") != ""
	u := currentUser(c)
	sub := h.Hub.Subscribe(u.ID, f.Topics()...)
	h.watchStream(sub, u, h.Sessions.ID(c))
	// ServeSSE may return at once and serve the stream on a goroutine of
	// its own (it takes the connection over); done runs when it ends.
	web.ServeSSE(c.Response(), c.Request(), sub, h.Heartbeat, h.stopping, func() {
		h.unwatchStream(sub)
		h.Hub.Unsubscribe(sub)
	})
	return nil
}
