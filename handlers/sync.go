package handlers

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"groupdeck/reconcile"
	"groupdeck/store"
	"groupdeck/views"
)

// Syncer reconciles the app's groups with the Cloud API.
type Syncer interface {
	Sync(ctx context.Context, byUser int64) (*reconcile.Report, error)
	// ConfirmHeld and DismissHeld settle what the sync guard held back.
	ConfirmHeld(ctx context.Context, byUser int64, groupIDs []int64) (int, error)
	DismissHeld(ctx context.Context, byUser int64) error
}

type syncOutcome struct {
	rep *reconcile.Report
	err error
}

// syncNow runs reconciliation at a staff member's request. It calls the
// Cloud API without holding a transaction; each group is healed in its
// own, and the affected pages are told after each commit. The run is not
// tied to the request, so a browser that gives up does not stop it.
func (h *Handler) syncNow(c echo.Context) error {
	if h.Sync == nil {
		return echo.NewHTTPError(http.StatusNotFound, "Sync is not available.")
	}
	u := currentUser(c)
	ctx, cancel := context.WithCancel(context.WithoutCancel(c.Request().Context()))
	done := make(chan syncOutcome, 1)
	go func() {
		defer cancel()
		go func() {
			select {
			case <-h.stopping:
				cancel()
			case <-ctx.Done():
			}
		}()
		rep, err := h.Sync.Sync(ctx, u.ID)
		if err != nil {
			h.audit(ctx, store.AuditEntry{UserID: u.ID, Action: store.AuditSyncRun, Outcome: "failed: " + err.Error()})
			h.Log.Warn("sync now failed", "err", err)
		} else {
			h.audit(ctx, store.AuditEntry{UserID: u.ID, Action: store.AuditSyncRun,
				Detail: fmt.Sprintf("checked %d groups, %d drifts healed, %d errors, %d deletions held", rep.Checked, len(rep.Drifts), len(rep.Errors), len(rep.Held))})
		}
		done <- syncOutcome{rep, err}
	}()
	v := views.SyncResult{IsAdmin: u.IsAdmin()}
	select {
	case r := <-done:
		v.Report = r.rep
		if r.err != nil {
			v.Error = "The sync could not list the groups on WhatsApp. Try again in a minute."
		}
	case <-time.After(h.SyncWait):
		v.Running = true
	}
	if c.Request().Header.Get("HX-Request") == "true" {
		return h.fragment(c, views.SyncReport(v))
	}
	return h.page(c, http.StatusOK, "Sync", "home", views.SyncPage(v))
}
