package store

import (
	"database/sql"
	"errors"
	"fmt"
)

// Queries that decide whether an outgoing webhook event happened; they
// run only when an endpoint subscribes to that event.

// JoinCredit is the campaign a join is credited to when it happens.
type JoinCredit struct {
	ID    int64
	Name  string
	Match string // "invite" (their number got the campaign's invite) or "link" (a recent visit)
}

// Join-time crediting mirrors the campaign report (campaigns/attribution.go):
// the invite sent to their number, else the latest visit of a campaign
// link to the same group in the 30 minutes before. The report recomputes
// over all arrivals and may settle a close call differently.
const (
	creditSlack  = 2 * 1000
	creditWindow = 30 * 60 * 1000
)

// CampaignForJoin finds the campaign to credit for someone joining group
// id at at.
func (t *Tx) CampaignForJoin(groupID int64, waID string, at int64) (JoinCredit, bool, error) {
	var c JoinCredit
	err := t.queryRow(`SELECT c.id, c.name FROM invite_sends s JOIN campaigns c ON c.id = s.campaign_id
		WHERE s.phone = ? AND s.group_id = ? AND s.sent_at > 0 AND s.wamid <> '' AND s.sent_at <= ?
		ORDER BY s.sent_at DESC LIMIT 1`, waID, groupID, at+creditSlack).Scan(&c.ID, &c.Name)
	if err == nil {
		c.Match = "invite"
		return c, true, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return c, false, fmt.Errorf("store: campaign for join: %w", err)
	}
	err = t.queryRow(`SELECT c.id, c.name FROM campaign_visits v JOIN campaigns c ON c.id = v.campaign_id
		WHERE v.group_id = ? AND v.outcome = 'redirected' AND v.device <> 'bot' AND v.at BETWEEN ? AND ?
		ORDER BY v.at DESC, v.id DESC LIMIT 1`, groupID, at-creditWindow, at+creditSlack).Scan(&c.ID, &c.Name)
	if errors.Is(err, sql.ErrNoRows) {
		return c, false, nil
	}
	if err != nil {
		return c, false, fmt.Errorf("store: campaign for join: %w", err)
	}
	c.Match = "link"
	return c, true, nil
}

// ReadAll describes an outgoing message every current member has read.
type ReadAll struct {
	GroupID   int64
	WaGroupID string
	MessageID int64
	Members   int
}

// ReadByAll reports whether every current member of its group has read
// the outgoing message wamid (a group with no members does not count).
func (t *Tx) ReadByAll(wamid string) (ReadAll, bool, error) {
	var r ReadAll
	var unread int
	err := t.queryRow(`SELECT m.id, m.group_id, coalesce(g.wa_group_id, ''),
			(SELECT count(*) FROM participants p WHERE p.group_id = m.group_id AND p.state = 'member'),
			(SELECT count(*) FROM participants p WHERE p.group_id = m.group_id AND p.state = 'member'
				AND NOT EXISTS (SELECT 1 FROM receipts r WHERE r.wamid = m.wamid AND r.read_at > 0
					AND r.participant IN (p.member_key, nullif(p.wa_id, ''), nullif(p.user_id, ''))))
		FROM messages m JOIN groups g ON g.id = m.group_id WHERE m.wamid = ? AND m.direction = 'out'`,
		wamid).Scan(&r.MessageID, &r.GroupID, &r.WaGroupID, &r.Members, &unread)
	if errors.Is(err, sql.ErrNoRows) {
		return r, false, nil
	}
	if err != nil {
		return r, false, fmt.Errorf("store: read by all: %w", err)
	}
	return r, r.Members > 0 && unread == 0, nil
}
