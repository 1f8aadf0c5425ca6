package handlers

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"groupdeck/store"
	"groupdeck/views"
)

const auditPageSize = 100

// auditShow lists who did what, when, with what outcome; filters live in
// the URL like the groups list.
func (h *Handler) auditShow(c echo.Context) error {
	ctx := c.Request().Context()
	v := views.AuditView{Action: c.QueryParam("action")}
	v.UserID, _ = strconv.ParseInt(c.QueryParam("user"), 10, 64)
	v.GroupID, _ = strconv.ParseInt(c.QueryParam("group"), 10, 64)
	v.Page, _ = strconv.Atoi(c.QueryParam("page"))
	if v.Page < 1 {
		v.Page = 1
	}
	var err error
	v.Rows, v.Total, err = h.Store.AuditSearch(ctx, store.AuditQuery{UserID: v.UserID, GroupID: v.GroupID, Action: v.Action,
		Limit: auditPageSize, Offset: (v.Page - 1) * auditPageSize})
	if err != nil {
		return err
	}
	if v.Users, err = h.Store.Users(ctx); err != nil {
		return err
	}
	if v.Actions, err = h.Store.AuditActions(ctx); err != nil {
		return err
	}
	link := func(page int) string {
		q := c.QueryParams()
		q2 := url.Values{}
		for k, vs := range q {
			q2[k] = vs
		}
		q2.Set("page", strconv.Itoa(page))
		return "/audit?" + q2.Encode()
	}
	if v.Page > 1 {
		v.Prev = link(v.Page - 1)
	}
	if v.Page*auditPageSize < v.Total {
		v.Next = link(v.Page + 1)
	}
	return h.page(c, http.StatusOK, "Audit log", "audit", views.AuditPage(v))
}

// audit records an action that changes nothing else in the store: a
// sign-in, an export, a Cloud API call that failed. Recording it must not
// fail the request, but a failure is logged, never dropped. An action
// with a store change records its row in that change's transaction.
func (h *Handler) audit(ctx context.Context, e store.AuditEntry) {
	if err := h.Store.Audit(ctx, e); err != nil {
		h.Log.Error("audit failed", "action", e.Action, "err", err)
	}
}
