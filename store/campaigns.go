package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// ErrSlugTaken is returned when a campaign link's slug is already used.
var ErrSlugTaken = errors.New("store: slug taken")

// Campaign is one named, tracked link (/j/<slug>) to a group or a pool.
type Campaign struct {
	ID        int64
	Name      string
	Slug      string
	GroupID   int64 // target group, or 0 when PoolID is set
	PoolID    int64
	Enabled   bool
	ExpiresAt int64 // 0 = never
	CreatedBy int64
	CreatedAt int64
	UpdatedAt int64
	// Filled by the list queries.
	TargetName string
}

// Expired reports whether the link has passed its end time at now (Unix ms).
func (c *Campaign) Expired(now int64) bool { return c.ExpiresAt > 0 && now >= c.ExpiresAt }

const campaignCols = `c.id, c.name, c.slug, coalesce(c.group_id, 0), coalesce(c.pool_id, 0), c.enabled, c.expires_at,
	coalesce(c.created_by, 0), c.created_at, c.updated_at,
	coalesce((SELECT subject FROM groups WHERE id = c.group_id), (SELECT name FROM pools WHERE id = c.pool_id), '')`

func scanCampaign(row interface{ Scan(...any) error }) (*Campaign, error) {
	var c Campaign
	err := row.Scan(&c.ID, &c.Name, &c.Slug, &c.GroupID, &c.PoolID, &c.Enabled, &c.ExpiresAt,
		&c.CreatedBy, &c.CreatedAt, &c.UpdatedAt, &c.TargetName)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	return &c, err
}

// CreateCampaign runs (*Tx).CreateCampaign in a transaction of its own.
func (s *Store) CreateCampaign(ctx context.Context, c *Campaign) error {
	return s.write(ctx, func(t *Tx) error { return t.CreateCampaign(c) })
}

// CreateCampaign stores a new campaign link.
func (t *Tx) CreateCampaign(c *Campaign) error {
	now := t.now
	c.CreatedAt, c.UpdatedAt = now, now
	res, err := t.exec(`INSERT INTO campaigns
		(name, slug, group_id, pool_id, enabled, expires_at, created_by, created_at, updated_at)
		VALUES (?, ?, nullif(?, 0), nullif(?, 0), ?, ?, nullif(?, 0), ?, ?)`,
		c.Name, c.Slug, c.GroupID, c.PoolID, c.Enabled, c.ExpiresAt, c.CreatedBy, now, now)
	if isUnique(err) {
		return ErrSlugTaken
	}
	if err != nil {
		return fmt.Errorf("store: create campaign: %w", err)
	}
	c.ID, _ = res.LastInsertId()
	return nil
}

// CampaignByID returns one campaign.
func (s *Store) CampaignByID(ctx context.Context, id int64) (*Campaign, error) {
	return s.campaignWhere(ctx, `c.id = ?`, id)
}

// CampaignBySlug returns the campaign a public link names.
func (s *Store) CampaignBySlug(ctx context.Context, slug string) (*Campaign, error) {
	return s.campaignWhere(ctx, `c.slug = ?`, slug)
}

func (s *Store) campaignWhere(ctx context.Context, cond string, arg any) (*Campaign, error) {
	c, err := scanCampaign(s.r.QueryRowContext(ctx, `SELECT `+campaignCols+` FROM campaigns c WHERE `+cond, arg))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("store: campaign: %w", err)
	}
	return c, err
}

// Campaigns lists campaigns, newest first; groupID > 0 keeps those whose
// link leads to that group, directly or through its pool.
func (s *Store) Campaigns(ctx context.Context, groupID int64) ([]*Campaign, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+campaignCols+` FROM campaigns c
		WHERE ?1 = 0 OR c.group_id = ?1 OR c.pool_id = (SELECT pool_id FROM pool_groups WHERE group_id = ?1)
		ORDER BY c.id DESC`, groupID)
	if err != nil {
		return nil, fmt.Errorf("store: campaigns: %w", err)
	}
	defer rows.Close()
	var out []*Campaign
	for rows.Next() {
		c, err := scanCampaign(rows)
		if err != nil {
			return nil, fmt.Errorf("store: campaigns: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// SetCampaignEnabled runs (*Tx).SetCampaignEnabled in a transaction of its own.
func (s *Store) SetCampaignEnabled(ctx context.Context, id int64, enabled bool) error {
	return s.write(ctx, func(t *Tx) error { return t.SetCampaignEnabled(id, enabled) })
}

// SetCampaignEnabled turns a campaign link on or off.
func (t *Tx) SetCampaignEnabled(id int64, enabled bool) error {
	_, err := t.exec(`UPDATE campaigns SET enabled = ?, updated_at = ? WHERE id = ?`, enabled, t.now, id)
	if err != nil {
		return fmt.Errorf("store: set campaign enabled: %w", err)
	}
	return nil
}

// Visit is one anonymous visit of a campaign link.
type Visit struct {
	ID         int64
	CampaignID int64
	At         int64
	Device     string
	GroupID    int64
	Outcome    string
}

// Visit outcomes.
const (
	VisitRedirected = "redirected"
	VisitDisabled   = "disabled"
	VisitExpired    = "expired"
	VisitFull       = "full"
	VisitNoLink     = "no_link"
)

// RecordVisit stores a visit; only the time, the device class and where
// the visitor was sent are kept. A campaign keeps at most maxPerHour
// visit rows per hour; past that the visit is only counted in
// campaign_visit_counts (v.ID stays 0), so a flood of requests cannot
// grow the table without bound. maxPerHour <= 0 means no cap.
func (s *Store) RecordVisit(ctx context.Context, v *Visit, maxPerHour int) error {
	if v.At == 0 {
		v.At = s.now()
	}
	hour := v.At - v.At%3_600_000
	err := s.write(ctx, func(t *Tx) error {
		if maxPerHour > 0 {
			var n int
			if err := t.queryRow(`SELECT count(*) FROM campaign_visits WHERE campaign_id = ? AND at >= ?`,
				v.CampaignID, hour).Scan(&n); err != nil {
				return err
			}
			if n >= maxPerHour {
				_, err := t.exec(`INSERT INTO campaign_visit_counts (campaign_id, hour, device, outcome, n) VALUES (?, ?, ?, ?, 1)
					ON CONFLICT (campaign_id, hour, device, outcome) DO UPDATE SET n = n + 1`, v.CampaignID, hour, v.Device, v.Outcome)
				return err
			}
		}
		res, err := t.exec(`INSERT INTO campaign_visits (campaign_id, at, device, group_id, outcome)
			VALUES (?, ?, ?, nullif(?, 0), ?)`, v.CampaignID, v.At, v.Device, v.GroupID, v.Outcome)
		if err != nil {
			return err
		}
		v.ID, _ = res.LastInsertId()
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: record visit: %w", err)
	}
	return nil
}

// Visits returns visits of the given campaigns (all when none given) at
// or after since, oldest first.
func (s *Store) Visits(ctx context.Context, since int64, campaignIDs ...int64) ([]Visit, error) {
	q := `SELECT id, campaign_id, at, device, coalesce(group_id, 0), outcome FROM campaign_visits WHERE at >= ?`
	args := []any{since}
	if len(campaignIDs) > 0 {
		q += ` AND campaign_id IN (` + placeholders(len(campaignIDs)) + `)`
		for _, id := range campaignIDs {
			args = append(args, id)
		}
	}
	rows, err := s.r.QueryContext(ctx, q+` ORDER BY at, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: visits: %w", err)
	}
	defer rows.Close()
	var out []Visit
	for rows.Next() {
		var v Visit
		if err := rows.Scan(&v.ID, &v.CampaignID, &v.At, &v.Device, &v.GroupID, &v.Outcome); err != nil {
			return nil, fmt.Errorf("store: visits: %w", err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// DeviceCount is how many visits came from one device class.
type DeviceCount struct {
	Device string
	Count  int
}

// VisitDevices counts a campaign's visits by device class, the ones only
// counted past the row cap included.
func (s *Store) VisitDevices(ctx context.Context, campaignID int64) ([]DeviceCount, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT device, sum(n) FROM (
			SELECT device, count(*) AS n FROM campaign_visits WHERE campaign_id = ? GROUP BY device
			UNION ALL SELECT device, sum(n) FROM campaign_visit_counts WHERE campaign_id = ? GROUP BY device)
		GROUP BY device ORDER BY sum(n) DESC, device`, campaignID, campaignID)
	if err != nil {
		return nil, fmt.Errorf("store: visit devices: %w", err)
	}
	defer rows.Close()
	var out []DeviceCount
	for rows.Next() {
		var d DeviceCount
		if err := rows.Scan(&d.Device, &d.Count); err != nil {
			return nil, fmt.Errorf("store: visit devices: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

func placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	b := make([]byte, 0, 2*n)
	for i := 0; i < n; i++ {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '?')
	}
	return string(b)
}

// RecentRedirects counts, per group, visitors sent there since the given
// time: people who may be about to join and hold a place meanwhile.
func (s *Store) RecentRedirects(ctx context.Context, since int64) (map[int64]int, error) {
	return s.countsByID(ctx, "recent redirects", `SELECT group_id, count(*) FROM campaign_visits
		WHERE at >= ? AND outcome = 'redirected' AND group_id IS NOT NULL AND device <> 'bot' GROUP BY group_id`, since)
}

// countsByID runs a query of (id, count) rows into a map; what names it in
// errors.
func (s *Store) countsByID(ctx context.Context, what, query string, args ...any) (map[int64]int, error) {
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, fmt.Errorf("store: %s: %w", what, err)
		}
		out[id] = n
	}
	return out, rows.Err()
}
