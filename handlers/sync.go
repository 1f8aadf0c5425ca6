package handlers

import (
	"context"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"groupdeck/reconcile"
	"groupdeck/store"
	"groupdeck/views"
)

// Syncer reconciles the app's groups with the Cloud API.
type Syncer interface {
	Sync(ctx context.Context, byUser int64) (*reconcile.Report, error)
}

// syncNow runs reconciliation at a staff member's request. It calls the
// Cloud API without holding a transaction; each group is healed in its
// own, and the affected pages are told after each commit.
func (h *Handler) syncNow(c echo.Context) error {
	if h.Sync == nil {
		return echo.NewHTTPError(http.StatusNotFound, "Sync is not available.")
	}
	ctx := c.Request().Context()
	u := currentUser(c)
	rep, err := h.Sync.Sync(ctx, u.ID)
	v := views.SyncResult{Report: rep}
	if err != nil {
		v.Error = "The sync could not list the groups on WhatsApp. Try again in a minute."
		_ = h.Store.Audit(ctx, store.AuditEntry{UserID: u.ID, Action: "sync.run", Outcome: "failed: " + err.Error()})
		h.Log.Warn("sync now failed", "err", err)
	} else {
		_ = h.Store.Audit(ctx, store.AuditEntry{UserID: u.ID, Action: "sync.run",
			Detail: fmt.Sprintf("checked %d groups, %d drifts healed, %d errors", rep.Checked, len(rep.Drifts), len(rep.Errors))})
	}
	if c.Request().Header.Get("HX-Request") == "true" {
		return h.fragment(c, views.SyncReport(v))
	}
	return h.page(c, http.StatusOK, "Sync", "home", views.SyncPage(v))
}
