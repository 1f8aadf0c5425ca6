package handlers

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"groupdeck/web"
)

// Heartbeat is how often an idle event stream gets a comment line.
var Heartbeat = 25 * time.Second

// events streams changes: one group's (?group=ID), one job's (?job=ID),
// or the global feed.
// Pages re-fetch their fragments when the stream (re)opens, so a browser
// that was cut off catches up on what it missed.
func (h *Handler) events(c echo.Context) error {
	topic := GlobalTopic
	for param, name := range map[string]func(int64) string{"group": groupTopic, "job": jobTopic} {
		if v := c.QueryParam(param); v != "" {
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return echo.NewHTTPError(http.StatusBadRequest, "Unknown "+param+".")
			}
			topic = name(id)
		}
	}
	sub := h.Hub.Subscribe(currentUser(c).ID, topic)
	defer h.Hub.Unsubscribe(sub)
	web.ServeSSE(c.Response(), c.Request(), sub, Heartbeat, h.stopping)
	return nil
}
