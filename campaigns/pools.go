package campaigns

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"groupdeck/ingest"
	"groupdeck/store"
	"groupdeck/whatsapp"
)

// GroupCreator is the part of the Cloud API client a keeper needs.
type GroupCreator interface {
	CreateGroup(ctx context.Context, r whatsapp.CreateGroupRequest) (string, error)
}

// Keeper keeps every pool ahead of demand: when a pool's free places
// (in active groups, plus 8 for each group still being created) fall
// below its threshold, it creates the next group from the template.
type Keeper struct {
	Store  *store.Store
	WA     GroupCreator
	Ingest *ingest.Ingester
	Log    *slog.Logger
	Notify GroupsNotifier
	// Backoff is how long a pool waits after a failed create.
	Backoff time.Duration
	// Poll is how often the keeper checks without being woken.
	Poll time.Duration

	wake   chan struct{}
	mu     sync.Mutex
	failed map[int64]time.Time
}

// GroupsNotifier is told which groups the keeper created or changed.
type GroupsNotifier interface {
	GroupsChanged(ids ...int64)
}

type tellNoOne struct{}

func (tellNoOne) GroupsChanged(...int64) {}

// NewKeeper returns a keeper; a nil notify tells no one.
func NewKeeper(st *store.Store, wa GroupCreator, in *ingest.Ingester, log *slog.Logger, notify GroupsNotifier) *Keeper {
	if notify == nil {
		notify = tellNoOne{}
	}
	return &Keeper{Store: st, WA: wa, Ingest: in, Log: log, Notify: notify, Backoff: time.Minute, Poll: 30 * time.Second,
		wake: make(chan struct{}, 1), failed: map[int64]time.Time{}}
}

// Wake asks for a check soon, without blocking.
func (k *Keeper) Wake() {
	if k == nil {
		return
	}
	select {
	case k.wake <- struct{}{}:
	default:
	}
}

// Run checks the pools whenever woken, and every Poll, until ctx ends.
func (k *Keeper) Run(ctx context.Context) {
	t := time.NewTicker(k.Poll)
	defer t.Stop()
	for {
		last := time.Now()
		k.Check(ctx)
		select {
		case <-ctx.Done():
			return
		case <-k.wake:
			// Every webhook delivery that touches a group wakes the keeper:
			// under load that was one pools query per delivery (2-4 % of
			// ingest CPU). Woken checks are at most wakeGap apart; wakes
			// while waiting are covered by the check that follows.
			if d := wakeGap - time.Since(last); d > 0 {
				w := time.NewTimer(d)
				select {
				case <-ctx.Done():
					w.Stop()
					return
				case <-w.C:
				}
			}
			select {
			case <-k.wake:
			default:
			}
		case <-t.C:
		}
	}
}

// wakeGap is the least time between two checks started by wakes; a pool
// running low is topped up at most this much later.
const wakeGap = 200 * time.Millisecond

// Check tops up every pool that runs low and returns the groups created.
func (k *Keeper) Check(ctx context.Context) []int64 {
	pools, err := k.Store.Pools(ctx)
	if err != nil {
		k.Log.Error("pools: list failed", "err", err)
		return nil
	}
	var made []int64
	for _, p := range pools {
		if id, ok := k.topUp(ctx, p); ok {
			made = append(made, id)
		}
	}
	return made
}

// Free counts a pool's free places, counting a group being created as
// empty so one slow create does not trigger another.
func Free(pgs []store.PoolGroup) int {
	free := 0
	for _, pg := range pgs {
		switch pg.Group.Status {
		case store.GroupCreating:
			free += store.MaxParticipants
		case store.GroupActive:
			if !pg.Group.Suspended {
				free += pg.Free
			}
		}
	}
	return free
}

func (k *Keeper) topUp(ctx context.Context, p *store.Pool) (int64, bool) {
	if p.MinFree <= 0 {
		return 0, false
	}
	k.mu.Lock()
	wait := time.Until(k.failed[p.ID].Add(k.Backoff))
	k.mu.Unlock()
	if wait > 0 {
		return 0, false
	}
	pgs, err := k.Store.PoolGroups(ctx, p.ID)
	if err != nil {
		k.Log.Error("pools: groups failed", "pool_id", p.ID, "err", err)
		return 0, false
	}
	if Free(pgs) >= p.MinFree {
		return 0, false
	}
	g, err := k.Store.NewPoolGroup(ctx, p.ID, p.CreatedBy)
	if err != nil {
		k.Log.Error("pools: new group failed", "pool_id", p.ID, "err", err)
		return 0, false
	}
	// The row is committed before the call; no transaction spans it.
	reqID, err := k.WA.CreateGroup(ctx, whatsapp.CreateGroupRequest{Subject: g.Subject, Description: g.Description, JoinApprovalMode: g.JoinApprovalMode})
	if err != nil {
		reason := whatsapp.Human(err)
		k.mu.Lock()
		k.failed[p.ID] = time.Now()
		k.mu.Unlock()
		k.Log.Warn("pools: create group failed", "pool_id", p.ID, "group_id", g.ID, "reason", reason)
		if _, err := k.Store.WithTx(ctx, func(t *store.Tx) error {
			if err := t.FailGroup(g.ID, reason); err != nil {
				return err
			}
			return t.Audit(store.AuditEntry{Action: store.AuditPoolGroupCreate, GroupID: g.ID, Detail: p.Name + ": " + g.Subject, Outcome: "failed: " + reason})
		}); err != nil {
			k.Log.Error("pools: record failed create failed", "group_id", g.ID, "err", err)
		}
		k.Notify.GroupsChanged(g.ID)
		return g.ID, true
	}
	entry := store.AuditEntry{Action: store.AuditPoolGroupCreate, GroupID: g.ID, Detail: p.Name + ": " + g.Subject}
	touched, err := k.Store.WithTx(ctx, func(t *store.Tx) error {
		if err := k.Ingest.RecordRequest(t, g.ID, reqID); err != nil {
			return err
		}
		return t.Audit(entry)
	})
	if err != nil {
		k.Log.Error("pools: record request failed", "group_id", g.ID, "err", err)
		// WhatsApp did create the group: keep the record of it.
		if err := k.Store.Audit(ctx, entry); err != nil {
			k.Log.Error("pools: audit failed", "group_id", g.ID, "err", err)
		}
	}
	k.Notify.GroupsChanged(append(touched, g.ID)...)
	return g.ID, true
}
