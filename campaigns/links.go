package campaigns

import (
	"context"
	"errors"
	"time"

	"groupdeck/store"
)

// HoldFor is how long a visitor sent to a pool group is assumed to hold a
// place there, so a burst of visitors spreads over the pool instead of
// all landing in a group with one free place.
const HoldFor = 90 * time.Second

// Target is where a campaign link sends a visitor.
type Target struct {
	Outcome string // a store.Visit* outcome
	GroupID int64
	Link    string // the group's current invite link when redirected
}

// Resolve picks where a visit goes: the campaign's group, or for a pool
// the first group (in pool order) with a free place. It always reads the
// group's invite link as stored now, so a reset link is picked up.
func Resolve(ctx context.Context, st *store.Store, c *store.Campaign, now time.Time) (Target, error) {
	switch {
	case !c.Enabled:
		return Target{Outcome: store.VisitDisabled}, nil
	case c.Expired(now.UnixMilli()):
		return Target{Outcome: store.VisitExpired}, nil
	}
	if c.PoolID == 0 {
		if c.GroupID == 0 {
			return Target{Outcome: store.VisitNoLink}, nil
		}
		g, err := st.GroupByID(ctx, c.GroupID)
		if err != nil {
			return Target{Outcome: store.VisitNoLink}, ignoreNotFound(err)
		}
		if !joinable(g) {
			return Target{Outcome: store.VisitNoLink, GroupID: g.ID}, nil
		}
		if g.ParticipantCount >= store.MaxParticipants {
			return Target{Outcome: store.VisitFull, GroupID: g.ID}, nil
		}
		return Target{Outcome: store.VisitRedirected, GroupID: g.ID, Link: g.InviteLink}, nil
	}
	pgs, err := st.PoolGroups(ctx, c.PoolID)
	if err != nil {
		return Target{}, err
	}
	held, err := st.RecentRedirects(ctx, now.Add(-HoldFor).UnixMilli())
	if err != nil {
		return Target{}, err
	}
	var fallback *store.Group
	for _, pg := range pgs {
		if !joinable(pg.Group) || pg.Free <= 0 {
			continue
		}
		if pg.Free-held[pg.Group.ID] > 0 {
			return Target{Outcome: store.VisitRedirected, GroupID: pg.Group.ID, Link: pg.Group.InviteLink}, nil
		}
		if fallback == nil {
			fallback = pg.Group
		}
	}
	if fallback != nil {
		return Target{Outcome: store.VisitRedirected, GroupID: fallback.ID, Link: fallback.InviteLink}, nil
	}
	return Target{Outcome: store.VisitFull}, nil
}

func joinable(g *store.Group) bool {
	return g.Status == store.GroupActive && !g.Suspended && g.InviteLink != ""
}

func ignoreNotFound(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	return err
}
