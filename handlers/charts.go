package handlers

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"groupdeck/campaigns"
	"groupdeck/views"
)

// chartView builds a joins-and-leaves chart for all groups (id 0), one
// group, or one campaign (its attributed people).
func (h *Handler) chartView(c echo.Context, scope string, id int64, by, liveID string) (views.ChartView, error) {
	ctx := c.Request().Context()
	if by != "hour" {
		by = "day"
	}
	now := time.Now()
	v := views.ChartView{LiveID: liveID, Path: "/charts/joins?scope=" + scope + "&id=" + itoa64(id) + "&live=" + liveID}
	var events []campaigns.Event
	switch scope {
	case "campaign":
		camp, err := h.Store.CampaignByID(ctx, id)
		if err != nil {
			return v, err
		}
		rep, err := campaigns.Load(ctx, h.Store)
		if err != nil {
			return v, err
		}
		events = campaigns.Events(rep.Of(id))
		v.ID, v.Title = "chart-campaign", "Joins and leaves through “"+camp.Name+"”"
	case "group":
		g, err := h.Store.GroupByID(ctx, id)
		if err != nil {
			return v, err
		}
		if events, err = h.joinLeave(c, now, by, id); err != nil {
			return v, err
		}
		v.ID, v.Title = "chart-group", "Joins and leaves in “"+g.Subject+"”"
	default:
		var err error
		if events, err = h.joinLeave(c, now, by, 0); err != nil {
			return v, err
		}
		v.Path = "/charts/joins?scope=all&live=" + liveID
		v.ID, v.Title = "chart-all", "Joins and leaves, all groups"
	}
	v.Series = campaigns.Bucketize(events, by, now)
	return v, nil
}

func (h *Handler) joinLeave(c echo.Context, now time.Time, by string, groupID int64) ([]campaigns.Event, error) {
	since := now.Add(-time.Duration(campaigns.DayBuckets+1) * 24 * time.Hour)
	if by == "hour" {
		since = now.Add(-time.Duration(campaigns.HourBuckets+1) * time.Hour)
	}
	ts, err := h.Store.JoinLeaveTimes(c.Request().Context(), since.UnixMilli(), groupID)
	if err != nil {
		return nil, err
	}
	out := make([]campaigns.Event, len(ts))
	for i, t := range ts {
		out[i] = campaigns.Event{JoinedAt: t[0], LeftAt: t[1]}
	}
	return out, nil
}

// chartFragment serves a chart for refetches and the day/hour switch.
func (h *Handler) chartFragment(c echo.Context) error {
	id, _ := strconv.ParseInt(c.QueryParam("id"), 10, 64)
	live := c.QueryParam("live")
	if !validDOMID(live) {
		return echo.NewHTTPError(http.StatusBadRequest, "Unknown chart.")
	}
	v, err := h.chartView(c, c.QueryParam("scope"), id, c.QueryParam("by"), live)
	if err != nil {
		return err
	}
	return h.fragment(c, views.JoinChart(v))
}

// HomeChart is the all-groups chart for a page whose SSE connection has
// the element id liveID (the home page includes it).
func (h *Handler) HomeChart(c echo.Context, liveID string) (views.ChartView, error) {
	return h.chartView(c, "all", 0, "day", liveID)
}

func validDOMID(s string) bool {
	if s == "" || len(s) > 40 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}
