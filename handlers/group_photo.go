package handlers

import (
	"errors"
	"fmt"
	"html"
	"net/http"
	"strings"
	"unicode"

	"github.com/labstack/echo/v4"

	"groupdeck/store"
	"groupdeck/whatsapp"
)

// groupPhoto serves the group's current photo through the app, with the
// thumbnails' checks: the bytes must sniff as an image type a browser may
// show inline and be within WhatsApp's photo size. ?v=<photo id> (the
// settings page) is a versioned URL and cached for good; the bare URL
// (the group page header, refreshed live) is revalidated with its ETag.
// Without a photo to show it answers an SVG of the subject's initials.
func (h *Handler) groupPhoto(c echo.Context) error {
	g, err := h.loadGroup(c)
	if err != nil {
		return err
	}
	p, err := h.Store.PhotoData(c.Request().Context(), g.ID)
	if errors.Is(err, store.ErrNotFound) {
		return photoPlaceholder(c, g.Subject)
	}
	if err != nil {
		return err
	}
	if len(p.Data) > whatsapp.PhotoMaxBytes {
		return echo.NewHTTPError(http.StatusUnsupportedMediaType, "The group photo is larger than WhatsApp allows.")
	}
	ctype := http.DetectContentType(p.Data)
	if !thumbTypes[ctype] {
		return echo.NewHTTPError(http.StatusUnsupportedMediaType, "The group photo is not a picture groupdeck can show.")
	}
	hd := c.Response().Header()
	etag := `"` + p.SHA256 + `"`
	hd.Set("ETag", etag)
	if c.QueryParam("v") == itoa64(p.ID) {
		hd.Set("Cache-Control", "private, max-age=31536000, immutable")
	} else {
		hd.Set("Cache-Control", "private, no-cache")
	}
	if c.Request().Header.Get("If-None-Match") == etag {
		return c.NoContent(http.StatusNotModified)
	}
	hd.Set("Content-Disposition", "inline")
	hd.Set("X-Content-Type-Options", "nosniff")
	return c.Blob(http.StatusOK, ctype, p.Data)
}

// photoPlaceholder is a square of the subject's initials, for a group
// whose photo groupdeck has not got (none set, or set outside it).
func photoPlaceholder(c echo.Context, subject string) error {
	ini := initials(subject)
	etag := fmt.Sprintf(`"initials-%x"`, ini)
	hd := c.Response().Header()
	hd.Set("ETag", etag)
	hd.Set("Cache-Control", "private, no-cache")
	if c.Request().Header.Get("If-None-Match") == etag {
		return c.NoContent(http.StatusNotModified)
	}
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Content-Security-Policy", "default-src 'none'")
	svg := `<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96">` +
		`<rect width="96" height="96" rx="48" fill="#5f6368"/>` +
		`<text x="48" y="48" dy=".35em" text-anchor="middle" font-family="sans-serif" font-size="38" fill="#fff">` +
		html.EscapeString(ini) + `</text></svg>`
	return c.Blob(http.StatusOK, "image/svg+xml; charset=utf-8", []byte(svg))
}

// initials are the first letters of the subject's first two words.
func initials(subject string) string {
	var out []rune
	for _, w := range strings.Fields(subject) {
		for _, r := range w {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				out = append(out, unicode.ToUpper(r))
				break
			}
		}
		if len(out) == 2 {
			break
		}
	}
	if len(out) == 0 {
		return "#"
	}
	return string(out)
}
