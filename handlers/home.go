package handlers

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"groupdeck/store"
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
	feed, err := h.feed(c)
	if err != nil {
		return views.HomeView{}, err
	}
	// The group filter's picker; a group it cannot find drops the filter.
	feed.Picker, err = h.groupPicker(ctx, views.PickerView{ID: "feed-group", Name: "group_id", Label: "In group",
		Selected: feed.GroupID, Any: true, CanCreate: currentUser(c).CanEdit()})
	if err != nil {
		return views.HomeView{}, err
	}
	if feed.Picker.Selected != feed.GroupID {
		feed.GroupID = 0
		feed.Items, feed.More, err = h.Store.ActivityPage(ctx, store.ActivityQuery{Kind: feed.Kind, Group: feed.Group, Limit: feedSize})
		if err != nil {
			return views.HomeView{}, err
		}
	}
	guard, err := h.Store.SyncGuard(ctx)
	u := currentUser(c)
	return views.HomeView{Counters: counters, Feed: feed, CanSync: h.Sync != nil && u.CanEdit(),
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
	now := time.Now().UTC()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	counters, err := h.Store.DashboardCounters(c.Request().Context(), today.UnixMilli())
	if err != nil {
		return err
	}
	return h.fragment(c, views.Counters(counters))
}

func (h *Handler) homeGuard(c echo.Context) error {
	guard, err := h.Store.SyncGuard(c.Request().Context())
	if err != nil {
		return err
	}
	return h.fragment(c, views.HomeGuard(guard, currentUser(c).IsAdmin()))
}

// feedLiveMax bounds the live first page: past it, a line says to reload.
const feedLiveMax = 200

// feed reads the home feed's filters and page from the request: kind,
// group_id (one group, from the picker), group (text in group subjects),
// before (an older page) or since (the live first page).
func (h *Handler) feed(c echo.Context) (views.FeedView, error) {
	ctx := c.Request().Context()
	f := views.FeedView{Kind: c.QueryParam("kind"), Group: strings.TrimSpace(c.QueryParam("group"))}
	if len(f.Group) > 200 {
		f.Group = f.Group[:200]
	}
	f.GroupID, _ = strconv.ParseInt(c.QueryParam("group_id"), 10, 64)
	f.GroupID = max(f.GroupID, 0)
	q := store.ActivityQuery{Kind: f.Kind, GroupID: f.GroupID, Group: f.Group, Limit: feedSize}
	q.Before, _ = strconv.ParseInt(c.QueryParam("before"), 10, 64)
	if c.Path() == "/home/activity/live" {
		f.Live = true
		q.Since, _ = strconv.ParseInt(c.QueryParam("since"), 10, 64)
		if q.Since > 0 {
			q.Limit = feedLiveMax
		}
	}
	var err error
	f.Items, f.More, err = h.Store.ActivityPage(ctx, q)
	return f, err
}

// homeActivity answers a change of the feed's filters: the first page
// and its Older button. The address bar follows, so the view is a link.
func (h *Handler) homeActivity(c echo.Context) error {
	f, err := h.feed(c)
	if err != nil {
		return err
	}
	c.Response().Header().Set("HX-Push-Url", f.Query())
	return h.fragment(c, views.HomeFeed(f))
}

// homeActivityLive re-renders the first page when something happens:
// the lines from the first page's lowest on, so older pages already
// loaded below neither repeat nor skip a line.
func (h *Handler) homeActivityLive(c echo.Context) error {
	f, err := h.feed(c)
	if err != nil {
		return err
	}
	return h.fragment(c, views.FeedPage(f, false))
}

// homeActivityOlder is the next page, replacing the Older button.
func (h *Handler) homeActivityOlder(c echo.Context) error {
	f, err := h.feed(c)
	if err != nil {
		return err
	}
	return h.fragment(c, views.FeedPage(f, true))
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
