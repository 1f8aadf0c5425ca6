package handlers

import (
	"bytes"
	"maps"
	"strings"

	"github.com/labstack/echo/v4"

	"groupdeck/groupops"
	"groupdeck/store"
	"groupdeck/views"
	"groupdeck/whatsapp"
)

// Limits of the Cloud API on message text (docs/cloud-api.md#send-a-message).
const (
	MaxText    = groupops.MaxText
	MaxCaption = groupops.MaxCaption
)

// readComposer copies the submitted fields into a form, keeping what the
// person typed for a re-render.
func readComposer(c echo.Context) views.ComposerForm {
	f := views.ComposerForm{
		Kind: c.FormValue("kind"), Body: c.FormValue("body"), PreviewURL: c.FormValue("preview_url") != "",
		MediaType: c.FormValue("media_type"), Caption: c.FormValue("caption"), Errors: map[string]string{},
	}
	f.TemplateName, f.TemplateLanguage = views.SplitTemplateKey(c.FormValue("template"))
	f.Pick.Values = map[string]string{}
	for k, vs := range c.Request().Form {
		if key, ok := strings.CutPrefix(k, "tv:"); ok && len(vs) > 0 {
			f.Pick.Values[key] = vs[0]
		}
	}
	f.Pick.MediaID = strings.TrimSpace(c.FormValue("header_media_id"))
	return f
}

// draftMessage validates the form and returns the message it describes,
// not yet tied to a group. Media is checked against the Cloud API's type
// and size rules, then uploaded once (its id serves every group for 30
// days). It returns nil when f.Errors says what to fix.
func (h *Handler) draftMessage(c echo.Context, f *views.ComposerForm) *store.Message {
	var m *store.Message
	var errs map[string]string
	switch f.Kind {
	case "", "text":
		f.Kind = "text"
		m, errs = groupops.DraftText(currentUser(c).ID, f.Body, f.PreviewURL)
	case "media":
		m = &store.Message{CreatedBy: currentUser(c).ID}
		h.draftMedia(c, f, m)
	case "template":
		m = &store.Message{CreatedBy: currentUser(c).ID}
		h.draftTemplate(c, f, m)
	default:
		f.Errors["form"] = "Choose what to send."
	}
	maps.Copy(f.Errors, errs)
	if len(f.Errors) > 0 {
		return nil
	}
	return m
}

func (h *Handler) draftMedia(c echo.Context, f *views.ComposerForm, m *store.Message) {
	kind := f.MediaType
	m.Kind = kind
	rule, ok := whatsapp.MediaRuleFor(kind)
	if !ok {
		f.Errors["file"] = "Choose what kind of media this is."
		return
	}
	if problem := groupops.CaptionProblem(rule, f.Caption); problem != "" {
		f.Errors["caption"] = problem
	}
	fh, err := c.FormFile("file")
	if err != nil {
		f.Errors["file"] = "Choose a file to send."
		return
	}
	mime, data, problem := checkMedia(kind, fh)
	if problem != "" {
		f.Errors["file"] = problem
		return
	}
	if len(f.Errors) > 0 {
		f.Errors["file"] = "Choose the file again after fixing the other fields."
		return
	}
	if h.Media == nil {
		f.Errors["file"] = "Media cannot be sent from this server."
		return
	}
	ctx := c.Request().Context()
	id, err := h.Media.UploadMedia(ctx, fh.Filename, mime, bytes.NewReader(data))
	u := currentUser(c)
	if err != nil {
		reason := whatsapp.Human(err)
		h.audit(ctx, store.AuditEntry{UserID: u.ID, Action: store.AuditMediaUpload, Detail: fh.Filename, Outcome: "failed: " + reason})
		f.Errors["file"] = "WhatsApp did not take the file: " + reason
		return
	}
	h.audit(ctx, store.AuditEntry{UserID: u.ID, Action: store.AuditMediaUpload, Detail: fh.Filename + " (" + mime + ", " + size(fh.Size) + ")"})
	m.MediaID, m.MediaMime, m.MediaName = id, mime, fh.Filename
	if rule.Caption {
		m.Body = f.Caption
	}
}
