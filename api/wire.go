package api

import (
	"time"

	"groupdeck/campaigns"
	"groupdeck/store"
)

// The JSON shapes of the API. Times are RFC 3339 in UTC, absent when
// unknown; ids are groupdeck's own unless named wa_*.

// Group is one WhatsApp group.
type Group struct {
	ID               int64  `json:"id"`
	WaGroupID        string `json:"wa_group_id,omitempty"`
	Subject          string `json:"subject"`
	Description      string `json:"description"`
	JoinApprovalMode string `json:"join_approval_mode"`
	Status           string `json:"status" enum:"creating,active,failed,deleting,deleted"`
	Suspended        bool   `json:"suspended"`
	InviteLink       string `json:"invite_link,omitempty"`
	Failure          string `json:"failure,omitempty"`
	ParticipantCount int    `json:"participant_count"`
	PendingRequests  int    `json:"pending_requests"`
	CreatedAt        string `json:"created_at,omitempty"`
	LastActivityAt   string `json:"last_activity_at,omitempty"`
}

func ts(ms int64) string {
	if ms <= 0 {
		return ""
	}
	return time.UnixMilli(ms).UTC().Format(time.RFC3339)
}

func toGroup(g *store.Group) Group {
	return Group{ID: g.ID, WaGroupID: g.WaGroupID, Subject: g.Subject, Description: g.Description, JoinApprovalMode: g.JoinApprovalMode,
		Status: g.Status, Suspended: g.Suspended, InviteLink: g.InviteLink, Failure: g.Failure, ParticipantCount: g.ParticipantCount,
		PendingRequests: g.PendingRequests, CreatedAt: ts(g.CreatedAt), LastActivityAt: ts(g.LastActivityAt)}
}

// Page is one page of a list; pass NextCursor as ?cursor= for the next.
type Page[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor,omitempty"`
}

// NewGroup creates a group.
type NewGroup struct {
	Subject          string `json:"subject"`
	Description      string `json:"description,omitempty"`
	JoinApprovalMode string `json:"join_approval_mode,omitempty" enum:"auto_approve,approval_required"`
}

// GroupSettings changes a group; absent fields stay as they are.
type GroupSettings struct {
	Subject     *string `json:"subject,omitempty"`
	Description *string `json:"description,omitempty"`
	Photo       []byte  `json:"photo,omitempty"` // base64 JPEG or PNG
}

// Accepted says WhatsApp took a change that its webhook confirms later.
type Accepted struct {
	Status string `json:"status" enum:"pending"`
	Detail string `json:"detail"`
}

// Invite is a group's invite link.
type Invite struct {
	Link string `json:"link"`
}

// Participant is one current member.
type Participant struct {
	Key       string `json:"key"`
	WaID      string `json:"wa_id,omitempty"`
	UserID    string `json:"user_id,omitempty"`
	Username  string `json:"username,omitempty"`
	Name      string `json:"name,omitempty"`
	JoinedVia string `json:"joined_via,omitempty"`
	JoinedAt  string `json:"joined_at,omitempty"`
}

// Keys names participants.
type Keys struct {
	Keys []string `json:"keys"`
}

// JoinRequest is one pending request to join.
type JoinRequest struct {
	ID        int64  `json:"id"`
	GroupID   int64  `json:"group_id"`
	Key       string `json:"key"`
	WaID      string `json:"wa_id,omitempty"`
	UserID    string `json:"user_id,omitempty"`
	CreatedAt string `json:"created_at,omitempty"`
}

// IDs names join requests.
type IDs struct {
	IDs []int64 `json:"ids"`
}

// Decision is the outcome of approving or rejecting join requests.
type Decision struct {
	Done     int               `json:"done"`
	Failures []DecisionFailure `json:"failures"`
}

// DecisionFailure is one request WhatsApp did not decide.
type DecisionFailure struct {
	ID     int64  `json:"id,omitempty"`
	Reason string `json:"reason"`
}

// Message is one message of a group's timeline.
type Message struct {
	ID         int64  `json:"id"`
	Direction  string `json:"direction" enum:"in,out"`
	Kind       string `json:"kind"`
	Body       string `json:"body"`
	WAMID      string `json:"wamid,omitempty"`
	State      string `json:"state,omitempty"`
	Error      string `json:"error,omitempty"`
	SenderKey  string `json:"sender_key,omitempty"`
	SenderName string `json:"sender_name,omitempty"`
	Delivered  int    `json:"delivered"`
	Read       int    `json:"read"`
	CreatedAt  string `json:"created_at,omitempty"`
	SentAt     string `json:"sent_at,omitempty"`
}

func toMessage(m *store.Message) Message {
	return Message{ID: m.ID, Direction: m.Direction, Kind: m.Kind, Body: m.Body, WAMID: m.WAMID, State: m.State, Error: m.Error,
		SenderKey: m.SenderKey, SenderName: m.SenderName, Delivered: m.Delivered, Read: m.Read, CreatedAt: ts(m.CreatedAt), SentAt: ts(m.SentAt)}
}

// NewMessage sends a message to a group: what the group page's composer
// sends, with media given by the id of a file already on WhatsApp.
//   - text: body (and preview_url);
//   - template: an approved template of the cache, its variables keyed as
//     the composer's fields ("body.1", "body.first_name", "header.topic",
//     "button.0.1"), and header_media_id when its header is an image,
//     video or document;
//   - image, video, document, audio, sticker: media_id, a caption on
//     images, videos and documents, a filename on documents.
type NewMessage struct {
	Kind          string            `json:"kind" enum:"text,template,image,video,document,audio,sticker"`
	Body          string            `json:"body,omitempty"`
	PreviewURL    bool              `json:"preview_url,omitempty"`
	Template      *TemplateRef      `json:"template,omitempty"`
	Variables     map[string]string `json:"variables,omitempty"`
	HeaderMediaID string            `json:"header_media_id,omitempty"`
	MediaID       string            `json:"media_id,omitempty"`
	Caption       string            `json:"caption,omitempty"`
	Filename      string            `json:"filename,omitempty"`
}

// TemplateRef names a message template by name and language.
type TemplateRef struct {
	Name     string `json:"name"`
	Language string `json:"language"`
}

// Receipt is one participant's delivery and read of a message.
type Receipt struct {
	Member      string `json:"member"`
	Name        string `json:"name,omitempty"`
	Current     bool   `json:"current"`
	DeliveredAt string `json:"delivered_at,omitempty"`
	ReadAt      string `json:"read_at,omitempty"`
	Failed      string `json:"failed,omitempty"`
}

// Campaign is an invite campaign and its public link.
type Campaign struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Slug      string `json:"slug"`
	GroupID   int64  `json:"group_id,omitempty"`
	PoolID    int64  `json:"pool_id,omitempty"`
	Target    string `json:"target,omitempty"`
	Enabled   bool   `json:"enabled"`
	ExpiresAt string `json:"expires_at,omitempty"`
	CreatedAt string `json:"created_at,omitempty"`
}

func toCampaign(c *store.Campaign) Campaign {
	return Campaign{ID: c.ID, Name: c.Name, Slug: c.Slug, GroupID: c.GroupID, PoolID: c.PoolID, Target: c.TargetName,
		Enabled: c.Enabled, ExpiresAt: ts(c.ExpiresAt), CreatedAt: ts(c.CreatedAt)}
}

// Funnel is a campaign's path from invite or visit to membership.
type Funnel struct {
	Invited   int `json:"invited"`
	Delivered int `json:"delivered"`
	Read      int `json:"read"`
	Failed    int `json:"failed"`
	Visits    int `json:"visits"`
	Requests  int `json:"requests"`
	Joins     int `json:"joins"`
	Leaves    int `json:"leaves"`
}

func toFunnel(f campaigns.Funnel) Funnel {
	return Funnel(f)
}

// Person is what groupdeck knows of one person: the label and note staff
// keep, and the groups they are in.
type Person struct {
	Key       string  `json:"key"`
	Label     string  `json:"label"`
	Note      string  `json:"note"`
	UpdatedAt string  `json:"updated_at,omitempty"`
	Groups    []int64 `json:"groups"`
}

// Label sets a person's label and note.
type Label struct {
	Label string `json:"label"`
	Note  string `json:"note"`
}

// Job is a background job's progress.
type Job struct {
	ID         int64  `json:"id"`
	Kind       string `json:"kind"`
	Title      string `json:"title"`
	State      string `json:"state" enum:"queued,running,waiting,done,canceled"`
	Total      int    `json:"total"`
	Done       int    `json:"done"`
	Failed     int    `json:"failed"`
	Skipped    int    `json:"skipped"`
	Note       string `json:"note,omitempty"`
	CreatedAt  string `json:"created_at,omitempty"`
	FinishedAt string `json:"finished_at,omitempty"`
}

func toJob(j *store.Job) Job {
	return Job{ID: j.ID, Kind: j.Kind, Title: j.Title, State: j.State, Total: j.Total, Done: j.Done, Failed: j.Failed,
		Skipped: j.Skipped, Note: j.Note, CreatedAt: ts(j.CreatedAt), FinishedAt: ts(j.FinishedAt)}
}
