package whatsapp

import "strings"

// Media limits of the Cloud API (docs/cloud-api.md#media-rules;
// https://developers.facebook.com/docs/whatsapp/cloud-api/reference/media#supported-media-types).
const (
	// MaxMediaBytes is the largest file of any kind (documents).
	MaxMediaBytes = 100 << 20
	// StaticStickerMaxBytes bounds a sticker without animation; animated
	// ones may reach the sticker rule's MaxBytes.
	StaticStickerMaxBytes = 100 << 10
)

// FileType is one file extension WhatsApp takes and the MIME type it
// stands for. Browsers disagree on the types they send, so the name decides.
type FileType struct{ Ext, MIME string }

// MediaRule is what the Cloud API accepts for one media kind. The server's
// validator, the composer form and its data-* attributes (which the
// browser's early check reads) all come from MediaRules.
type MediaRule struct {
	Kind     string // KindImage, …
	Label    string // for forms
	Rule     string // the rule in words, for forms
	MaxBytes int64
	Files    []FileType // in the order forms list them
	Caption  bool       // whether the message may carry a caption
}

// MediaRules returns the rules of every media kind a group message can
// carry, in the order forms offer them. Each call returns a fresh copy.
func MediaRules() []MediaRule {
	return []MediaRule{
		{KindImage, "Image", "JPEG or PNG, up to 5 MB", 5 << 20,
			[]FileType{{".jpg", "image/jpeg"}, {".jpeg", "image/jpeg"}, {".png", "image/png"}}, true},
		{KindVideo, "Video", "MP4 or 3GPP (H.264 + AAC), up to 16 MB", 16 << 20,
			[]FileType{{".mp4", "video/mp4"}, {".3gp", "video/3gpp"}}, true},
		{KindAudio, "Audio", "AAC, AMR, MP3, M4A or OGG (Opus), up to 16 MB; no caption", 16 << 20,
			[]FileType{{".aac", "audio/aac"}, {".amr", "audio/amr"}, {".mp3", "audio/mpeg"}, {".m4a", "audio/mp4"},
				{".ogg", "audio/ogg"}, {".opus", "audio/ogg"}}, false},
		{KindDocument, "Document", "TXT, PDF, Word, Excel or PowerPoint, up to 100 MB", MaxMediaBytes,
			[]FileType{{".txt", "text/plain"}, {".pdf", "application/pdf"}, {".doc", "application/msword"},
				{".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
				{".xls", "application/vnd.ms-excel"},
				{".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
				{".ppt", "application/vnd.ms-powerpoint"},
				{".pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"}}, true},
		{KindSticker, "Sticker", "WebP, up to 100 KB (animated: 500 KB); no caption", 500 << 10,
			[]FileType{{".webp", "image/webp"}}, false},
	}
}

// MediaRuleFor returns the rule of one media kind.
func MediaRuleFor(kind string) (MediaRule, bool) {
	for _, r := range MediaRules() {
		if r.Kind == kind {
			return r, true
		}
	}
	return MediaRule{}, false
}

// MIMEFor returns the MIME type of a file extension (".jpg") under this
// rule, or "" when the kind does not take such files.
func (r MediaRule) MIMEFor(ext string) string {
	ext = strings.ToLower(ext)
	for _, f := range r.Files {
		if f.Ext == ext {
			return f.MIME
		}
	}
	return ""
}

// Accept lists the rule's extensions for an <input type=file accept>.
func (r MediaRule) Accept() string {
	exts := make([]string, len(r.Files))
	for i, f := range r.Files {
		exts[i] = f.Ext
	}
	return strings.Join(exts, ",")
}
