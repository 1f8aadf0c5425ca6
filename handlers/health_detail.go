package handlers

import (
	"net/http"
	"runtime"
	"time"

	"github.com/labstack/echo/v4"
)

// healthDetail answers /healthz?detail=1: the database's size, its free
// space, per-table sizes (cached, measured at most every few minutes)
// and the oldest webhook rows and message kept, so a monitor can see that retention
// keeps the database bounded. Sizes and times only: no row contents, no
// settings that could help an attacker. Plain /healthz stays one query.
func (h *Handler) healthDetail(c echo.Context) error {
	st, err := h.Store.Storage(c.Request().Context())
	if err != nil {
		h.Log.Error("health detail failed", "err", err)
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "database unavailable"})
	}
	tables := map[string]int64{}
	for _, t := range st.Tables {
		tables[t.Name] = t.Bytes
	}
	measured := ""
	if !st.TablesAt.IsZero() {
		measured = st.TablesAt.UTC().Format(time.RFC3339)
	}
	iso := func(ms int64) string {
		if ms == 0 {
			return ""
		}
		return time.UnixMilli(ms).UTC().Format(time.RFC3339)
	}
	return c.JSON(http.StatusOK, map[string]any{
		"status":     "ok",
		"goroutines": runtime.NumGoroutine(),
		"go_memory":  goMemory(),
		"database": map[string]any{
			"bytes":            st.FileBytes,
			"free_bytes":       st.FreeBytes,
			"table_bytes":      tables,
			"tables_measured":  measured,
			"oldest_delivery":  iso(st.OldestDelivery),
			"oldest_dedup_key": iso(st.OldestDedupKey),
			"oldest_waiting":   iso(st.OldestWaiting),
			"oldest_message":   iso(st.OldestMessage),
			"waiting_changes":  st.Waiting,
		},
	})
}
