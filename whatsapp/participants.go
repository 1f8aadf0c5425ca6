package whatsapp

import (
	"context"
	"net/http"
	"strings"
)

const maxRemovals = 8

// RemoveTarget names one participant to remove: User is a phone number
// (with or without "+") or WhatsApp ID, UserID a business-scoped user ID.
// Exactly one must be set.
type RemoveTarget struct {
	User   string `json:"user,omitempty"`
	UserID string `json:"user_id,omitempty"`
}

// RemoveParticipants removes up to 8 participants. Removed users can never
// rejoin through an invite link. The outcome arrives asynchronously as a
// group_participants_remove webhook carrying the returned request ID
// (which may be empty: the response shape is undocumented).
func (c *Client) RemoveParticipants(ctx context.Context, groupID string, targets []RemoveTarget) (string, error) {
	if err := checkID("group_id", groupID); err != nil {
		return "", err
	}
	if len(targets) == 0 {
		return "", invalid("participants", "at least one participant is required")
	}
	if len(targets) > maxRemovals {
		return "", invalid("participants", "at most %d participants can be removed per request, got %d", maxRemovals, len(targets))
	}
	clean := make([]RemoveTarget, len(targets))
	for i, t := range targets {
		t.User, t.UserID = strings.TrimSpace(t.User), strings.TrimSpace(t.UserID)
		if (t.User == "") == (t.UserID == "") {
			return "", invalid("participants", "item %d must set exactly one of user or user_id", i+1)
		}
		clean[i] = t
	}
	in := struct {
		MessagingProduct string         `json:"messaging_product"`
		Participants     []RemoveTarget `json:"participants"`
	}{"whatsapp", clean}
	var out struct {
		RequestID flexString `json:"request_id"`
	}
	if _, err := c.doJSON(ctx, http.MethodDelete, c.endpoint(nil, groupID, "participants"), in, false, &out); err != nil {
		return "", err
	}
	return string(out.RequestID), nil
}
