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

	"groupdeck/whatsapp"
)

// Media is the part of the Cloud API client that moves files.
type Media interface {
	UploadMedia(ctx context.Context, filename, mimeType string, data io.Reader) (string, error)
	MediaURL(ctx context.Context, mediaID string) (string, string, error)
	DownloadMedia(ctx context.Context, mediaURL string) ([]byte, string, error)
}

// MaxUpload bounds a composer request: the largest media class
// (documents, 100 MB) plus room for the other fields.
const MaxUpload = "101M"

// mediaRule is what the Cloud API accepts for one media kind (docs/cloud-api.md#media-rules).
type mediaRule struct {
	max   int64
	types map[string]bool
}

const (
	kb = 1 << 10
	mb = 1 << 20
)

var mediaRules = map[string]mediaRule{
	whatsapp.KindImage: {5 * mb, set("image/jpeg", "image/png")},
	whatsapp.KindVideo: {16 * mb, set("video/mp4", "video/3gpp")},
	whatsapp.KindAudio: {16 * mb, set("audio/aac", "audio/amr", "audio/mpeg", "audio/mp4", "audio/ogg")},
	whatsapp.KindDocument: {100 * mb, set("text/plain", "application/pdf", "application/msword",
		"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "application/vnd.ms-excel",
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/vnd.ms-powerpoint",
		"application/vnd.openxmlformats-officedocument.presentationml.presentation")},
	whatsapp.KindSticker: {500 * kb, set("image/webp")},
}

// staticStickerMax is the limit for a sticker without animation.
const staticStickerMax = 100 * kb

// byExtension names the MIME type of each file extension WhatsApp takes;
// browsers disagree on the types they send, so the name decides.
var byExtension = map[string]string{
	".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp",
	".mp4": "video/mp4", ".3gp": "video/3gpp",
	".aac": "audio/aac", ".amr": "audio/amr", ".mp3": "audio/mpeg", ".m4a": "audio/mp4", ".ogg": "audio/ogg", ".opus": "audio/ogg",
	".txt": "text/plain", ".pdf": "application/pdf", ".doc": "application/msword",
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".xls": "application/vnd.ms-excel",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".ppt": "application/vnd.ms-powerpoint",
	".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}

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
	rule, ok := mediaRules[kind]
	if !ok {
		return "", nil, "Choose what kind of media this is."
	}
	ext := strings.ToLower(filepath.Ext(fh.Filename))
	mime := byExtension[ext]
	if !rule.types[mime] {
		return "", nil, fmt.Sprintf("WhatsApp does not take %s files as %s; see the allowed types above.", strings.TrimPrefix(ext, "."), kindWord(kind))
	}
	if fh.Size > rule.max {
		return "", nil, fmt.Sprintf("The file is %s; WhatsApp takes %s up to %s.", size(fh.Size), kindWord(kind)+"s", size(rule.max))
	}
	if fh.Size == 0 {
		return "", nil, "The file is empty."
	}
	f, err := fh.Open()
	if err != nil {
		return "", nil, "The file could not be read; choose it again."
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, rule.max+1))
	if err != nil || int64(len(data)) > rule.max {
		return "", nil, "The file could not be read; choose it again."
	}
	if sniffed[mime] && http.DetectContentType(data) != mime {
		return "", nil, fmt.Sprintf("The file is named .%s but its content is not %s.", strings.TrimPrefix(ext, "."), mime)
	}
	if kind == whatsapp.KindSticker && !animatedWebP(data) && int64(len(data)) > staticStickerMax {
		return "", nil, fmt.Sprintf("The sticker is %s; WhatsApp takes static stickers up to 100 KB (animated ones up to 500 KB).", size(int64(len(data))))
	}
	return mime, data, ""
}

// animatedWebP reports whether a WebP file has an animation chunk.
func animatedWebP(b []byte) bool {
	return len(b) > 30 && bytes.Equal(b[12:16], []byte("VP8X")) && b[20]&0x02 != 0
}

func kindWord(kind string) string {
	if kind == whatsapp.KindAudio {
		return "audio"
	}
	return kind
}

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
		return echo.NewHTTPError(http.StatusBadGateway, "WhatsApp no longer has this file (media is kept 7 to 30 days): "+whatsapp.Human(err))
	}
	data, ctype, err := h.Media.DownloadMedia(ctx, url)
	if err != nil {
		return echo.NewHTTPError(http.StatusBadGateway, "The file could not be downloaded from WhatsApp: "+whatsapp.Human(err))
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
