package views

import (
	"fmt"
	"time"

	"groupdeck/whatsapp"

	"groupdeck/campaigns"
	"groupdeck/store"
)

// CampaignRow is a campaign with its funnel, for lists.
type CampaignRow struct {
	Campaign *store.Campaign
	Funnel   campaigns.Funnel
}

// CampaignsView is the campaigns index.
type CampaignsView struct {
	Rows    []CampaignRow
	Pools   []*store.Pool
	Groups  []*store.Group // targets offered in the form
	Form    CampaignForm
	Pool    PoolForm
	CanEdit bool
	Chart   ChartView
	BaseURL string
}

// CampaignForm is the new-campaign form and its field errors.
type CampaignForm struct {
	Name    string
	Slug    string
	Target  string // "group:<id>" or "pool:<id>"
	Expires string // YYYY-MM-DD, optional
	Errors  map[string]string
}

// PoolForm is the new-pool form.
type PoolForm struct {
	Name             string
	SubjectPattern   string
	Description      string
	JoinApprovalMode string
	MinFree          string
	Errors           map[string]string
}

// Person is one arrival with the campaign credited for it.
type Person struct {
	Arrival  *campaigns.Arrival
	Campaign string // name, "" when none
	Group    string
}

// CampaignView is one campaign's page.
type CampaignView struct {
	Campaign   *store.Campaign
	Link       string // absolute /j/<slug> URL
	Funnel     campaigns.Funnel
	Devices    []store.DeviceCount
	Sends      []store.InviteSend
	People     []Person
	PoolGroups []store.PoolGroup
	Pool       *store.Pool
	Chart      ChartView
	CanEdit    bool
	Invite     InviteForm
	Now        int64
}

// InviteForm is the invite-send form with per-line results.
type InviteForm struct {
	Numbers     string
	Lines       []campaigns.PhoneLine
	SkipInvalid bool
	Error       string
	Template    string
	Language    string
	// Choices are the approved templates that can carry an invite: a body
	// whose only variable is the group's link, no media header or URL
	// button to fill.
	Choices []whatsapp.TemplateInfo
}

// InviteCapable reports whether a template can be sent as an invite: its
// body's only variable is the group_id parameter WhatsApp turns into the
// invite link, and nothing else needs filling.
func InviteCapable(t whatsapp.TemplateInfo) bool {
	if !t.Approved() || t.Named() {
		return false
	}
	fields := t.Fields()
	return len(fields) == 1 && fields[0].Key == "body.1"
}

// Invalid counts rejected lines other than duplicates.
func (f InviteForm) Invalid() int {
	n := 0
	for _, l := range f.Lines {
		if l.Err != "" && !l.Duplicate {
			n++
		}
	}
	return n
}

// ValidCount counts the numbers that would be sent to.
func (f InviteForm) ValidCount() int { return len(campaigns.Valid(f.Lines)) }

func campaignPath(id int64, suffix string) string { return fmt.Sprintf("/campaigns/%d%s", id, suffix) }

func campaignState(c *store.Campaign, now int64) (string, string) {
	switch {
	case !c.Enabled:
		return "Disabled", "badge bad"
	case c.Expired(now):
		return "Expired", "badge wait"
	}
	return "Live", "badge ok"
}

func targetText(c *store.Campaign) string {
	if c.PoolID != 0 {
		return "Pool: " + c.TargetName
	}
	if c.TargetName == "" {
		return "(group deleted)"
	}
	return c.TargetName
}

func viaText(a *campaigns.Attribution) string {
	if a == nil {
		return "No campaign matched"
	}
	if a.Via == campaigns.ViaInvite {
		return "invite sent to their number"
	}
	if a.Rivals > 0 {
		return fmt.Sprintf("link visit just before (also %d other campaign(s) in that window)", a.Rivals)
	}
	return "link visit just before"
}

func arrivalState(a *campaigns.Arrival) string {
	switch {
	case a.JoinedAt > 0 && a.LeftAt > 0:
		return "joined, then left " + when(a.LeftAt)
	case a.JoinedAt > 0:
		return "joined " + when(a.JoinedAt)
	}
	return "asked to join " + when(a.RequestedAt)
}

func camPct(part, whole int) string {
	if whole <= 0 {
		return ""
	}
	return fmt.Sprintf("%d%%", part*100/whole)
}

func deviceName(d string) string {
	switch d {
	case campaigns.DevicePhone:
		return "Phones"
	case campaigns.DeviceTablet:
		return "Tablets"
	case campaigns.DeviceDesktop:
		return "Computers"
	case campaigns.DeviceBot:
		return "Link previews and bots (not counted)"
	}
	return "Other"
}

func inviteBadge(s string) string {
	switch s {
	case "read", "delivered", "sent":
		return "badge ok"
	case "failed":
		return "badge bad"
	case "skipped":
		return "badge"
	}
	return "badge wait"
}

func camID(n int64) string { return fmt.Sprint(n) }

func camNow() int64 { return time.Now().UnixMilli() }

// ISOTime formats a Unix-ms time as RFC 3339 in UTC (for exports).
func ISOTime(ms int64) string { return isoTime(ms) }
