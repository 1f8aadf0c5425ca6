package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"groupdeck/store"
	"groupdeck/views"
)

// syncHeldShow lists the deletions the sync guard held back, for an
// admin to confirm or dismiss.
func (h *Handler) syncHeldShow(c echo.Context) error {
	ctx := c.Request().Context()
	v := views.HeldView{Error: heldErrors[c.QueryParam("error")]}
	if n, err := strconv.Atoi(c.QueryParam("deleted")); err == nil {
		v.Notice = fmt.Sprintf("%d groups marked deleted.", n)
	}
	if c.QueryParam("dismissed") != "" {
		v.Notice = "Warning dismissed; no group was changed."
	}
	guard, err := h.Store.SyncGuard(ctx)
	if err != nil {
		return err
	}
	v.Guard = guard
	if guard != nil {
		for _, hg := range guard.Held {
			g, err := h.Store.GroupByID(ctx, hg.GroupID)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			v.Groups = append(v.Groups, g)
		}
	}
	return h.page(c, http.StatusOK, "Held deletions", "home", views.SyncHeldPage(v))
}

// heldErrors are the refusals the review page can show; the query names
// one, so no request can put its own text on the page.
var heldErrors = map[string]string{
	"none":   "Tick at least one group to mark deleted.",
	"unsure": "Tick the box saying you checked the phone number id and token first.",
}

func heldBack(c echo.Context, key, value string) error {
	return c.Redirect(http.StatusSeeOther, "/sync/held?"+url.Values{key: {value}}.Encode())
}

// syncHeldConfirm marks the ticked held groups deleted, after the admin
// said they checked the configuration.
func (h *Handler) syncHeldConfirm(c echo.Context) error {
	if h.Sync == nil {
		return echo.NewHTTPError(http.StatusNotFound, "Sync is not available.")
	}
	form, err := c.FormParams()
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "The form could not be read.")
	}
	var ids []int64
	for _, s := range form["group"] {
		if id, err := strconv.ParseInt(s, 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	switch {
	case len(ids) == 0:
		return heldBack(c, "error", "none")
	case form.Get("sure") != "yes":
		return heldBack(c, "error", "unsure")
	}
	n, err := h.Sync.ConfirmHeld(c.Request().Context(), currentUser(c).ID, ids)
	if err != nil {
		return err
	}
	return heldBack(c, "deleted", strconv.Itoa(n))
}

// syncHeldDismiss keeps every held group and drops the warning.
func (h *Handler) syncHeldDismiss(c echo.Context) error {
	if h.Sync == nil {
		return echo.NewHTTPError(http.StatusNotFound, "Sync is not available.")
	}
	if err := h.Sync.DismissHeld(c.Request().Context(), currentUser(c).ID); err != nil {
		return err
	}
	return heldBack(c, "dismissed", "1")
}
