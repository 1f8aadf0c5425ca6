package handlers

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"groupdeck/notify"
	"groupdeck/store"
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
	defer h.Hub.Unsubscribe(sub)
	go h.watchStreamUser(c.Request().Context(), sub, u, h.Sessions.ID(c))
	web.ServeSSE(c.Response(), c.Request(), sub, h.Heartbeat, h.stopping)
	return nil
}

// watchStreamUser drops the stream once its user is disabled, deleted or
// had their sessions ended (a new session epoch), or once its own session
// is gone (signed out, or ended from another session).
func (h *Handler) watchStreamUser(ctx context.Context, sub *web.Sub, u *store.User, sid string) {
	tick := time.NewTicker(h.StreamRecheck)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-sub.Done():
			return
		case <-tick.C:
			now, err := h.Store.UserByID(ctx, u.ID)
			_, serr := h.Store.SessionByID(ctx, sid)
			if errors.Is(err, store.ErrNotFound) || errors.Is(serr, store.ErrNotFound) ||
				(err == nil && (now.Disabled || now.SessionEpoch != u.SessionEpoch)) {
				h.Hub.Unsubscribe(sub)
				return
			}
		}
	}
}
