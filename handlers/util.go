package handlers

import (
	"net/http"
	"strconv"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"groupdeck/web"
)

func itoa(n int) string     { return strconv.Itoa(n) }
func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

// fragment writes a piece of a page; Vary keeps caches from mixing it up
// with the whole page served at the same URL.
func (h *Handler) fragment(c echo.Context, t templ.Component) error {
	return h.fragmentStatus(c, http.StatusOK, t)
}

func (h *Handler) fragmentStatus(c echo.Context, status int, t templ.Component) error {
	c.Response().Header().Set("Vary", "HX-Request")
	c.Response().Header().Set("Cache-Control", "no-store")
	return web.Render(c, status, t)
}
