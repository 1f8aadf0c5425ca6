package campaigns

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"golang.org/x/time/rate"

	"groupdeck/jobs"
	"groupdeck/store"
	"groupdeck/whatsapp"
)

// InviteParams are an invite job's settings.
type InviteParams struct {
	CampaignID int64 `json:"campaign_id"`
	// Template and Language name the invite template picked for this
	// send; empty: the Inviter's configured one.
	Template string `json:"template,omitempty"`
	Language string `json:"language,omitempty"`
}

// InviteSender is the part of the Cloud API client invite sends need.
type InviteSender interface {
	SendInviteTemplate(ctx context.Context, to string, t whatsapp.Template, groupID string) (*whatsapp.SendResult, error)
}

// Inviter sends the group-invite-link template, one job item per phone
// number. Every send is recorded as in flight before the API call, so a
// crash never sends twice: an item found in flight after a restart fails
// with an explanation instead of being sent again.
type Inviter struct {
	Store    *store.Store
	WA       InviteSender
	Template whatsapp.Template
	// Limit paces sends under the number's throughput cap.
	Limit *rate.Limiter
	// Notify is told about each recorded send (to refresh campaign pages);
	// nil tells no one.
	Notify CampaignsNotifier
	// NoGroup is called when a pool has no free place (to wake the keeper).
	NoGroup func()
}

// CampaignsNotifier is told when a campaign's invite statuses changed.
type CampaignsNotifier interface {
	CampaignsChanged()
}

// DefaultRate stays well under the default 80 messages/s per number.
const DefaultRate = 20

// Repeatable lets the jobs framework hand interrupted items back to
// RunItem, which knows from the stored send whether the API was called.
func (r *Inviter) Repeatable() bool { return true }

// ErrInterrupted explains an invite whose send was cut off by a restart.
var ErrInterrupted = errors.New("The server stopped while this invite was being sent; it may or may not have arrived, so it was not sent again.")

// RunItem sends one invite.
func (r *Inviter) RunItem(ctx context.Context, job *store.Job, item *store.JobItem) (string, error) {
	var p InviteParams
	if err := json.Unmarshal(job.Params, &p); err != nil || p.CampaignID == 0 {
		return "", errors.New("This job has no campaign.")
	}
	send, err := r.Store.ClaimInviteSend(ctx, p.CampaignID, job.ID, item.Input)
	if err != nil {
		return "", err
	}
	switch send.State {
	case store.InviteSent:
		return "Sent", nil
	case store.InviteFailed:
		return "", errors.New(send.Error)
	case store.InviteSkipped:
		return "", jobs.Skip(send.Error)
	case store.InviteSending:
		_ = r.Store.FinishInviteSend(ctx, send.ID, store.InviteFailed, "", ErrInterrupted.Error())
		r.changed()
		return "", ErrInterrupted
	}
	c, err := r.Store.CampaignByID(ctx, p.CampaignID)
	if err != nil {
		return "", r.fail(ctx, send, "The campaign no longer exists.")
	}
	g, err := r.pickGroup(ctx, c)
	if err != nil {
		return "", err
	}
	if g == nil {
		if r.NoGroup != nil {
			r.NoGroup()
		}
		return "", jobs.Retry(30*time.Second, errors.New("No group of the campaign has a free place yet; a new one is being made"))
	}
	member, err := r.Store.IsMember(ctx, g.ID, send.Phone)
	if err != nil {
		return "", err
	}
	if member {
		const why = "Already in the group."
		_ = r.Store.FinishInviteSend(ctx, send.ID, store.InviteSkipped, "", why)
		return "", jobs.Skip(why)
	}
	if r.Limit != nil {
		if err := r.Limit.Wait(ctx); err != nil {
			return "", err
		}
	}
	if err := r.Store.MarkInviteSending(ctx, send.ID, g.ID); err != nil {
		return "", err
	}
	tpl := r.Template
	if p.Template != "" {
		tpl = whatsapp.Template{Name: p.Template, Language: p.Language}
	}
	to := "+" + send.Phone
	if whatsapp.IsBSUID(send.Phone) {
		to = send.Phone // sent in "recipient": the person shares no number
	}
	// Tagged like every send, so its statuses name the invite exactly.
	tagged := whatsapp.WithCallbackData(ctx, "groupdeck:invite:"+strconv.FormatInt(send.ID, 10))
	res, err := r.WA.SendInviteTemplate(tagged, to, tpl, g.WaGroupID)
	if err != nil {
		if after, ok := notSent(err); ok {
			// WhatsApp refused before sending: safe to send again later.
			_ = r.Store.FinishInviteSend(ctx, send.ID, store.InvitePending, "", "")
			return "", jobs.Retry(after, errors.New(whatsapp.Human(err)))
		}
		return "", r.fail(ctx, send, whatsapp.Human(err))
	}
	if err := r.Store.FinishInviteSend(ctx, send.ID, store.InviteSent, res.MessageID, ""); err != nil {
		return "", err
	}
	r.changed()
	return "Sent to " + g.Subject, nil
}

func (r *Inviter) fail(ctx context.Context, send *store.InviteSend, reason string) error {
	if err := r.Store.FinishInviteSend(ctx, send.ID, store.InviteFailed, "", reason); err != nil {
		return err
	}
	r.changed()
	return errors.New(reason)
}

func (r *Inviter) changed() {
	if r.Notify != nil {
		r.Notify.CampaignsChanged()
	}
}

// pickGroup is the campaign's group, or the pool group with the most
// free places; nil when none can take anyone.
func (r *Inviter) pickGroup(ctx context.Context, c *store.Campaign) (*store.Group, error) {
	if c.PoolID == 0 {
		g, err := r.Store.GroupByID(ctx, c.GroupID)
		if errors.Is(err, store.ErrNotFound) || c.GroupID == 0 {
			return nil, errors.New("The campaign's group no longer exists.")
		}
		if err != nil {
			return nil, err
		}
		if g.Status != store.GroupActive || g.WaGroupID == "" {
			return nil, fmt.Errorf("The group %q is not active, so nobody can be invited to it.", g.Subject)
		}
		return g, nil
	}
	pgs, err := r.Store.PoolGroups(ctx, c.PoolID)
	if err != nil {
		return nil, err
	}
	var best *store.PoolGroup
	for i := range pgs {
		pg := &pgs[i]
		if pg.Group.Status == store.GroupActive && pg.Group.WaGroupID != "" && !pg.Group.Suspended && pg.Free > 0 &&
			(best == nil || pg.Free > best.Free) {
			best = pg
		}
	}
	if best == nil {
		return nil, nil
	}
	return best.Group, nil
}

// notSent reports whether an API error means the message was certainly
// not sent and may be retried, and after how long: the pair rate limit
// (one message per 6 s to the same person), the throughput cap and its
// upgrade window, the account's call limit, and HTTP 429.
func notSent(err error) (time.Duration, bool) {
	var ae *whatsapp.APIError
	if !errors.As(err, &ae) {
		return 0, false
	}
	after := ae.RetryAfter
	switch {
	case ae.Code == whatsapp.CodePairRateLimit:
		after = max(after, 6*time.Second)
	case ae.Code == whatsapp.CodeThroughputLimit || ae.Code == whatsapp.CodeMaintenanceMode ||
		ae.Code == whatsapp.CodeAccountRateLimit || ae.HTTPStatus == http.StatusTooManyRequests:
		after = max(after, 2*time.Second)
	default:
		return 0, false
	}
	return after, true
}
