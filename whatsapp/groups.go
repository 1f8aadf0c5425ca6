package whatsapp

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Join approval modes accepted by CreateGroup.
const (
	JoinAutoApprove      = "auto_approve"
	JoinApprovalRequired = "approval_required"
)

const (
	maxSubject     = 128
	maxDescription = 2048
	maxListLimit   = 1024
)

// CreateGroupRequest holds the parameters for creating a group. Subject is
// trimmed before sending, matching what WhatsApp stores.
type CreateGroupRequest struct {
	Subject          string `json:"subject"`
	Description      string `json:"description,omitempty"`
	JoinApprovalMode string `json:"join_approval_mode,omitempty"`
}

// CreateGroup asks WhatsApp to create a group. Creation is asynchronous: the
// returned request ID correlates with the later group_create webhook that
// carries the group ID and invite link.
func (c *Client) CreateGroup(ctx context.Context, r CreateGroupRequest) (string, error) {
	subject, err := checkSubject(r.Subject)
	if err != nil {
		return "", err
	}
	if err := checkDescription(r.Description); err != nil {
		return "", err
	}
	switch r.JoinApprovalMode {
	case "", JoinAutoApprove, JoinApprovalRequired:
	default:
		return "", invalid("join_approval_mode", "must be %q or %q", JoinAutoApprove, JoinApprovalRequired)
	}
	body := struct {
		MessagingProduct string `json:"messaging_product"`
		CreateGroupRequest
	}{"whatsapp", r}
	body.Subject = subject
	var out struct {
		RequestID flexString `json:"request_id"`
	}
	if _, err := c.doJSON(ctx, http.MethodPost, c.endpoint(nil, c.phoneID, "groups"), body, false, &out); err != nil {
		return "", err
	}
	return string(out.RequestID), nil
}

// DeleteGroup removes every participant, including the business, and ends
// the group. Meta documents {"success":true}; some implementations also
// return a request_id, which is passed through when present so the
// group_delete webhook can be correlated. It is not retried: a replay after
// a lost response would fail with 131041 and hide the success.
func (c *Client) DeleteGroup(ctx context.Context, groupID string) (string, error) {
	if err := checkID("group_id", groupID); err != nil {
		return "", err
	}
	var out struct {
		RequestID flexString `json:"request_id"`
		Success   *flexBool  `json:"success"`
	}
	if _, err := c.doJSON(ctx, http.MethodDelete, c.endpoint(nil, groupID), nil, false, &out); err != nil {
		return "", err
	}
	if out.Success != nil && !*out.Success && out.RequestID == "" {
		return "", errUnsuccessful("delete group")
	}
	return string(out.RequestID), nil
}

// AllGroupFields lists every field GroupInfo can request; without fields
// Graph returns only the ID.
var AllGroupFields = []string{"subject", "description", "participants", "join_approval_mode", "suspended", "creation_timestamp", "total_participant_count"}

// GroupInfo is a group's metadata as returned by GET /<GROUP_ID>.
type GroupInfo struct {
	ID                    string        `json:"id"`
	Subject               string        `json:"subject,omitempty"`
	Description           string        `json:"description,omitempty"`
	JoinApprovalMode      string        `json:"join_approval_mode,omitempty"`
	Suspended             bool          `json:"suspended"`
	CreationTimestamp     int64         `json:"creation_timestamp,omitempty"`
	TotalParticipantCount int           `json:"total_participant_count"`
	Participants          []Participant `json:"participants,omitempty"`
}

// Participant identifies a group member. WaID may be empty for users whose
// phone number is hidden behind a business-scoped user ID (UserID).
type Participant struct {
	WaID         string `json:"wa_id,omitempty"`
	UserID       string `json:"user_id,omitempty"`
	ParentUserID string `json:"parent_user_id,omitempty"`
	Username     string `json:"username,omitempty"`
}

// UnmarshalJSON tolerates the quoted numbers and booleans of Meta's sample.
func (g *GroupInfo) UnmarshalJSON(b []byte) error {
	type plain GroupInfo
	var w struct {
		*plain
		ID                    flexString `json:"id"`
		Suspended             flexBool   `json:"suspended"`
		CreationTimestamp     flexInt    `json:"creation_timestamp"`
		TotalParticipantCount flexInt    `json:"total_participant_count"`
	}
	w.plain = (*plain)(g)
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	g.ID = string(w.ID)
	g.Suspended = bool(w.Suspended)
	g.CreationTimestamp = int64(w.CreationTimestamp)
	g.TotalParticipantCount = int(w.TotalParticipantCount)
	return nil
}

// GroupInfo fetches metadata for one group. With no fields it requests
// AllGroupFields.
func (c *Client) GroupInfo(ctx context.Context, groupID string, fields ...string) (*GroupInfo, error) {
	if err := checkID("group_id", groupID); err != nil {
		return nil, err
	}
	if len(fields) == 0 {
		fields = AllGroupFields
	}
	q := url.Values{"fields": {strings.Join(fields, ",")}}
	var g GroupInfo
	if _, err := c.doJSON(ctx, http.MethodGet, c.endpoint(q, groupID), nil, true, &g); err != nil {
		return nil, err
	}
	if g.ID == "" {
		g.ID = groupID
	}
	return &g, nil
}

// ListGroupsOptions selects a page of a cursor-paginated list. Zero values
// use the API defaults (25 items, first page).
type ListGroupsOptions struct {
	Limit  int
	After  string
	Before string
}

func (o ListGroupsOptions) query() (url.Values, error) {
	if o.Limit < 0 || o.Limit > maxListLimit {
		return nil, invalid("limit", "must be between 1 and %d", maxListLimit)
	}
	if o.After != "" && o.Before != "" {
		return nil, invalid("cursor", "set after or before, not both")
	}
	q := url.Values{}
	if o.Limit > 0 {
		q.Set("limit", strconv.Itoa(o.Limit))
	}
	if o.After != "" {
		q.Set("after", o.After)
	}
	if o.Before != "" {
		q.Set("before", o.Before)
	}
	return q, nil
}

// GroupSummary is one row of the active-groups list.
type GroupSummary struct {
	ID        string `json:"id"`
	Subject   string `json:"subject"`
	CreatedAt int64  `json:"created_at"`
}

// UnmarshalJSON accepts created_at as a quoted string (Meta) or a number
// (360dialog's schema).
func (s *GroupSummary) UnmarshalJSON(b []byte) error {
	var w struct {
		ID        flexString `json:"id"`
		Subject   string     `json:"subject"`
		CreatedAt flexInt    `json:"created_at"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*s = GroupSummary{ID: string(w.ID), Subject: w.Subject, CreatedAt: int64(w.CreatedAt)}
	return nil
}

// GroupPage is one page of active groups with the cursors for its
// neighbours.
type GroupPage struct {
	Groups      []GroupSummary
	After       string
	Before      string
	HasNext     bool
	HasPrevious bool
}

type paging struct {
	Cursors struct {
		Before string `json:"before"`
		After  string `json:"after"`
	} `json:"cursors"`
	Next     string `json:"next"`
	Previous string `json:"previous"`
}

// ListGroups lists the number's active (not deleted) groups. Graph omits
// "next" on the last page, so HasNext is what callers should loop on, not
// the presence of an after cursor.
func (c *Client) ListGroups(ctx context.Context, o ListGroupsOptions) (*GroupPage, error) {
	q, err := o.query()
	if err != nil {
		return nil, err
	}
	var out struct {
		Data   json.RawMessage `json:"data"`
		Paging paging          `json:"paging"`
	}
	if _, err := c.doJSON(ctx, http.MethodGet, c.endpoint(q, c.phoneID, "groups"), nil, true, &out); err != nil {
		return nil, err
	}
	groups, err := decodeGroupList(out.Data)
	if err != nil {
		return nil, err
	}
	return &GroupPage{
		Groups:      groups,
		After:       out.Paging.Cursors.After,
		Before:      out.Paging.Cursors.Before,
		HasNext:     out.Paging.Next != "",
		HasPrevious: out.Paging.Previous != "",
	}, nil
}

// decodeGroupList reads Meta's documented {"data":{"groups":[...]}} and, for
// robustness, the usual Graph shape {"data":[...]}.
func decodeGroupList(raw json.RawMessage) ([]GroupSummary, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return []GroupSummary{}, nil
	}
	var groups []GroupSummary
	if raw[0] == '[' {
		if err := json.Unmarshal(raw, &groups); err != nil {
			return nil, errDecode("list groups", err)
		}
	} else {
		var obj struct {
			Groups []GroupSummary `json:"groups"`
		}
		if err := json.Unmarshal(raw, &obj); err != nil {
			return nil, errDecode("list groups", err)
		}
		groups = obj.Groups
	}
	if groups == nil {
		groups = []GroupSummary{}
	}
	return groups, nil
}

func checkSubject(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", invalid("subject", "must not be empty")
	}
	if n := utf8.RuneCountInString(s); n > maxSubject {
		return "", invalid("subject", "is %d characters, the maximum is %d", n, maxSubject)
	}
	return s, nil
}

func checkDescription(s string) error {
	if n := utf8.RuneCountInString(s); n > maxDescription {
		return invalid("description", "is %d characters, the maximum is %d", n, maxDescription)
	}
	return nil
}

func checkID(field, id string) error {
	if strings.TrimSpace(id) == "" {
		return invalid(field, "must not be empty")
	}
	return nil
}
