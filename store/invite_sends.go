package store

import (
	"context"
	"errors"
	"fmt"
)

// Invite send states.
const (
	InvitePending = "pending"
	InviteSending = "sending"
	InviteSent    = "sent"
	InviteFailed  = "failed"
	InviteSkipped = "skipped"
)

// InviteSend is one invite-link template sent 1:1 to a phone number for a
// campaign, with what the status webhooks said about it.
type InviteSend struct {
	ID         int64
	CampaignID int64
	JobID      int64
	Phone      string // E.164 digits without "+", the way wa_id is written
	GroupID    int64
	State      string
	WAMID      string
	Error      string
	SentAt     int64
	CreatedAt  int64
	// From the receipts table (1:1 statuses are stored with participant "").
	DeliveredAt int64
	ReadAt      int64
	Failure     string
}

// Status is the furthest state the recipient reached, in words.
func (i *InviteSend) Status() string {
	switch {
	case i.Failure != "" || i.State == InviteFailed:
		return "failed"
	case i.ReadAt > 0:
		return "read"
	case i.DeliveredAt > 0:
		return "delivered"
	case i.State == InviteSent:
		return "sent"
	}
	return i.State
}

// Reason is why the send failed, if it did.
func (i *InviteSend) Reason() string {
	if i.Error != "" {
		return i.Error
	}
	return i.Failure
}

// ClaimInviteSend returns the send row of one job item, creating it as
// pending. The caller decides what to do from its state: a row already
// "sending" was interrupted mid-call and must not be sent again.
func (s *Store) ClaimInviteSend(ctx context.Context, campaignID, jobID int64, phone string) (*InviteSend, error) {
	var in InviteSend
	err := s.write(ctx, func(t *Tx) error {
		if _, err := t.exec(`INSERT INTO invite_sends (campaign_id, job_id, phone, state, created_at)
			VALUES (?, ?, ?, 'pending', ?) ON CONFLICT (job_id, phone) DO NOTHING`, campaignID, jobID, phone, t.now); err != nil {
			return err
		}
		return t.queryRow(`SELECT id, campaign_id, job_id, phone, coalesce(group_id, 0), state, wamid, error, sent_at, created_at
			FROM invite_sends WHERE job_id = ? AND phone = ?`, jobID, phone).Scan(&in.ID, &in.CampaignID, &in.JobID, &in.Phone,
			&in.GroupID, &in.State, &in.WAMID, &in.Error, &in.SentAt, &in.CreatedAt)
	})
	if err != nil {
		return nil, fmt.Errorf("store: claim invite send: %w", err)
	}
	return &in, nil
}

// MarkInviteSending records, before the API call, that the send is in
// flight and to which group; it fails if another worker got there first.
func (s *Store) MarkInviteSending(ctx context.Context, id, groupID int64) error {
	res, err := s.exec(ctx, `UPDATE invite_sends SET state = 'sending', group_id = ? WHERE id = ? AND state = 'pending'`, groupID, id)
	if err != nil {
		return fmt.Errorf("store: mark invite sending: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errors.New("store: invite send is not pending")
	}
	return nil
}

// FinishInviteSend records the outcome of a send: state is sent (with the
// message id), failed (with the reason), skipped, or back to pending after
// a rate limit.
func (s *Store) FinishInviteSend(ctx context.Context, id int64, state, wamid, reason string) error {
	sentAt := int64(0)
	if state == InviteSent {
		sentAt = s.now()
	}
	_, err := s.exec(ctx, `UPDATE invite_sends SET state = ?, wamid = ?, error = ?, sent_at = ? WHERE id = ?`,
		state, wamid, reason, sentAt, id)
	if err != nil {
		return fmt.Errorf("store: finish invite send: %w", err)
	}
	return nil
}

// InviteSends lists a campaign's invite sends (all campaigns when 0),
// oldest first, with their delivery and read times.
func (s *Store) InviteSends(ctx context.Context, campaignID int64) ([]InviteSend, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT i.id, i.campaign_id, i.job_id, i.phone, coalesce(i.group_id, 0), i.state, i.wamid,
			i.error, i.sent_at, i.created_at,
			coalesce(r.delivered_at, 0), coalesce(r.read_at, 0), coalesce(r.failed, '')
		FROM invite_sends i LEFT JOIN receipts r ON i.wamid <> '' AND r.wamid = i.wamid AND r.participant = ''
		WHERE ?1 = 0 OR i.campaign_id = ?1 ORDER BY i.id`, campaignID)
	if err != nil {
		return nil, fmt.Errorf("store: invite sends: %w", err)
	}
	defer rows.Close()
	var out []InviteSend
	for rows.Next() {
		var in InviteSend
		if err := rows.Scan(&in.ID, &in.CampaignID, &in.JobID, &in.Phone, &in.GroupID, &in.State, &in.WAMID,
			&in.Error, &in.SentAt, &in.CreatedAt, &in.DeliveredAt, &in.ReadAt, &in.Failure); err != nil {
			return nil, fmt.Errorf("store: invite sends: %w", err)
		}
		out = append(out, in)
	}
	return out, rows.Err()
}
