package whatsapp

import (
	"bytes"
	"fmt"
	"image"
	_ "image/gif" // recognised only to say "not a JPEG" precisely
	_ "image/jpeg"
	_ "image/png"
	"strings"
)

// The group photo rule of the Groups API: a square JPEG of at least
// PhotoMinSide pixels a side and at most PhotoMaxBytes. The client, the
// settings form, its data-* attributes and the browser's check all use it.
const (
	PhotoMIME     = "image/jpeg"
	PhotoMinSide  = 192
	PhotoMaxBytes = 5 << 20
)

// PhotoRuleText is the rule in words, for forms.
func PhotoRuleText() string {
	return fmt.Sprintf("a square JPEG, at least %d×%d pixels, at most %d MB", PhotoMinSide, PhotoMinSide, PhotoMaxBytes>>20)
}

// PhotoTooBig says in words that a photo of n bytes is over the limit.
func PhotoTooBig(n int64) string {
	return fmt.Sprintf("The photo is %.1f MB; WhatsApp accepts at most %d MB.", float64(n)/(1<<20), PhotoMaxBytes>>20)
}

// CheckPhoto applies the photo rule to a file before anything is uploaded
// and returns what is wrong in words, or "" when the photo will do.
// WhatsApp checks the geometry again (CodePhotoAspectRatio,
// CodePhotoTooSmall).
func CheckPhoto(data []byte) string {
	if len(data) > PhotoMaxBytes {
		return PhotoTooBig(int64(len(data)))
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return "That file is not an image WhatsApp accepts. Choose a JPEG photo."
	}
	if format != "jpeg" {
		return "The photo is a " + strings.ToUpper(format) + "; WhatsApp accepts JPEG only."
	}
	if cfg.Width != cfg.Height {
		return fmt.Sprintf("The photo is %d×%d pixels; it must be square (crop it first).", cfg.Width, cfg.Height)
	}
	if cfg.Width < PhotoMinSide {
		return fmt.Sprintf("The photo is %d×%d pixels; it must be at least %d×%d.", cfg.Width, cfg.Height, PhotoMinSide, PhotoMinSide)
	}
	return ""
}
