package app

import (
	"context"
	"log/slog"
	"time"

	"groupdeck/store"
)

// pruneActivity deletes activity feed lines older than keep, once at start
// and then every interval (GROUPDECK_PRUNE_INTERVAL, like the webhook
// and message retention), until ctx ends. keep 0 keeps everything.
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

// pruneWebhooks applies the webhook retention r (raw deliveries,
// de-duplication keys, waiting changes) and the message retention once at start and then every
// interval, until ctx ends. The store deletes in small batches, so a
// webhook acknowledgement never waits long behind it.
func pruneWebhooks(ctx context.Context, st *store.Store, r store.Retention, every time.Duration, log *slog.Logger) {
	if r.Applied == 0 && r.Failed == 0 && r.Dedup == 0 && r.Waiting == 0 && r.Messages == 0 {
		return
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		res, err := st.Prune(ctx, r)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Error("webhook retention failed", "err", err)
		case res.Applied+res.Failed+res.Keys+res.Expired+res.Messages+res.Receipts+res.MessageLines+res.FreedPages > 0:
			log.Info("webhook retention", "deliveries", res.Applied, "failed", res.Failed, "dedup_keys", res.Keys,
				"never_appeared", res.Expired, "messages", res.Messages, "receipts", res.Receipts,
				"stray_receipts", res.StrayReceipts, "message_feed_lines", res.MessageLines,
				"pages_returned", res.FreedPages, "batches", res.Batches, "longest_hold", res.LongestHold)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
