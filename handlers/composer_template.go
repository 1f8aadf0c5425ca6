package handlers

import (
	"bytes"
	"maps"

	"github.com/labstack/echo/v4"

	"groupdeck/groupops"
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
	if f.Pick.Chosen != nil && c.FormValue("show_fields") != "" {
		f.Errors["template"] = "Fill in the template's fields below, then send."
		return
	}
	d, media, errs := groupops.DraftTemplate(m.CreatedBy, f.Pick.Chosen, f.TemplateName, f.TemplateLanguage, f.Pick.Values)
	maps.Copy(f.Errors, errs)
	if f.Pick.Chosen == nil {
		return
	}
	*m = *d
	if media != nil {
		h.templateMedia(c, f, m, media.Format)
	}
}

// templateMedia takes the header's media: an uploaded file (checked
// against the Cloud API's type and size rules, then uploaded once) or the
// id of media already on WhatsApp.
func (h *Handler) templateMedia(c echo.Context, f *views.ComposerForm, m *store.Message, format string) {
	const key = groupops.HeaderMediaKey
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
