package jobs

// Kind names what a job does; it picks the job's Runner. The values are
// stored with every job, so they never change.
type Kind string

// Every job kind.
const (
	// KindBroadcast sends one message to many groups.
	KindBroadcast Kind = "broadcast"
	// KindGroupsCreate creates one group per item.
	KindGroupsCreate Kind = "groups.create"
	// KindCampaignInvites sends a campaign's invite template, one phone
	// number per item.
	KindCampaignInvites Kind = "campaign_invites"
)
