package handlers

import (
	"crypto/rand"
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"groupdeck/campaigns"
	"groupdeck/store"
	"groupdeck/views"
)

func (h *Handler) campaignsView(c echo.Context) (views.CampaignsView, error) {
	ctx := c.Request().Context()
	cs, err := h.Store.Campaigns(ctx, 0)
	if err != nil {
		return views.CampaignsView{}, err
	}
	rep, err := campaigns.Load(ctx, h.Store)
	if err != nil {
		return views.CampaignsView{}, err
	}
	v := views.CampaignsView{CanEdit: currentUser(c).CanEdit(), BaseURL: h.BaseURL, Pool: views.PoolForm{MinFree: "3"}}
	for _, camp := range cs {
		v.Rows = append(v.Rows, views.CampaignRow{Campaign: camp, Funnel: rep.Funnel(camp.ID)})
	}
	if v.Pools, err = h.Store.Pools(ctx); err != nil {
		return v, err
	}
	if id, _ := strconv.ParseInt(c.QueryParam("pool_created"), 10, 64); id != 0 {
		for _, p := range v.Pools {
			if p.ID == id {
				v.PoolNotice = "Pool “" + p.Name + "” created. Its first group is being created now; campaign links can point at the pool."
			}
		}
	}
	sel, _ := strconv.ParseInt(strings.TrimPrefix(c.FormValue("target"), "group:"), 10, 64)
	if v.Picker, err = h.groupPicker(ctx, views.PickerView{ID: "c-target", Name: "target", Prefix: "group:",
		Label: "A group (search by subject)", Selected: sel, CanCreate: currentUser(c).CanEdit()}); err != nil {
		return v, err
	}
	v.Chart, err = h.chartView(c, "all", 0, "day", "campaigns-live")
	return v, err
}

func (h *Handler) campaignList(c echo.Context) error {
	v, err := h.campaignsView(c)
	if err != nil {
		return err
	}
	return h.page(c, http.StatusOK, "Campaigns", "campaigns", views.Campaigns(v))
}

func (h *Handler) campaignRows(c echo.Context) error {
	v, err := h.campaignsView(c)
	if err != nil {
		return err
	}
	return h.fragment(c, views.CampaignRows(v))
}

var slugRe = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{1,38}[a-z0-9])$`)

// slugify makes a link ending from a name, with a short random suffix so
// campaign links cannot be guessed from each other.
func slugify(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if b.Len() >= 24 {
			break
		}
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
	}
	base := strings.Trim(b.String(), "-")
	const alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
	suffix := make([]byte, 5)
	_, _ = rand.Read(suffix)
	for i := range suffix {
		suffix[i] = alphabet[int(suffix[i])%len(alphabet)]
	}
	if base == "" {
		return string(suffix)
	}
	return base + "-" + string(suffix)
}

func (h *Handler) campaignCreate(c echo.Context) error {
	ctx := c.Request().Context()
	f := views.CampaignForm{Name: strings.TrimSpace(c.FormValue("name")), Slug: strings.ToLower(strings.TrimSpace(c.FormValue("slug"))),
		Target: c.FormValue("target"), Expires: strings.TrimSpace(c.FormValue("expires")), Errors: map[string]string{}}
	camp := &store.Campaign{Name: f.Name, Enabled: true, CreatedBy: currentUser(c).ID}
	switch n := utf8.RuneCountInString(f.Name); {
	case n == 0:
		f.Errors["name"] = "Give the campaign a name."
	case n > 100:
		f.Errors["name"] = "Keep the name under 100 characters."
	}
	kind, idText, _ := strings.Cut(f.Target, ":")
	tid, _ := strconv.ParseInt(idText, 10, 64)
	switch kind {
	case "group":
		if g, err := h.Store.GroupByID(ctx, tid); err != nil {
			f.Errors["target"] = "Choose a group or a pool."
		} else {
			camp.GroupID = g.ID
		}
	case "pool":
		if p, err := h.Store.PoolByID(ctx, tid); err != nil {
			f.Errors["target"] = "Choose a group or a pool."
		} else {
			camp.PoolID = p.ID
		}
	default:
		f.Errors["target"] = "Choose a group or a pool."
	}
	if f.Slug != "" && !slugRe.MatchString(f.Slug) {
		f.Errors["slug"] = "Use 3 to 40 lowercase letters, digits and dashes, starting and ending with a letter or digit."
	}
	if f.Expires != "" {
		d, err := time.Parse("2006-01-02", f.Expires)
		if err != nil {
			f.Errors["expires"] = "Give a date such as 2026-12-31, or leave it empty."
		} else if camp.ExpiresAt = d.Add(24 * time.Hour).UnixMilli(); camp.ExpiresAt <= time.Now().UnixMilli() {
			f.Errors["expires"] = "That date has passed."
		}
	}
	if len(f.Errors) == 0 {
		camp.Slug = f.Slug
		if camp.Slug == "" {
			camp.Slug = slugify(f.Name)
		}
		_, err := h.Store.WithTx(ctx, func(t *store.Tx) error {
			if err := t.CreateCampaign(camp); err != nil {
				return err
			}
			return t.Audit(store.AuditEntry{UserID: currentUser(c).ID, Action: store.AuditCampaignCreate, GroupID: camp.GroupID,
				Detail: camp.Name + " /j/" + camp.Slug})
		})
		if errors.Is(err, store.ErrSlugTaken) {
			f.Errors["slug"] = "Another campaign uses this link ending; choose another."
		} else if err != nil {
			return err
		}
	}
	if len(f.Errors) > 0 {
		v, err := h.campaignsView(c)
		if err != nil {
			return err
		}
		v.Form = f
		return h.page(c, http.StatusUnprocessableEntity, "Campaigns", "campaigns", views.Campaigns(v))
	}
	h.Pools.Wake()
	h.Notify.CampaignEdited(camp.ID)
	return c.Redirect(http.StatusSeeOther, "/campaigns/"+itoa64(camp.ID))
}

func (h *Handler) poolCreate(c echo.Context) error {
	ctx := c.Request().Context()
	f := views.PoolForm{Name: strings.TrimSpace(c.FormValue("name")), SubjectPattern: strings.TrimSpace(c.FormValue("subject_pattern")),
		Description: c.FormValue("description"), JoinApprovalMode: c.FormValue("join_approval_mode"),
		MinFree: strings.TrimSpace(c.FormValue("min_free")), Errors: map[string]string{}}
	if f.Name == "" {
		f.Errors["name"] = "Give the pool a name."
	}
	p := &store.Pool{Name: f.Name, SubjectPattern: f.SubjectPattern, Description: f.Description, CreatedBy: currentUser(c).ID}
	switch n := utf8.RuneCountInString(p.Subject(9999)); {
	case f.SubjectPattern == "":
		f.Errors["subject_pattern"] = "Give a subject such as “Cohort {n}”."
	case n > 128:
		f.Errors["subject_pattern"] = "With the number added the subject would exceed WhatsApp’s 128 characters."
	}
	if utf8.RuneCountInString(f.Description) > 2048 {
		f.Errors["description"] = "WhatsApp allows at most 2048 characters."
	}
	p.JoinApprovalMode = "auto_approve"
	if f.JoinApprovalMode == "approval_required" {
		p.JoinApprovalMode = f.JoinApprovalMode
	}
	n, err := strconv.Atoi(f.MinFree)
	if err != nil || n < 1 || n > store.MaxParticipants {
		f.Errors["min_free"] = "Give a number from 1 to 8."
	}
	p.MinFree = n
	if len(f.Errors) > 0 {
		v, err := h.campaignsView(c)
		if err != nil {
			return err
		}
		v.Pool = f
		return h.page(c, http.StatusUnprocessableEntity, "Campaigns", "campaigns", views.Campaigns(v))
	}
	if _, err := h.Store.WithTx(ctx, func(t *store.Tx) error {
		if err := t.CreatePool(p); err != nil {
			return err
		}
		return t.Audit(store.AuditEntry{UserID: currentUser(c).ID, Action: store.AuditPoolCreate, Detail: p.Name})
	}); err != nil {
		return err
	}
	h.Pools.Wake() // makes the first group
	return c.Redirect(http.StatusSeeOther, "/campaigns?pool_created="+itoa64(p.ID)+"#new-pool-h")
}

func (h *Handler) loadCampaign(c echo.Context) (*store.Campaign, error) {
	id, err := pathID(c)
	if err != nil {
		return nil, err
	}
	return h.Store.CampaignByID(c.Request().Context(), id)
}

func (h *Handler) campaignView(c echo.Context) (views.CampaignView, error) {
	ctx := c.Request().Context()
	camp, err := h.loadCampaign(c)
	if err != nil {
		return views.CampaignView{}, err
	}
	v := views.CampaignView{Campaign: camp, Link: h.BaseURL + "/j/" + camp.Slug, CanEdit: currentUser(c).CanEdit(), Now: time.Now().UnixMilli()}
	rep, err := campaigns.Load(ctx, h.Store)
	if err != nil {
		return v, err
	}
	v.Funnel = rep.Funnel(camp.ID)
	subjects := map[int64]string{}
	for _, a := range rep.Of(camp.ID) {
		if _, ok := subjects[a.GroupID]; !ok {
			if g, err := h.Store.GroupByID(ctx, a.GroupID); err == nil {
				subjects[a.GroupID] = g.Subject
			}
		}
		v.People = append(v.People, views.Person{Arrival: a, Campaign: camp.Name, Group: subjects[a.GroupID]})
	}
	for _, s := range rep.Sends {
		if s.CampaignID == camp.ID {
			v.Sends = append(v.Sends, s)
		}
	}
	if v.Devices, err = h.Store.VisitDevices(ctx, camp.ID); err != nil {
		return v, err
	}
	if camp.PoolID != 0 {
		if v.Pool, err = h.Store.PoolByID(ctx, camp.PoolID); err != nil {
			return v, err
		}
		if v.PoolGroups, err = h.Store.PoolGroups(ctx, camp.PoolID); err != nil {
			return v, err
		}
	}
	v.Chart, err = h.chartView(c, "campaign", camp.ID, "day", "campaign-live")
	return v, err
}

func (h *Handler) campaignShow(c echo.Context) error {
	v, err := h.campaignView(c)
	if err != nil {
		return err
	}
	return h.page(c, http.StatusOK, v.Campaign.Name, "campaigns", views.CampaignPage(v))
}

func (h *Handler) campaignFunnel(c echo.Context) error {
	v, err := h.campaignView(c)
	if err != nil {
		return err
	}
	return h.fragment(c, views.CampaignFunnel(v))
}

func (h *Handler) campaignPeople(c echo.Context) error {
	v, err := h.campaignView(c)
	if err != nil {
		return err
	}
	return h.fragment(c, views.CampaignPeople(v))
}

func (h *Handler) campaignPool(c echo.Context) error {
	v, err := h.campaignView(c)
	if err != nil {
		return err
	}
	return h.fragment(c, views.PoolGroupList(v.PoolGroups))
}

func (h *Handler) campaignEnabled(c echo.Context) error {
	ctx := c.Request().Context()
	camp, err := h.loadCampaign(c)
	if err != nil {
		return err
	}
	on := c.FormValue("enabled") == "true"
	action := store.AuditCampaignDisable
	if on {
		action = store.AuditCampaignEnable
	}
	if _, err := h.Store.WithTx(ctx, func(t *store.Tx) error {
		if err := t.SetCampaignEnabled(camp.ID, on); err != nil {
			return err
		}
		return t.Audit(store.AuditEntry{UserID: currentUser(c).ID, Action: action, GroupID: camp.GroupID, Detail: camp.Name})
	}); err != nil {
		return err
	}
	h.Notify.CampaignEdited(camp.ID)
	return c.Redirect(http.StatusSeeOther, "/campaigns/"+itoa64(camp.ID))
}

// groupCampaigns is the group page's list of campaign links and who each
// brought.
func (h *Handler) groupCampaigns(c echo.Context) error {
	ctx := c.Request().Context()
	g, err := h.loadGroup(c)
	if err != nil {
		return err
	}
	cs, err := h.Store.Campaigns(ctx, g.ID)
	if err != nil {
		return err
	}
	rep, err := campaigns.Load(ctx, h.Store)
	if err != nil {
		return err
	}
	names := map[int64]string{}
	all, err := h.Store.Campaigns(ctx, 0)
	if err != nil {
		return err
	}
	for _, camp := range all {
		names[camp.ID] = camp.Name
	}
	v := views.GroupCampaignsView{GroupID: g.ID, Campaigns: cs, BaseURL: h.BaseURL, CanEdit: currentUser(c).CanEdit()}
	for _, a := range rep.InGroup(g.ID) {
		p := views.Person{Arrival: a, Group: g.Subject}
		if a.Attribution != nil {
			p.Campaign = names[a.Attribution.CampaignID]
		}
		v.People = append(v.People, p)
	}
	return h.fragment(c, views.GroupCampaignsBody(v))
}
