package handlers

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"groupdeck/store"
	"groupdeck/templates"
	"groupdeck/views"
	"groupdeck/whatsapp"
)

// loadPick fills the composer's template part from the cache: the
// approved templates, and the one named by f.TemplateName/Language.
func (h *Handler) loadPick(ctx context.Context, f *views.ComposerForm, people int) error {
	cached, err := h.Store.Templates(ctx, true)
	if err != nil {
		return err
	}
	f.Pick.Refresh, err = h.Store.LastTemplateRefresh(ctx)
	if err != nil {
		return err
	}
	f.Pick.Templates = make([]whatsapp.TemplateInfo, 0, len(cached))
	for _, t := range cached {
		info := templates.Info(t)
		f.Pick.Templates = append(f.Pick.Templates, info)
		if t.Name == f.TemplateName && t.Language == f.TemplateLanguage {
			f.Pick.Chosen = &info
		}
	}
	f.Pick.People, f.Pick.Rates = people, h.Rates
	if f.Pick.Values == nil {
		f.Pick.Values = map[string]string{}
	}
	return nil
}

// templateFields answers the picker: the chosen template's fields,
// preview and cost.
func (h *Handler) templateFields(c echo.Context) error {
	var f views.ComposerForm
	f.TemplateName, f.TemplateLanguage = views.SplitTemplateKey(c.QueryParam("template"))
	people, _ := strconv.Atoi(c.QueryParam("people"))
	if err := h.loadPick(c.Request().Context(), &f, max(people, 0)); err != nil {
		return err
	}
	return h.fragment(c, views.TemplateFields(f.Pick, map[string]string{}))
}

func (h *Handler) templatesView(ctx context.Context, c echo.Context) (views.TemplatesView, error) {
	v := views.TemplatesView{CanEdit: currentUser(c).CanEdit() && h.Templates != nil, InviteName: h.InviteTemplate.Name}
	cached, err := h.Store.Templates(ctx, false)
	if err != nil {
		return v, err
	}
	for _, t := range cached {
		v.Templates = append(v.Templates, templates.Info(t))
		if t.Name == h.InviteTemplate.Name && t.Language == h.InviteTemplate.Language {
			if t.Status == whatsapp.TemplateApproved {
				v.InviteReady = true
			} else {
				v.InviteStatus = strings.ToLower(t.Status)
			}
		}
	}
	v.Refresh, err = h.Store.LastTemplateRefresh(ctx)
	return v, err
}

func (h *Handler) templatesShow(c echo.Context) error {
	v, err := h.templatesView(c.Request().Context(), c)
	if err != nil {
		return err
	}
	return h.page(c, http.StatusOK, "Message templates", "templates", views.TemplatesPage(v))
}

// templatesAnswer shows the page after a change, with what happened.
func (h *Handler) templatesAnswer(c echo.Context, status int, notice, problem string) error {
	v, err := h.templatesView(c.Request().Context(), c)
	if err != nil {
		return err
	}
	v.Notice, v.Error = notice, problem
	return h.page(c, status, "Message templates", "templates", views.TemplatesPage(v))
}

func (h *Handler) templatesRefresh(c echo.Context) error {
	if h.Templates == nil {
		return echo.NewHTTPError(http.StatusNotFound, "Templates cannot be refreshed on this server.")
	}
	ctx := c.Request().Context()
	err := h.Templates.Refresh(ctx)
	entry := store.AuditEntry{UserID: currentUser(c).ID, Action: store.AuditTemplatesRefresh}
	if err != nil {
		entry.Outcome = "failed: " + whatsapp.Human(err)
		h.audit(ctx, entry)
		return h.templatesAnswer(c, http.StatusBadGateway, "", "WhatsApp did not list the templates: "+whatsapp.Human(err))
	}
	h.audit(ctx, entry)
	return h.templatesAnswer(c, http.StatusOK, "The template list is up to date.", "")
}

// templatesInvite adds the invite template from Meta's Template Library
// under the configured name; Meta reviews it before it can be sent.
func (h *Handler) templatesInvite(c echo.Context) error {
	if h.TemplateLib == nil || h.Templates == nil {
		return echo.NewHTTPError(http.StatusNotFound, "Templates cannot be created from this server.")
	}
	ctx := c.Request().Context()
	name, lang := h.InviteTemplate.Name, h.InviteTemplate.Language
	entry := store.AuditEntry{UserID: currentUser(c).ID, Action: store.AuditTemplateCreate, Detail: name + " (" + lang + ") from the Template Library"}
	fail := func(msg string) error {
		entry.Outcome = "failed: " + msg
		h.audit(ctx, entry)
		return h.templatesAnswer(c, http.StatusBadGateway, "", msg)
	}
	lib, err := h.TemplateLib.LibraryTemplates(ctx, "utility", "group_invite_link", "")
	if err != nil {
		return fail("WhatsApp did not answer the Template Library search: " + whatsapp.Human(err))
	}
	if len(lib) == 0 {
		return fail("Meta's Template Library has no group invite link template for this account.")
	}
	created, err := h.TemplateLib.CreateLibraryTemplate(ctx, h.WABAID, name, lang, "UTILITY", lib[0].Name)
	if err != nil {
		return fail("WhatsApp did not create the template: " + whatsapp.Human(err))
	}
	h.audit(ctx, entry)
	if err := h.Templates.Refresh(ctx); err != nil {
		h.Log.Warn("templates: refresh after create failed", "err", err)
	}
	return h.templatesAnswer(c, http.StatusOK, "Created “"+name+"”: Meta is reviewing it (status "+strings.ToLower(created.Status)+"). Campaign invites can use it once it is approved.", "")
}
