package handlers

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"groupdeck/campaigns"
	"groupdeck/store"
	"groupdeck/views"
	"groupdeck/web"
)

// visit resolves a campaign link and records the visit, unless this
// visitor was counted lately (record false). It returns the invite link
// to send the visitor to, or "" with a title and message for the page
// shown instead.
func (h *Handler) visit(ctx context.Context, slug, device string, record bool) (link, title, msg string, err error) {
	camp, err := h.Store.CampaignBySlug(ctx, slug)
	if err != nil {
		return "", "", "", err
	}
	return h.visitCampaign(ctx, camp, device, record)
}

func (h *Handler) visitCampaign(ctx context.Context, camp *store.Campaign, device string, record bool) (link, title, msg string, err error) {
	t, err := campaigns.Resolve(ctx, h.Store, camp, time.Now())
	if err != nil {
		return "", "", "", err
	}
	if record {
		v := &store.Visit{CampaignID: camp.ID, Device: device, GroupID: t.GroupID, Outcome: t.Outcome}
		if err := h.Store.RecordVisit(ctx, v, visitRowsPerHour); err != nil {
			return "", "", "", err
		}
		h.Notify.CampaignsChanged()
	}
	switch t.Outcome {
	case store.VisitRedirected:
		if camp.PoolID != 0 {
			h.Pools.Wake() // the pool may now run low
		}
		return t.Link, "", "", nil
	case store.VisitDisabled, store.VisitExpired:
		return "", "This campaign has ended", "The link you followed is no longer active. If someone shared it with you, ask them for a new one.", nil
	case store.VisitFull:
		h.Pools.Wake()
		return "", "The group is full right now", "Every place is taken at the moment. A new group may open shortly: try the same link again in a few minutes.", nil
	}
	return "", "This group cannot be joined right now", "The group behind this link is not open for joining at the moment. Try again later, or ask the person who shared it.", nil
}

// campaignVisit serves the public /j/<slug>: no sign-in, no cookies, no
// state-changing method. Only the time and a coarse device class are
// recorded, once per visitor per window; an address that opens the same
// link too often is asked to wait (limits.go).
func (h *Handler) campaignVisit(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "no-store")
	c.Response().Header().Set("Referrer-Policy", "no-referrer")
	c.Response().Header().Set("X-Robots-Tag", "noindex")
	ctx, addr, ua := c.Request().Context(), web.AddrGroup(c.RealIP()), c.Request().UserAgent()
	camp, err := h.Store.CampaignBySlug(ctx, strings.ToLower(c.Param("slug")))
	if errors.Is(err, store.ErrNotFound) {
		const title = "Link not found"
		return h.page(c, http.StatusNotFound, title, "", views.CampaignUnavailable(title, "This campaign link does not exist. Check that it was copied completely."))
	}
	if err != nil {
		return err
	}
	// Keyed by campaign id, not by the slug typed: made-up slugs cannot
	// fill the limiter's memory.
	campaign := strconv.FormatInt(camp.ID, 10)
	if !h.limits.visits.Allow(addr + " " + campaign) {
		c.Response().Header().Set("Retry-After", "60")
		const title = "Too many visits"
		return h.page(c, http.StatusTooManyRequests, title, "", views.CampaignUnavailable(title,
			"This link was opened too often from your network in a short time. Wait a minute and try again."))
	}
	record := h.limits.visitors.first(addr, ua, campaign, time.Now())
	link, title, msg, err := h.visitCampaign(ctx, camp, campaigns.DeviceClass(ua), record)
	if err != nil {
		return err
	}
	if link != "" {
		return c.Redirect(http.StatusFound, link)
	}
	return h.page(c, http.StatusOK, title, "", views.CampaignUnavailable(title, msg))
}

// campaignSlug recognises a campaign link (absolute or a bare /j/ path).
func campaignSlug(link string) (string, bool) {
	i := strings.Index(link, "/j/")
	if i < 0 {
		return "", false
	}
	slug := strings.Trim(link[i+3:], "/ ")
	if slug == "" || strings.ContainsAny(slug, "/?#") {
		return "", false
	}
	return strings.ToLower(slug), true
}

func (h *Handler) campaignQR(c echo.Context) error {
	camp, err := h.loadCampaign(c)
	if err != nil {
		return err
	}
	link := h.BaseURL + "/j/" + camp.Slug
	c.Response().Header().Set("Cache-Control", "private, max-age=300")
	if strings.HasSuffix(c.Path(), ".svg") {
		b, err := campaigns.QRSVG(link, "QR code for "+link)
		if err != nil {
			return err
		}
		c.Response().Header().Set("Content-Disposition", `inline; filename="campaign-`+camp.Slug+`.svg"`)
		return c.Blob(http.StatusOK, "image/svg+xml", b)
	}
	b, err := campaigns.QRPNG(link, 512)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", `inline; filename="campaign-`+camp.Slug+`.png"`)
	return c.Blob(http.StatusOK, "image/png", b)
}

// afterWebhook keeps campaign pages and pools current: a delivery that
// touched groups may fill a pool; any delivery may carry 1:1 invite
// statuses, which touch no group.
func (h *Handler) afterWebhook(groups []int64) {
	if len(groups) > 0 {
		h.Pools.Wake()
	}
	h.Notify.CampaignsChanged()
}
