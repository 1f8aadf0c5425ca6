package handlers

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"groupdeck/views"
)

const feedSize = 50

func (h *Handler) homeView(c echo.Context) (views.HomeView, error) {
	ctx := c.Request().Context()
	now := time.Now().UTC()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	counters, err := h.Store.DashboardCounters(ctx, today.UnixMilli())
	if err != nil {
		return views.HomeView{}, err
	}
	feed, err := h.Store.RecentActivity(ctx, 0, feedSize)
	if err != nil {
		return views.HomeView{}, err
	}
	guard, err := h.Store.SyncGuard(ctx)
	u := currentUser(c)
	return views.HomeView{Counters: counters, Activity: feed, CanSync: h.Sync != nil && u.CanEdit(),
		SyncGuard: guard, IsAdmin: u.IsAdmin()}, err
}

// home is the live dashboard: today's counters and the activity of every
// group, refreshed over the global event stream.
func (h *Handler) home(c echo.Context) error {
	v, err := h.homeView(c)
	if err != nil {
		return err
	}
	return h.page(c, http.StatusOK, "Home", "home", views.Home(v))
}

func (h *Handler) homeCounters(c echo.Context) error {
	v, err := h.homeView(c)
	if err != nil {
		return err
	}
	return h.fragment(c, views.Counters(v.Counters))
}

func (h *Handler) homeGuard(c echo.Context) error {
	guard, err := h.Store.SyncGuard(c.Request().Context())
	if err != nil {
		return err
	}
	return h.fragment(c, views.HomeGuard(guard, currentUser(c).IsAdmin()))
}

func (h *Handler) homeActivity(c echo.Context) error {
	feed, err := h.Store.RecentActivity(c.Request().Context(), 0, feedSize)
	if err != nil {
		return err
	}
	return h.fragment(c, views.ActivityFeed(feed, true))
}

// groupActivity is one group's history: joins, leaves, requests, settings
// results, removal failures, suspension, drift healed by sync.
func (h *Handler) groupActivity(c echo.Context) error {
	g, err := h.loadGroup(c)
	if err != nil {
		return err
	}
	feed, err := h.Store.RecentActivity(c.Request().Context(), g.ID, feedSize)
	if err != nil {
		return err
	}
	return h.fragment(c, views.ActivityFeed(feed, false))
}
