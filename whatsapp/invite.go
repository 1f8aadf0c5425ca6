package whatsapp

import (
	"context"
	"net/http"
)

// productOnly is the body Meta documents for invite-link POST and DELETE.
type productOnly struct {
	MessagingProduct string `json:"messaging_product"`
}

type inviteLinkResponse struct {
	InviteLink string `json:"invite_link"`
}

// InviteLink returns the group's current invite link
// (https://chat.whatsapp.com/<LINK_ID>).
func (c *Client) InviteLink(ctx context.Context, groupID string) (string, error) {
	return c.inviteLink(ctx, http.MethodGet, groupID, "get invite link")
}

// ResetInviteLink creates a new invite link; every earlier link for the
// group stops working. Not retried, since each call invalidates the link
// the previous one returned.
func (c *Client) ResetInviteLink(ctx context.Context, groupID string) (string, error) {
	return c.inviteLink(ctx, http.MethodPost, groupID, "reset invite link")
}

func (c *Client) inviteLink(ctx context.Context, method, groupID, op string) (string, error) {
	if err := checkID("group_id", groupID); err != nil {
		return "", err
	}
	var in any
	if method != http.MethodGet {
		in = productOnly{"whatsapp"}
	}
	var out inviteLinkResponse
	if _, err := c.doJSON(ctx, method, c.endpoint(nil, groupID, "invite_link"), in, method == http.MethodGet, &out); err != nil {
		return "", err
	}
	if out.InviteLink == "" {
		return "", errMissing(op, "invite_link")
	}
	return out.InviteLink, nil
}

// DeleteInviteLink disables joining until a new link is created with
// ResetInviteLink. Deleting twice has the same effect as once, so the call
// is retried like a GET.
func (c *Client) DeleteInviteLink(ctx context.Context, groupID string) error {
	if err := checkID("group_id", groupID); err != nil {
		return err
	}
	var out struct {
		Success *flexBool `json:"success"`
	}
	if _, err := c.doJSON(ctx, http.MethodDelete, c.endpoint(nil, groupID, "invite_link"), productOnly{"whatsapp"}, true, &out); err != nil {
		return err
	}
	if out.Success != nil && !*out.Success {
		return errUnsuccessful("delete invite link")
	}
	return nil
}
