package handlers

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"groupdeck/whatsapp"
)

// thumbTypes are the image types a browser may be shown inline; the bytes
// must really be one of them (sniffed), whatever WhatsApp said.
var thumbTypes = set("image/jpeg", "image/png", "image/webp")

// messageThumb serves an image or sticker of the timeline inline, for its
// thumbnail: through the app (the browser never sees WhatsApp's URL or
// token), only when the content is an image of an allowed type and within
// WhatsApp's size rule for its kind, and cacheable by the browser for a
// day (a media id never changes content).
func (h *Handler) messageThumb(c echo.Context) error {
	ctx := c.Request().Context()
	m, err := h.loadMessage(c)
	if err != nil {
		return err
	}
	if m.MediaID == "" || h.Media == nil || (m.Kind != "image" && m.Kind != "sticker") {
		return echo.NewHTTPError(http.StatusNotFound, "This message has no picture to show.")
	}
	etag := `"` + m.MediaID + `"`
	if c.Request().Header.Get("If-None-Match") == etag {
		return c.NoContent(http.StatusNotModified)
	}
	url, _, err := h.Media.MediaURL(ctx, m.MediaID)
	if err != nil {
		return h.mediaFailed(c, "WhatsApp no longer has this picture (media is kept 7 to 30 days): "+whatsapp.Human(err), err)
	}
	data, _, err := h.Media.DownloadMedia(ctx, url)
	if err != nil {
		return h.mediaFailed(c, "The picture could not be downloaded from WhatsApp: "+whatsapp.Human(err), err)
	}
	rule, _ := whatsapp.MediaRuleFor(m.Kind)
	if rule.MaxBytes > 0 && int64(len(data)) > rule.MaxBytes {
		return echo.NewHTTPError(http.StatusUnsupportedMediaType, fmt.Sprintf("The picture is larger than WhatsApp allows for a %s.", m.Kind))
	}
	ctype := http.DetectContentType(data)
	if !thumbTypes[ctype] {
		return echo.NewHTTPError(http.StatusUnsupportedMediaType, "The file is not a picture groupdeck can show; download it instead.")
	}
	hd := c.Response().Header()
	hd.Set("Content-Disposition", "inline")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Cache-Control", "private, max-age=86400")
	hd.Set("ETag", etag)
	return c.Blob(http.StatusOK, ctype, data)
}
