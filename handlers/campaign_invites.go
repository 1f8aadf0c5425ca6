package handlers

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"groupdeck/campaigns"
	"groupdeck/jobs"
	"groupdeck/store"
	"groupdeck/templates"
	"groupdeck/views"
	"groupdeck/whatsapp"
)

// maxUpload bounds an uploaded CSV of numbers (the form limit is 1 MB).
const maxUpload = 900 << 10

// inviteForm fills the template part: the approved templates that can
// carry an invite, and the one chosen (the configured invite template
// unless another was picked).
func (h *Handler) inviteForm(c echo.Context, f views.InviteForm) (views.InviteForm, error) {
	f.Template, f.Language = h.InviteTemplate.Name, h.InviteTemplate.Language
	cached, err := h.Store.Templates(c.Request().Context(), true)
	if err != nil {
		return f, err
	}
	name, lang := views.SplitTemplateKey(c.FormValue("template"))
	for _, t := range cached {
		info := templates.Info(t)
		if !views.InviteCapable(info) {
			continue
		}
		f.Choices = append(f.Choices, info)
		if info.Name == name && info.Language == lang {
			f.Template, f.Language = name, lang
		}
	}
	return f, nil
}

func (h *Handler) campaignInvitesShow(c echo.Context) error {
	camp, err := h.loadCampaign(c)
	if err != nil {
		return err
	}
	f, err := h.inviteForm(c, views.InviteForm{})
	if err != nil {
		return err
	}
	return h.page(c, http.StatusOK, "Send invites", "campaigns", views.InvitePage(camp, f))
}

// campaignInvitesCreate checks the numbers line by line and, when they
// are fine (or the person chose to skip the bad ones), starts a
// background job with one item per number.
func (h *Handler) campaignInvitesCreate(c echo.Context) error {
	ctx := c.Request().Context()
	camp, err := h.loadCampaign(c)
	if err != nil {
		return err
	}
	f, err := h.inviteForm(c, views.InviteForm{Numbers: c.FormValue("numbers"), SkipInvalid: c.FormValue("skip_invalid") == "1"})
	if err != nil {
		return err
	}
	text := f.Numbers
	if fh, err := c.FormFile("csv"); err == nil && fh.Size > 0 {
		if fh.Size > maxUpload {
			f.Error = "The file is too large; split it into files under 900 KB."
			return h.page(c, http.StatusUnprocessableEntity, "Send invites", "campaigns", views.InvitePage(camp, f))
		}
		file, err := fh.Open()
		if err != nil {
			return err
		}
		b, err := io.ReadAll(io.LimitReader(file, maxUpload))
		file.Close()
		if err != nil {
			return err
		}
		text = string(b)
		if strings.TrimSpace(f.Numbers) == "" {
			f.Numbers = text
		} else {
			text = f.Numbers + "\n" + text
		}
	}
	lines, perr := campaigns.ParsePhones(strings.NewReader(text))
	f.Lines = lines
	valid := campaigns.Valid(lines)
	switch {
	case perr != nil:
		f.Error = strings.TrimPrefix(perr.Error(), "campaigns: ")
	case len(valid) == 0:
		f.Error = "Add at least one phone number with its country code."
	case f.Invalid() > 0 && !f.SkipInvalid:
		f.Error = fmt.Sprintf("%d line(s) are not valid phone numbers. Fix them, or tick the box to skip them.", f.Invalid())
	}
	if f.Error == "" && camp.PoolID == 0 {
		g, err := h.Store.GroupByID(ctx, camp.GroupID)
		if err != nil || g.Status != store.GroupActive {
			f.Error = "The campaign's group is not active, so nobody can be invited to it."
		}
	}
	if c.FormValue("action") == "check" {
		// Only a check was asked for: show each line's result.
		f.Error = ""
		if perr != nil {
			f.Error = strings.TrimPrefix(perr.Error(), "campaigns: ")
		}
		return h.page(c, http.StatusOK, "Send invites", "campaigns", views.InvitePage(camp, f))
	}
	if f.Error != "" {
		return h.page(c, http.StatusUnprocessableEntity, "Send invites", "campaigns", views.InvitePage(camp, f))
	}
	params, _ := json.Marshal(campaigns.InviteParams{CampaignID: camp.ID, Template: f.Template, Language: f.Language})
	u := currentUser(c)
	r, err := h.inviteReview(ctx, camp, f, valid)
	if err != nil {
		return err
	}
	r.Token = h.reviewToken("campaign-invites", u.ID, params, r.Send)
	token := c.FormValue("review")
	if !h.reviewed(token, "campaign-invites", u.ID, params, r.Send) || len(r.Send) == 0 {
		if token != "" {
			// A new review, answered 200: the browser shows it as a page,
			// not as a failed request.
			r.Changed = fmt.Sprintf("Nothing was sent: of the %s numbers you reviewed, %d would get an invite now (someone joined meanwhile, or the list changed). Check and confirm again.",
				c.FormValue("reviewed"), len(r.Send))
		}
		return h.page(c, http.StatusOK, "Review: send invites", "campaigns", views.InviteReviewPage(camp, r))
	}
	id, err := h.Jobs.StartAudited(ctx, store.Job{Kind: string(jobs.KindCampaignInvites), Title: fmt.Sprintf("Invites for “%s” (%d numbers)", camp.Name, len(r.Send)),
		Params: params, CreatedBy: u.ID}, r.Send, func(id int64) store.AuditEntry {
		return store.AuditEntry{UserID: u.ID, Action: store.AuditCampaignInvites, GroupID: camp.GroupID,
			Detail: fmt.Sprintf("%s: %d numbers after review, job %d", camp.Name, len(r.Send), id)}
	})
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/jobs/"+itoa64(id))
}

// inviteReview says who gets an invite: the valid numbers, minus those
// already in the campaign's group; it counts the lines left out and the
// numbers this campaign invited before.
func (h *Handler) inviteReview(ctx context.Context, camp *store.Campaign, f views.InviteForm, valid []string) (views.InviteReview, error) {
	r := views.InviteReview{Form: f, Rates: h.Rates}
	for _, l := range f.Lines {
		switch {
		case l.Duplicate:
			r.Duplicates++
		case l.Err != "":
			r.Invalid++
		}
	}
	before, err := h.Store.InviteSends(ctx, camp.ID)
	if err != nil {
		return r, err
	}
	invited := map[string]bool{}
	for _, s := range before {
		if s.State == store.InviteSent {
			invited[s.Phone] = true
		}
	}
	for _, p := range valid {
		if camp.PoolID == 0 {
			in, err := h.Store.IsMember(ctx, camp.GroupID, p)
			if err != nil {
				return r, err
			}
			if in {
				r.Members++
				continue
			}
		}
		if invited[p] {
			r.InvitedBefore++
		}
		r.Send = append(r.Send, p)
	}
	return r, nil
}

// campaignExport writes one row per invite and per credited person.
func (h *Handler) campaignExport(c echo.Context) error {
	ctx := c.Request().Context()
	v, err := h.campaignView(c)
	if err != nil {
		return err
	}
	h.audit(ctx, store.AuditEntry{UserID: currentUser(c).ID, Action: store.AuditCampaignExport, GroupID: v.Campaign.GroupID, Detail: v.Campaign.Name})
	res := c.Response()
	res.Header().Set("Content-Type", "text/csv; charset=utf-8")
	res.Header().Set("Content-Disposition", `attachment; filename="campaign-`+v.Campaign.Slug+`.csv"`)
	res.Header().Set("Cache-Control", "no-store")
	res.WriteHeader(http.StatusOK)
	w := newCSV(res)
	_ = w.Row("campaign", "kind", "phone", "wa_id", "name", "group", "status", "sent_at", "delivered_at", "read_at",
		"requested_at", "joined_at", "left_at", "matched_by", "error")
	for _, s := range v.Sends {
		_ = w.Row(v.Campaign.Name, "invite", recipientCell(s.Phone), digitsOnly(s.Phone), "", "", s.Status(), csvTime(s.SentAt),
			csvTime(s.DeliveredAt), csvTime(s.ReadAt), "", "", "", "", s.Reason())
	}
	for _, p := range v.People {
		a := p.Arrival
		phone := ""
		if a.WaID != "" {
			phone = "+" + a.WaID
		}
		status := "joined"
		switch {
		case a.JoinedAt == 0:
			status = "requested"
		case a.LeftAt > 0:
			status = "left"
		}
		if phone == "" {
			phone = a.Key // a username member with no phone: their BSUID
		}
		name := ""
		if a.Name != "" || a.Username != "" {
			name = views.PersonName(a.Name, a.Username, "", "")
		}
		_ = w.Row(v.Campaign.Name, "person", phone, digitsOnly(a.WaID), name, p.Group, status, "", "", "",
			csvTime(a.RequestedAt), csvTime(a.JoinedAt), csvTime(a.LeftAt), a.Attribution.Via, "")
	}
	return w.Flush()
}

func csvTime(ms int64) string {
	if ms == 0 {
		return ""
	}
	return views.ISOTime(ms)
}

// recipientCell writes an invite's recipient: a phone number with its
// "+", a business-scoped user id as it is.
func recipientCell(to string) string {
	if whatsapp.IsBSUID(to) {
		return to
	}
	return "+" + to
}
