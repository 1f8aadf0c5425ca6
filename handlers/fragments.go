package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// countFragments tells FragmentRendered about every fragment htmx fetched
// and got: a GET with the HX-Request header answered 200. Pages re-fetch
// their fragments on each live event, so this is what an event costs the
// server, by route (label values are route patterns, a bounded set).
func (h *Handler) countFragments(next echo.HandlerFunc) echo.HandlerFunc {
	if h.FragmentRendered == nil {
		return next
	}
	return func(c echo.Context) error {
		err := next(c)
		r := c.Request()
		if err == nil && r.Method == http.MethodGet && r.Header.Get("HX-Request") == "true" &&
			c.Response().Status == http.StatusOK {
			h.FragmentRendered(c.Path())
		}
		return err
	}
}
