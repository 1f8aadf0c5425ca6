package handlers

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"groupdeck/store"
	"groupdeck/views"
	"groupdeck/whatsapp"
)

// draftTemplate checks the chosen template's variables (every one filled,
// text as Meta accepts it, header media of the right type and size) and
// fills the message; the outbox builds Meta's components from it
// (outbox.TemplateFor). f.Pick must have been loaded (loadPick).
func (h *Handler) draftTemplate(c echo.Context, f *views.ComposerForm, m *store.Message) {
	m.Kind = store.KindTemplate
	t := f.Pick.Chosen
	if t == nil {
		if f.TemplateName == "" {
			f.Errors["template"] = "Choose an approved template."
		} else {
			f.Errors["template"] = fmt.Sprintf("“%s” (%s) is not an approved template of this account; choose another, or refresh the list on the templates page.",
				f.TemplateName, f.TemplateLanguage)
		}
		return
	}
	if c.FormValue("show_fields") != "" {
		f.Errors["template"] = "Fill in the template's fields below, then send."
		return
	}
	m.Payload = store.Payload{Template: t.Name, Language: t.Language, Named: t.Named()}
	var media *whatsapp.TemplateField
	for _, fl := range t.Fields() {
		if fl.Key == "header.media" {
			media = &fl
			continue
		}
		v := f.Pick.Values[fl.Key]
		if problem := checkTemplateText(fl, v); problem != "" {
			f.Errors[fl.Key] = problem
			continue
		}
		m.Payload.Vars = append(m.Payload.Vars, store.TemplateVar{Key: fl.Key, Text: v})
	}
	if media != nil {
		m.Payload.Header = media.Format
		h.templateMedia(c, f, m, media.Format)
	}
	_, body, _ := t.Render(f.Pick.Values)
	m.Body = body
}

// checkTemplateText applies Meta's rules for a text parameter.
func checkTemplateText(fl whatsapp.TemplateField, v string) string {
	limit := views.MaxParamText
	if fl.Part == "header" {
		limit = views.MaxHeaderText
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

// templateMedia takes the header's media: an uploaded file (checked
// against the Cloud API's type and size rules, then uploaded once) or the
// id of media already on WhatsApp.
func (h *Handler) templateMedia(c echo.Context, f *views.ComposerForm, m *store.Message, format string) {
	const key = "header.media"
	fh, err := c.FormFile("header_file")
	if err != nil {
		if f.Pick.MediaID == "" {
			f.Errors[key] = "This template needs a header " + format + ": choose a file, or give the id of one already uploaded."
			return
		}
		// A reviewed send carries the upload's type and name back with its id
		// (the review token covers them); a typed id has neither.
		m.MediaID, m.MediaMime, m.MediaName = f.Pick.MediaID, c.FormValue("media_mime"), c.FormValue("media_name")
		return
	}
	mime, data, problem := checkMedia(format, fh)
	if problem != "" {
		f.Errors[key] = problem
		return
	}
	if len(f.Errors) > 0 {
		f.Errors[key] = "Choose the file again after fixing the other fields."
		return
	}
	if h.Media == nil {
		f.Errors[key] = "Media cannot be sent from this server."
		return
	}
	ctx := c.Request().Context()
	id, err := h.Media.UploadMedia(ctx, fh.Filename, mime, bytes.NewReader(data))
	u := currentUser(c)
	if err != nil {
		reason := whatsapp.Human(err)
		h.audit(ctx, store.AuditEntry{UserID: u.ID, Action: store.AuditMediaUpload, Detail: fh.Filename, Outcome: "failed: " + reason})
		f.Errors[key] = "WhatsApp did not take the file: " + reason
		return
	}
	h.audit(ctx, store.AuditEntry{UserID: u.ID, Action: store.AuditMediaUpload, Detail: fh.Filename + " (" + mime + ", " + size(fh.Size) + ")"})
	m.MediaID, m.MediaMime, m.MediaName = id, mime, fh.Filename
	f.Pick.MediaID = id
}
