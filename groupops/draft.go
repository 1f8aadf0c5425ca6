package groupops

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"groupdeck/store"
	"groupdeck/whatsapp"
)

// HeaderMediaKey is the field key of a template's header media.
const HeaderMediaKey = "header.media"

// DraftTemplate checks the values of an approved template's variables
// (every one filled, text as Meta accepts it) and returns the message,
// not yet tied to a group, with the sentence per field to fix (keyed by
// the template's field keys, "template" when t is nil). t is the chosen
// template from the cache, nil when name/language named none. When the
// template has a header media field, it is returned: the caller fills
// m.MediaID (an upload, or the id of media already on WhatsApp). The
// outbox builds Meta's components from the message (outbox.TemplateFor).
func DraftTemplate(userID int64, t *whatsapp.TemplateInfo, name, language string, values map[string]string) (*store.Message, *whatsapp.TemplateField, map[string]string) {
	errs := map[string]string{}
	m := &store.Message{CreatedBy: userID, Kind: store.KindTemplate}
	if t == nil {
		if name == "" {
			errs["template"] = "Choose an approved template."
		} else {
			errs["template"] = fmt.Sprintf("“%s” (%s) is not an approved template of this account; choose another, or refresh the list on the templates page.",
				name, language)
		}
		return m, nil, errs
	}
	m.Payload = store.Payload{Template: t.Name, Language: t.Language, Named: t.Named()}
	var media *whatsapp.TemplateField
	for _, fl := range t.Fields() {
		if fl.Key == HeaderMediaKey {
			media = &fl
			continue
		}
		v := values[fl.Key]
		if problem := CheckTemplateText(fl, v); problem != "" {
			errs[fl.Key] = problem
			continue
		}
		m.Payload.Vars = append(m.Payload.Vars, store.TemplateVar{Key: fl.Key, Text: v})
	}
	if media != nil {
		m.Payload.Header = media.Format
	}
	_, body, _ := t.Render(values)
	m.Body = body
	return m, media, errs
}

// CheckTemplateText applies Meta's rules for a text parameter.
func CheckTemplateText(fl whatsapp.TemplateField, v string) string {
	limit := whatsapp.MaxParamText
	if fl.Part == "header" {
		limit = whatsapp.MaxHeaderText
	}
	switch n := utf8.RuneCountInString(v); {
	case strings.TrimSpace(v) == "":
		return "Fill in " + fl.Label + "."
	case n > limit:
		return fmt.Sprintf("%s has %d characters; WhatsApp allows at most %d.", fl.Label, n, limit)
	case strings.ContainsAny(v, "\n\t"):
		return "WhatsApp does not accept line breaks or tabs in a template variable."
	case strings.Contains(v, "     "):
		return "WhatsApp does not accept more than four spaces in a row in a template variable."
	}
	return ""
}

// CaptionProblem applies the Cloud API's caption rules for a media kind
// (a known one, see whatsapp.MediaRuleFor); "" when the caption is fine.
func CaptionProblem(rule whatsapp.MediaRule, caption string) string {
	if strings.TrimSpace(caption) != "" && !rule.Caption {
		return "WhatsApp does not show captions on " + MediaWord(rule.Kind) + "s; remove the caption or send it as a text."
	}
	if n := utf8.RuneCountInString(caption); n > MaxCaption {
		return fmt.Sprintf("The caption has %d characters; WhatsApp allows at most %d.", n, MaxCaption)
	}
	return ""
}

// MediaWord names a media kind in a sentence.
func MediaWord(kind string) string {
	if kind == whatsapp.KindAudio {
		return "audio"
	}
	return kind
}

// DraftMediaByID checks a media message whose file is already on
// WhatsApp (its media id) and returns it, not yet tied to a group, or the
// sentence per field to fix ("kind", "media_id", "caption", "filename").
// Only documents carry a filename; images, videos and documents a caption.
func DraftMediaByID(userID int64, kind, mediaID, caption, filename string) (*store.Message, map[string]string) {
	errs := map[string]string{}
	m := &store.Message{CreatedBy: userID, Kind: kind, MediaID: strings.TrimSpace(mediaID)}
	rule, ok := whatsapp.MediaRuleFor(kind)
	if !ok {
		errs["kind"] = "Choose what kind of media this is."
		return m, errs
	}
	if m.MediaID == "" {
		errs["media_id"] = "Give the id of media already uploaded to WhatsApp."
	}
	if problem := CaptionProblem(rule, caption); problem != "" {
		errs["caption"] = problem
	} else if rule.Caption {
		m.Body = caption
	}
	if filename != "" {
		if kind != whatsapp.KindDocument {
			errs["filename"] = "Only documents carry a file name."
		} else {
			m.MediaName = filename
		}
	}
	return m, errs
}
