// Package reconcile compares the app's groups with the Cloud API and heals
// drift that webhooks missed: people who joined or left unseen, groups
// deleted elsewhere, subject and suspension changes, creates whose webhook
// never came, and groups made outside groupdeck. It runs on an
// interval and on demand ("Sync now"); API calls happen outside any
// database transaction, and each group is then healed in its own.
package reconcile

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"groupdeck/clock"
	"groupdeck/store"
	"groupdeck/whatsapp"
)

// API is the part of the Cloud API client reconciliation reads.
type API interface {
	ListGroups(ctx context.Context, o whatsapp.ListGroupsOptions) (*whatsapp.GroupPage, error)
	GroupInfo(ctx context.Context, groupID string, fields ...string) (*whatsapp.GroupInfo, error)
	JoinRequests(ctx context.Context, groupID string, o whatsapp.ListGroupsOptions) ([]whatsapp.JoinRequest, string, error)
	InviteLink(ctx context.Context, groupID string) (string, error)
}

// Resumer records a group that appeared outside a webhook and applies
// the webhook changes that waited for it (ingest.Ingester).
type Resumer interface {
	GroupAppeared(ctx context.Context, waGroupID string, record func(*store.Tx) error) ([]int64, error)
}

// Drift is one difference found and healed.
type Drift struct {
	GroupID int64
	Subject string
	Detail  string
}

// Report says what one sync run did.
type Report struct {
	Started  time.Time
	Finished time.Time
	Checked  int
	Unknown  int // active on WhatsApp, unknown to the app when the run began
	Adopted  int // of those, creates whose webhook never arrived
	Imported int // of those, groups made outside groupdeck, now imported
	// RateWaits counts pauses for WhatsApp's group-operation rate limit.
	RateWaits int
	Drifts    []Drift
	Errors    []string
	// Guard says why deletions were held back (empty when none were);
	// Held lists the groups WhatsApp called unknown that stay as they are.
	Guard string
	Held  []Drift
}

// Syncer runs reconciliation.
type Syncer struct {
	Store    *store.Store
	WA       API
	Log      *slog.Logger
	Interval time.Duration // 0 disables the background run
	// Notify is told which groups changed, after each commit.
	Notify Notifier
	// Resume applies webhook changes that waited for an adopted or
	// imported group; nil records the group without them.
	Resume Resumer
	// StaleCreate is how long a group may stay "creating" before a sync
	// whose listing was complete and showed no group for it marks it failed.
	StaleCreate time.Duration
	// CreateSlack allows for clocks: a local create may be adopted by a
	// listed group created up to this long before it.
	CreateSlack time.Duration
	// RateWait is the pause after a rate limit the client's own retries
	// did not get past; MaxRateWaits bounds the pauses in one run.
	RateWait     time.Duration
	MaxRateWaits int
	// GuardMin and GuardPercent bound how many active groups one run may
	// mark deleted: more than GuardMin and more than GuardPercent % of
	// them answering "unknown" looks like a wrong number id or token, or
	// an outage, so the run holds every such deletion for an admin.
	GuardMin     int
	GuardPercent int
	mu           sync.Mutex // one run at a time
	now          func() time.Time
	sleep        func(ctx context.Context, d time.Duration) error
}

// Notifier is told which groups a sync changed.
type Notifier interface {
	GroupsChanged(ids ...int64)
}

type tellNoOne struct{}

func (tellNoOne) GroupsChanged(...int64) {}

// New returns a Syncer; a nil notify tells no one.
func New(st *store.Store, wa API, log *slog.Logger, interval time.Duration, notify Notifier) *Syncer {
	if notify == nil {
		notify = tellNoOne{}
	}
	return &Syncer{Store: st, WA: wa, Log: log, Interval: interval, Notify: notify,
		StaleCreate: 10 * time.Minute, CreateSlack: 5 * time.Minute, RateWait: time.Minute, MaxRateWaits: 30,
		GuardMin: 3, GuardPercent: 10, now: time.Now, sleep: clock.Sleep}
}

// Run syncs every Interval until ctx ends; it returns at once when the
// interval is zero.
func (s *Syncer) Run(ctx context.Context) {
	if s.Interval <= 0 {
		return
	}
	tick := time.NewTicker(s.Interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			rep, err := s.Sync(ctx, 0)
			if err != nil {
				if ctx.Err() == nil {
					s.Log.Error("sync failed", "err", err)
				}
				continue
			}
			s.Log.Info("sync done", "checked", rep.Checked, "drifts", len(rep.Drifts), "errors", len(rep.Errors), "held", len(rep.Held))
		}
	}
}

// Sync compares every live group with the API and heals drift. byUser is
// the staff member who asked (0 for the background run); every drift is
// audit-logged under that name.
func (s *Syncer) Sync(ctx context.Context, byUser int64) (*Report, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rep := &Report{Started: s.now()}
	active, err := s.listActive(ctx, rep)
	if err != nil {
		return nil, fmt.Errorf("reconcile: list groups: %w", err)
	}
	known, err := s.Store.KnownWaGroupIDs(ctx)
	if err != nil {
		return nil, err
	}
	targets, err := s.Store.SyncTargets(ctx)
	if err != nil {
		return nil, err
	}
	activeHere := 0
	for _, g := range targets {
		if g.Status == store.GroupActive {
			activeHere++
		}
	}
	var gone []goneGroup
	for _, g := range targets {
		if err := s.syncGroup(ctx, g, rep, byUser, &gone); err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			rep.Errors = append(rep.Errors, fmt.Sprintf("%s: %s", g.Subject, whatsapp.Human(err)))
			s.Log.Warn("sync group failed", "group_id", g.ID, "err", err)
		}
	}
	// A listing that is suddenly empty is not trusted either: it would
	// mark every pending create failed.
	listingEmpty := len(active) == 0 && activeHere > 0
	trusted, err := s.settleGone(ctx, gone, activeHere, listingEmpty, rep, byUser)
	if err != nil {
		return nil, err
	}
	var unknown []whatsapp.GroupSummary
	for id, g := range active {
		if !known[id] {
			unknown = append(unknown, g)
		}
	}
	rep.Unknown = len(unknown)
	// The listing is complete here (a page that failed ended the run), so
	// a create missing from it really has no group on WhatsApp.
	unknown, err = s.adoptCreates(ctx, unknown, rep, byUser, trusted)
	if err != nil {
		return nil, err
	}
	if err := s.importGroups(ctx, unknown, rep, byUser); err != nil {
		return nil, err
	}
	rep.Finished = s.now()
	return rep, nil
}

// listActive reads every page of the number's active groups. A page that
// fails fails the listing, so a listing returned is complete.
func (s *Syncer) listActive(ctx context.Context, rep *Report) (map[string]whatsapp.GroupSummary, error) {
	out := map[string]whatsapp.GroupSummary{}
	opt := whatsapp.ListGroupsOptions{Limit: 100}
	for page := 0; page < 10000; page++ {
		var p *whatsapp.GroupPage
		err := s.call(ctx, rep, func() (err error) {
			p, err = s.WA.ListGroups(ctx, opt)
			return err
		})
		if err != nil {
			return nil, err
		}
		for _, g := range p.Groups {
			out[g.ID] = g
		}
		if !p.HasNext || p.After == "" {
			return out, nil
		}
		opt.After = p.After
	}
	return out, errors.New("reconcile: too many pages")
}

// syncGroup reads one group and heals it. An active group WhatsApp calls
// unknown is only noted in gone: settleGone decides after the whole run.
func (s *Syncer) syncGroup(ctx context.Context, g *store.Group, rep *Report, byUser int64, gone *[]goneGroup) error {
	at := s.now().UnixMilli()
	var remote store.RemoteGroup
	var info *whatsapp.GroupInfo
	err := s.call(ctx, rep, func() (err error) {
		info, err = s.WA.GroupInfo(ctx, g.WaGroupID, "subject", "participants", "suspended")
		return err
	})
	switch {
	case isGone(err) && g.Status == store.GroupActive:
		rep.Checked++
		*gone = append(*gone, goneGroup{g: g, at: at})
		return nil
	case isGone(err): // a delete we asked for whose webhook never came
		remote.Deleted = true
	case err != nil:
		return err
	default:
		remote.Subject, remote.Suspended = info.Subject, info.Suspended
		for _, p := range info.Participants {
			remote.Members = append(remote.Members, store.Member{WaID: p.WaID, UserID: p.UserID, Username: p.Username})
		}
	}
	rep.Checked++
	return s.heal(ctx, g, remote, at, rep, byUser)
}

// heal applies what WhatsApp reported for one group and records each
// drift in the report; the store audit-logs each with the heal.
func (s *Syncer) heal(ctx context.Context, g *store.Group, remote store.RemoteGroup, at int64, rep *Report, byUser int64) error {
	drifts, touched, err := s.Store.Reconcile(ctx, g.ID, remote, at, byUser)
	if err != nil {
		return err
	}
	if !remote.Deleted && g.JoinApprovalMode == "approval_required" {
		more, err := s.syncRequests(ctx, g)
		if err != nil {
			return err
		}
		for _, d := range more {
			// SyncJoinRequests commits before the drift is known; its
			// audit row follows on its own.
			if err := s.Store.Audit(ctx, store.AuditEntry{UserID: byUser, Action: store.AuditSyncDrift, GroupID: g.ID, Detail: d}); err != nil {
				return err
			}
		}
		drifts = append(drifts, more...)
	}
	for _, d := range drifts {
		rep.Drifts = append(rep.Drifts, Drift{GroupID: g.ID, Subject: g.Subject, Detail: d})
	}
	s.Notify.GroupsChanged(touched...)
	return nil
}

// isGone reports an API answer meaning the group no longer exists.
func isGone(err error) bool {
	var ae *whatsapp.APIError
	if !errors.As(err, &ae) {
		return false
	}
	return ae.Code == whatsapp.CodeGroupUnknown ||
		(ae.Code == whatsapp.CodeInvalidParameter && ae.Subcode == whatsapp.SubcodeObjectDoesNotExist)
}

// syncRequests makes the group's pending join requests match WhatsApp's
// list and describes what differed.
func (s *Syncer) syncRequests(ctx context.Context, g *store.Group) ([]string, error) {
	var list []store.PendingFromAPI
	remote := map[string]bool{}
	after := ""
	for page := 0; page < 1000; page++ {
		rs, next, err := s.WA.JoinRequests(ctx, g.WaGroupID, whatsapp.ListGroupsOptions{Limit: 100, After: after})
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			remote[r.ID] = true
			list = append(list, store.PendingFromAPI{JoinRequestID: r.ID, WaID: r.WaID, UserID: r.UserID, CreatedAt: r.CreatedAt * 1000})
		}
		if next == "" {
			break
		}
		after = next
	}
	before, _, err := s.Store.PendingJoinRequests(ctx, g.ID, 10000)
	if err != nil {
		return nil, err
	}
	local := map[string]bool{}
	for _, r := range before {
		local[r.JoinRequestID] = true
	}
	added, gone := 0, 0
	for id := range remote {
		if !local[id] {
			added++
		}
	}
	for id := range local {
		if !remote[id] {
			gone++
		}
	}
	if added == 0 && gone == 0 {
		return nil, nil
	}
	if err := s.Store.SyncJoinRequests(ctx, g.ID, list); err != nil {
		return nil, err
	}
	var drifts []string
	if added > 0 {
		drifts = append(drifts, fmt.Sprintf("%d join requests pending on WhatsApp were missing here; added", added))
	}
	if gone > 0 {
		drifts = append(drifts, fmt.Sprintf("%d join requests are no longer pending on WhatsApp; closed", gone))
	}
	for _, d := range drifts {
		if err := s.Store.RecordActivity(ctx, g.ID, store.ActDrift, "", d); err != nil {
			return nil, err
		}
	}
	return drifts, nil
}
