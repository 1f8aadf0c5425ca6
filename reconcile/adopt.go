package reconcile

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"

	"groupdeck/store"
	"groupdeck/whatsapp"
)

// adoptDetail is the drift recorded when sync finds a group whose create
// webhook never arrived.
const adoptDetail = "Create confirmed by sync: the create webhook never arrived"

// errGone says a listed group disappeared before its details were read.
var errGone = errors.New("reconcile: group gone")

// adoptCreates matches listed groups the app does not know with local
// groups still waiting for their create webhook: same subject, the local
// create made before the listed group's created_at (plus CreateSlack),
// oldest with oldest, one to one. Each match gets the WhatsApp id, the
// invite link and the participants, and the webhook changes that waited
// for the group are applied. Local creates older than StaleCreate that
// nothing matched are marked failed: the listing is complete, so
// WhatsApp has no such group, unless failStale is false (the sync guard
// distrusts the listing). It returns the listed groups left over.
func (s *Syncer) adoptCreates(ctx context.Context, unknown []whatsapp.GroupSummary, rep *Report, byUser int64, failStale bool) ([]whatsapp.GroupSummary, error) {
	pending, err := s.Store.PendingCreates(ctx)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(unknown, func(a, b whatsapp.GroupSummary) int {
		return cmp.Or(cmp.Compare(a.CreatedAt, b.CreatedAt), cmp.Compare(a.ID, b.ID))
	})
	used := map[int64]bool{}
	var left []whatsapp.GroupSummary
	for _, lg := range unknown {
		g := s.match(lg, pending, used)
		if g == nil {
			left = append(left, lg)
			continue
		}
		used[g.ID] = true
		if err := s.adopt(ctx, g, lg, rep, byUser); err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			if !errors.Is(err, errGone) {
				rep.Errors = append(rep.Errors, fmt.Sprintf("%s: %s", g.Subject, whatsapp.Human(err)))
				s.Log.Warn("sync adopt failed", "group_id", g.ID, "err", err)
			}
		}
	}
	if !failStale {
		return left, nil // the guard distrusts the listing: "no group" proves nothing
	}
	cutoff := s.now().Add(-s.StaleCreate).UnixMilli()
	for _, g := range pending {
		if used[g.ID] || g.Status != store.GroupCreating || g.CreatedAt > cutoff {
			continue
		}
		ok := false
		if _, err := s.Store.WithTx(ctx, func(t *store.Tx) (err error) {
			ok, err = t.FailStaleCreate(g.ID)
			if err != nil || !ok {
				return err
			}
			return t.Audit(store.AuditEntry{UserID: byUser, Action: store.AuditSyncDrift, GroupID: g.ID, Detail: store.StaleCreateReason})
		}); err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		rep.Drifts = append(rep.Drifts, Drift{GroupID: g.ID, Subject: g.Subject, Detail: store.StaleCreateReason})
		s.Notify.GroupsChanged(g.ID)
	}
	return left, nil
}

// match picks the oldest unused local create that lg can be.
func (s *Syncer) match(lg whatsapp.GroupSummary, pending []*store.Group, used map[int64]bool) *store.Group {
	limit := lg.CreatedAt*1000 + s.CreateSlack.Milliseconds()
	for _, g := range pending {
		if !used[g.ID] && g.Subject == lg.Subject && (lg.CreatedAt == 0 || g.CreatedAt <= limit) {
			return g
		}
	}
	return nil
}

func (s *Syncer) adopt(ctx context.Context, g *store.Group, lg whatsapp.GroupSummary, rep *Report, byUser int64) error {
	at := s.now().UnixMilli()
	d, err := s.details(ctx, lg, rep)
	if err != nil {
		return err
	}
	adopted := false
	touched, err := s.appeared(ctx, lg.ID, func(t *store.Tx) (err error) {
		adopted, err = t.AdoptCreate(g.ID, d, at, adoptDetail)
		if err != nil || !adopted {
			return err
		}
		return t.Audit(store.AuditEntry{UserID: byUser, Action: store.AuditSyncDrift, GroupID: g.ID, Detail: adoptDetail})
	})
	if err != nil {
		return err
	}
	if !adopted {
		return nil
	}
	rep.Adopted++
	rep.Drifts = append(rep.Drifts, Drift{GroupID: g.ID, Subject: g.Subject, Detail: adoptDetail})
	s.Notify.GroupsChanged(append(touched, g.ID)...)
	return nil
}

// details reads what the app keeps about a group: its info with the
// participants, then its invite link, with no transaction open.
func (s *Syncer) details(ctx context.Context, lg whatsapp.GroupSummary, rep *Report) (store.RemoteDetails, error) {
	var info *whatsapp.GroupInfo
	err := s.call(ctx, rep, func() (err error) {
		info, err = s.WA.GroupInfo(ctx, lg.ID, "subject", "description", "join_approval_mode",
			"suspended", "creation_timestamp", "participants")
		return err
	})
	if isGone(err) {
		return store.RemoteDetails{}, errGone
	}
	if err != nil {
		return store.RemoteDetails{}, err
	}
	var link string
	err = s.call(ctx, rep, func() (err error) {
		link, err = s.WA.InviteLink(ctx, lg.ID)
		return err
	})
	if isGone(err) {
		return store.RemoteDetails{}, errGone
	}
	if err != nil {
		return store.RemoteDetails{}, err
	}
	d := store.RemoteDetails{WaGroupID: lg.ID, Subject: info.Subject, Description: info.Description,
		Mode: info.JoinApprovalMode, Suspended: info.Suspended, InviteLink: link}
	if d.Subject == "" {
		d.Subject = lg.Subject
	}
	switch {
	case info.CreationTimestamp > 0:
		d.CreatedAt = info.CreationTimestamp * 1000
	case lg.CreatedAt > 0:
		d.CreatedAt = lg.CreatedAt * 1000
	}
	for _, p := range info.Participants {
		d.Members = append(d.Members, store.Member{WaID: p.WaID, UserID: p.UserID, Username: p.Username})
	}
	return d, nil
}

// appeared records a group in one transaction together with the webhook
// changes that waited for it.
func (s *Syncer) appeared(ctx context.Context, waGroupID string, record func(*store.Tx) error) ([]int64, error) {
	if s.Resume != nil {
		return s.Resume.GroupAppeared(ctx, waGroupID, record)
	}
	return s.Store.WithTx(ctx, record)
}
