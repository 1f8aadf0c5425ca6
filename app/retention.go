package app

import (
	"context"
	"log/slog"
	"time"

	"groupdeck/store"
)

// pruneEvery is how often old activity is deleted: often enough that the
// table never holds much more than the retention, rarely enough to cost
// nothing.
const pruneEvery = time.Hour

// pruneActivity deletes activity feed lines older than keep, once at start
// and then every interval, until ctx ends. keep 0 keeps everything.
func pruneActivity(ctx context.Context, st *store.Store, keep, every time.Duration, log *slog.Logger) {
	if keep <= 0 {
		return
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		n, err := st.PruneActivity(ctx, st.Now().Add(-keep).UnixMilli())
		switch {
		case err != nil && ctx.Err() == nil:
			log.Error("activity retention failed", "err", err)
		case n > 0:
			log.Info("activity retention", "deleted", n, "older_than", keep)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
