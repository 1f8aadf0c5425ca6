package whatsapp

import (
	"context"
	"encoding/json"
	"net/http"
)

// JoinRequest is a pending request to join an approval-required group.
type JoinRequest struct {
	ID           string `json:"join_request_id"`
	WaID         string `json:"wa_id,omitempty"`
	UserID       string `json:"user_id,omitempty"`
	ParentUserID string `json:"parent_user_id,omitempty"`
	Username     string `json:"username,omitempty"`
	CreatedAt    int64  `json:"creation_timestamp"`
}

// UnmarshalJSON tolerates a quoted creation_timestamp.
func (j *JoinRequest) UnmarshalJSON(b []byte) error {
	type plain JoinRequest
	var w struct {
		*plain
		ID        flexString `json:"join_request_id"`
		CreatedAt flexInt    `json:"creation_timestamp"`
	}
	w.plain = (*plain)(j)
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	j.ID = string(w.ID)
	j.CreatedAt = int64(w.CreatedAt)
	return nil
}

// JoinRequests lists pending join requests. The returned cursor is non-empty
// only when Graph signals a further page with paging.next, so a loop on it
// always terminates.
func (c *Client) JoinRequests(ctx context.Context, groupID string, o ListGroupsOptions) ([]JoinRequest, string, error) {
	if err := checkID("group_id", groupID); err != nil {
		return nil, "", err
	}
	q, err := o.query()
	if err != nil {
		return nil, "", err
	}
	var out struct {
		Data   []JoinRequest `json:"data"`
		Paging paging        `json:"paging"`
	}
	if _, err := c.doJSON(ctx, http.MethodGet, c.endpoint(q, groupID, "join_requests"), nil, true, &out); err != nil {
		return nil, "", err
	}
	if out.Data == nil {
		out.Data = []JoinRequest{}
	}
	after := ""
	if out.Paging.Next != "" {
		after = out.Paging.Cursors.After
	}
	return out.Data, after, nil
}

// JoinRequestResult is the synchronous outcome of approving or rejecting
// join requests. Partial is set when WhatsApp answered 206 or listed
// failures; Errors holds the top-level errors (typically 131201).
type JoinRequestResult struct {
	Done    []string
	Failed  []FailedJoinRequest
	Partial bool
	Errors  []ErrorObject
}

// FailedJoinRequest is one join request WhatsApp could not process.
type FailedJoinRequest struct {
	ID     string        `json:"join_request_id"`
	Errors []ErrorObject `json:"errors,omitempty"`
}

// ApproveJoinRequests lets the users in; WhatsApp then emits
// group_participants_add. Both 200 and 206 (partial success) return a
// result and a nil error.
func (c *Client) ApproveJoinRequests(ctx context.Context, groupID string, ids []string) (*JoinRequestResult, error) {
	return c.decideJoinRequests(ctx, http.MethodPost, groupID, ids)
}

// RejectJoinRequests declines the requests; users may request again and no
// webhook follows.
func (c *Client) RejectJoinRequests(ctx context.Context, groupID string, ids []string) (*JoinRequestResult, error) {
	return c.decideJoinRequests(ctx, http.MethodDelete, groupID, ids)
}

func (c *Client) decideJoinRequests(ctx context.Context, method, groupID string, ids []string) (*JoinRequestResult, error) {
	if err := checkID("group_id", groupID); err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, invalid("join_requests", "at least one join request ID is required")
	}
	for _, id := range ids {
		if err := checkID("join_requests", id); err != nil {
			return nil, err
		}
	}
	in := struct {
		MessagingProduct string   `json:"messaging_product"`
		JoinRequests     []string `json:"join_requests"`
	}{"whatsapp", ids}
	var out struct {
		Approved []string            `json:"approved_join_requests"`
		Rejected []string            `json:"rejected_join_requests"`
		Failed   []FailedJoinRequest `json:"failed_join_requests"`
		Errors   []ErrorObject       `json:"errors"`
	}
	status, err := c.doJSON(ctx, method, c.endpoint(nil, groupID, "join_requests"), in, false, &out)
	if err != nil {
		return nil, err
	}
	// Each verb documents its own list; reading both costs nothing and
	// tolerates servers that use the other name.
	done := append(append([]string{}, out.Approved...), out.Rejected...)
	return &JoinRequestResult{
		Done:    done,
		Failed:  out.Failed,
		Partial: status == http.StatusPartialContent || len(out.Failed) > 0,
		Errors:  out.Errors,
	}, nil
}
