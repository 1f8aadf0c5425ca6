package handlers

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"strings"

	"github.com/labstack/echo/v4"

	"groupdeck/groupops"
	"groupdeck/views"
	"groupdeck/web"
	"groupdeck/whatsapp"
)

// Media is the part of the Cloud API client that moves files.
type Media interface {
	UploadMedia(ctx context.Context, filename, mimeType string, data io.Reader) (string, error)
	MediaURL(ctx context.Context, mediaID string) (string, string, error)
	DownloadMedia(ctx context.Context, mediaURL string) ([]byte, string, error)
}

const (
	kb = 1 << 10
	mb = 1 << 20
)

// sniffed are the types whose content the standard library recognises;
// a file claiming one of them must really be one.
var sniffed = set("image/jpeg", "image/png", "image/webp", "application/pdf")

func set(vs ...string) map[string]bool {
	m := map[string]bool{}
	for _, v := range vs {
		m[v] = true
	}
	return m
}

// checkMedia applies the Cloud API's type and size rules to an upload
// before anything is sent, and returns the file's MIME type and bytes.
func checkMedia(kind string, fh *multipart.FileHeader) (string, []byte, string) {
	rule, ok := whatsapp.MediaRuleFor(kind)
	if !ok {
		return "", nil, "Choose what kind of media this is."
	}
	ext := strings.ToLower(filepath.Ext(fh.Filename))
	mime := rule.MIMEFor(ext)
	if mime == "" {
		return "", nil, fmt.Sprintf("WhatsApp does not take %s files as %s; see the allowed types above.", strings.TrimPrefix(ext, "."), kindWord(kind))
	}
	if fh.Size > rule.MaxBytes {
		return "", nil, fmt.Sprintf("The file is %s; WhatsApp takes %s up to %s.", size(fh.Size), kindWord(kind)+"s", size(rule.MaxBytes))
	}
	if fh.Size == 0 {
		return "", nil, "The file is empty."
	}
	f, err := fh.Open()
	if err != nil {
		return "", nil, "The file could not be read; choose it again."
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, rule.MaxBytes+1))
	if err != nil || int64(len(data)) > rule.MaxBytes {
		return "", nil, "The file could not be read; choose it again."
	}
	if sniffed[mime] && http.DetectContentType(data) != mime {
		return "", nil, fmt.Sprintf("The file is named .%s but its content is not %s.", strings.TrimPrefix(ext, "."), mime)
	}
	if kind == whatsapp.KindSticker && !animatedWebP(data) && int64(len(data)) > whatsapp.StaticStickerMaxBytes {
		return "", nil, fmt.Sprintf("The sticker is %s; WhatsApp takes static stickers up to %s (animated ones up to %s).",
			size(int64(len(data))), size(whatsapp.StaticStickerMaxBytes), size(rule.MaxBytes))
	}
	return mime, data, ""
}

// animatedWebP reports whether a WebP file has an animation chunk.
func animatedWebP(b []byte) bool {
	return len(b) > 30 && bytes.Equal(b[12:16], []byte("VP8X")) && b[20]&0x02 != 0
}

func kindWord(kind string) string { return groupops.MediaWord(kind) }

func size(n int64) string {
	switch {
	case n >= mb:
		return fmt.Sprintf("%.1f MB", float64(n)/mb)
	case n >= kb:
		return fmt.Sprintf("%d KB", n/kb)
	}
	return fmt.Sprintf("%d bytes", n)
}

// messageMedia streams a message's media through the app: the Cloud API
// needs the access token, which never reaches the browser. It is served
// as an attachment, with the type WhatsApp gave, never sniffed.
func (h *Handler) messageMedia(c echo.Context) error {
	ctx := c.Request().Context()
	m, err := h.loadMessage(c)
	if err != nil {
		return err
	}
	if m.MediaID == "" || h.Media == nil {
		return echo.NewHTTPError(http.StatusNotFound, "This message has no media to download.")
	}
	url, mime, err := h.Media.MediaURL(ctx, m.MediaID)
	if err != nil {
		return h.mediaFailed(c, "WhatsApp no longer has this file (media is kept 7 to 30 days): "+whatsapp.Human(err), err)
	}
	data, ctype, err := h.Media.DownloadMedia(ctx, url)
	if err != nil {
		return h.mediaFailed(c, "The file could not be downloaded from WhatsApp: "+whatsapp.Human(err), err)
	}
	if mime == "" {
		mime = ctype
	}
	if mime == "" {
		mime = "application/octet-stream"
	}
	name := m.MediaName
	if name == "" {
		name = m.Kind
	}
	hd := c.Response().Header()
	hd.Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", safeFilename(name)))
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Cache-Control", "private, no-store")
	return c.Blob(http.StatusOK, mime, data)
}

// mediaFailed answers 502 with the Cloud API's reason in words. The error
// handler hides the text of every 5xx (it may hold internals), but this
// sentence is made for the reader and says what to do.
func (h *Handler) mediaFailed(c echo.Context, msg string, err error) error {
	h.Log.Warn("media download failed", "path", c.Request().URL.Path, "err", err)
	if web.IsHTMX(c) {
		c.Response().Header().Set("HX-Retarget", "#flash")
		c.Response().Header().Set("HX-Reswap", "innerHTML")
		return web.Render(c, http.StatusBadGateway, views.Flash("error", msg))
	}
	return h.page(c, http.StatusBadGateway, "Download failed", "", views.ErrorPage(http.StatusBadGateway, msg))
}

// safeFilename keeps a name that cannot break the header it goes in.
func safeFilename(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == '"' || r == '\\' || r == '/' || r > 0x7e {
			return '_'
		}
		return r
	}, s)
	if s == "" {
		return "download"
	}
	return s
}
