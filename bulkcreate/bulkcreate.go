// Package bulkcreate runs the job that creates many groups, one per item.
package bulkcreate

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"groupdeck/jobs"
	"groupdeck/store"
	"groupdeck/whatsapp"
)

// Params are the settings every group of a bulk create shares.
type Params struct {
	Description      string `json:"description"`
	JoinApprovalMode string `json:"join_approval_mode"`
}

// Store is the part of the store a bulk create uses.
type Store interface {
	CreateGroup(ctx context.Context, g *store.Group) error
	DiscardUnsentGroup(ctx context.Context, id int64) error
}

// WhatsApp is the part of the Cloud API client a bulk create uses.
type WhatsApp interface {
	CreateGroup(ctx context.Context, r whatsapp.CreateGroupRequest) (string, error)
}

// Ingest records the create request, applying webhooks that came first.
type Ingest interface {
	GroupRequested(ctx context.Context, groupID int64, requestID string) ([]int64, error)
}

// GroupsNotifier is told which groups were created or changed.
type GroupsNotifier interface {
	GroupsChanged(ids ...int64)
}

// Creator runs jobs.KindGroupsCreate.
type Creator struct {
	Store  Store
	WA     WhatsApp
	Ingest Ingest
	Notify GroupsNotifier

	mu     sync.Mutex
	capped map[int64]bool // jobs that hit the group cap: their other items are not tried
}

// RunItem stores the group, then asks WhatsApp to create it. A refused
// call removes the row again, so retries and failures leave no phantom
// group; the item shows the reason.
func (b *Creator) RunItem(ctx context.Context, job *store.Job, item *store.JobItem) (string, error) {
	b.mu.Lock()
	capped := b.capped[job.ID]
	b.mu.Unlock()
	if capped {
		return "", jobs.Skip(fmt.Sprintf("Not tried: this number reached its limit of groups (%d).", whatsapp.CodeGroupCreateLimit))
	}
	var p Params
	_ = json.Unmarshal(job.Params, &p)
	g := &store.Group{Subject: item.Input, Description: p.Description, JoinApprovalMode: p.JoinApprovalMode, CreatedBy: job.CreatedBy}
	if err := b.Store.CreateGroup(ctx, g); err != nil {
		return "", err
	}
	reqID, err := b.WA.CreateGroup(ctx, whatsapp.CreateGroupRequest{Subject: g.Subject, Description: g.Description, JoinApprovalMode: g.JoinApprovalMode})
	if err != nil {
		if derr := b.Store.DiscardUnsentGroup(ctx, g.ID); derr != nil {
			return "", derr
		}
		if wait, ok := whatsapp.RateLimitWait(err); ok {
			return "", jobs.Retry(cmp.Or(wait, whatsapp.DefaultRateWait), errors.New(whatsapp.Human(err)))
		}
		var a *whatsapp.APIError
		if errors.As(err, &a) && a.Code == whatsapp.CodeGroupCreateLimit {
			b.mu.Lock()
			if b.capped == nil {
				b.capped = map[int64]bool{}
			}
			b.capped[job.ID] = true
			b.mu.Unlock()
		}
		return "", errors.New(whatsapp.Human(err))
	}
	touched, err := b.Ingest.GroupRequested(ctx, g.ID, reqID)
	if err != nil {
		return "", err
	}
	b.Notify.GroupsChanged(append(touched, g.ID)...)
	return requested + strconv.FormatInt(g.ID, 10), nil
}

// requested starts a done item's result; the group's id follows.
const requested = "Requested as group "

// GroupOf returns the group a done item's result names, so its progress
// page can link each row to its group and show its status.
func GroupOf(result string) (int64, bool) {
	rest, ok := strings.CutPrefix(result, requested)
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(rest, 10, 64)
	return id, err == nil
}
