package whatsapp

import (
	"context"
	"net/http"
	"strings"
	"unicode/utf8"
)

const (
	maxTextBody  = 4096
	maxCaption   = 1024
	maxPinDays   = 30
	recipientGrp = "group"
	recipientOne = "individual"
)

// SendResult identifies an accepted message. Accepted is not delivered:
// delivery arrives later as status webhooks keyed by MessageID.
type SendResult struct {
	MessageID string
	GroupID   string
	// MessageStatus is only set for paced template sends ("accepted", "held_for_quality_assessment").
	MessageStatus string
}

type outgoing struct {
	MessagingProduct string        `json:"messaging_product"`
	RecipientType    string        `json:"recipient_type"`
	To               string        `json:"to,omitempty"`
	Recipient        string        `json:"recipient,omitempty"` // a BSUID instead of To (1:1 sends)
	Type             string        `json:"type"`
	Text             *textBody     `json:"text,omitempty"`
	Image            *mediaBody    `json:"image,omitempty"`
	Video            *mediaBody    `json:"video,omitempty"`
	Audio            *mediaBody    `json:"audio,omitempty"`
	Document         *mediaBody    `json:"document,omitempty"`
	Sticker          *mediaBody    `json:"sticker,omitempty"`
	Template         *templateBody `json:"template,omitempty"`
	Pin              *pinBody      `json:"pin,omitempty"`
	// BizOpaqueCallbackData comes back on every status of the message.
	BizOpaqueCallbackData string `json:"biz_opaque_callback_data,omitempty"`
}

type textBody struct {
	PreviewURL bool   `json:"preview_url,omitempty"`
	Body       string `json:"body"`
}

type mediaBody struct {
	ID       string `json:"id,omitempty"`
	Link     string `json:"link,omitempty"`
	Caption  string `json:"caption,omitempty"`
	Filename string `json:"filename,omitempty"`
}

type pinBody struct {
	Type           string `json:"type"`
	MessageID      string `json:"message_id"`
	ExpirationDays int    `json:"expiration_days,omitempty"`
}

type sendResponse struct {
	Messages []struct {
		ID            string `json:"id"`
		GroupID       string `json:"group_id"`
		MessageStatus string `json:"message_status"`
	} `json:"messages"`
}

// SendText posts a text message to the group. previewURL asks WhatsApp to
// render a link preview for the first URL in body.
func (c *Client) SendText(ctx context.Context, groupID, body string, previewURL bool) (*SendResult, error) {
	if strings.TrimSpace(body) == "" {
		return nil, invalid("text", "must not be empty")
	}
	if n := utf8.RuneCountInString(body); n > maxTextBody {
		return nil, invalid("text", "is %d characters, the maximum is %d", n, maxTextBody)
	}
	return c.sendToGroup(ctx, groupID, outgoing{Type: "text", Text: &textBody{PreviewURL: previewURL, Body: body}})
}

// MediaRef points at media for SendMedia: either an uploaded media ID or a
// public Link, never both.
type MediaRef struct {
	ID       string
	Link     string
	Caption  string
	Filename string
}

// Media kinds accepted by SendMedia.
const (
	KindImage    = "image"
	KindVideo    = "video"
	KindAudio    = "audio"
	KindDocument = "document"
	KindSticker  = "sticker"
)

// SendMedia posts an image, video, audio, document or sticker to the group.
func (c *Client) SendMedia(ctx context.Context, groupID, kind string, m MediaRef) (*SendResult, error) {
	body := &mediaBody{ID: m.ID, Link: m.Link, Caption: m.Caption, Filename: m.Filename}
	msg := outgoing{Type: kind}
	switch kind {
	case KindImage:
		msg.Image = body
	case KindVideo:
		msg.Video = body
	case KindAudio:
		msg.Audio = body
	case KindDocument:
		msg.Document = body
	case KindSticker:
		msg.Sticker = body
	default:
		return nil, invalid("type", "unsupported media kind %q", kind)
	}
	if (m.ID == "") == (m.Link == "") {
		return nil, invalid("media", "set exactly one of id or link")
	}
	if n := utf8.RuneCountInString(m.Caption); n > maxCaption {
		return nil, invalid("caption", "is %d characters, the maximum is %d", n, maxCaption)
	}
	if rule, _ := MediaRuleFor(kind); m.Caption != "" && !rule.Caption {
		return nil, invalid("caption", "%s messages cannot have a caption", kind)
	}
	if m.Filename != "" && kind != KindDocument {
		return nil, invalid("filename", "only documents have a filename")
	}
	return c.sendToGroup(ctx, groupID, msg)
}

// Pin pins messageID in the group for days (1–30). WhatsApp keeps at most
// three pins and silently unpins the oldest on a fourth.
func (c *Client) Pin(ctx context.Context, groupID, messageID string, days int) (*SendResult, error) {
	if days < 1 || days > maxPinDays {
		return nil, invalid("expiration_days", "must be between 1 and %d", maxPinDays)
	}
	if err := checkID("message_id", messageID); err != nil {
		return nil, err
	}
	return c.sendToGroup(ctx, groupID, outgoing{Type: "pin", Pin: &pinBody{Type: "pin", MessageID: messageID, ExpirationDays: days}})
}

// Unpin removes a pin set with Pin.
func (c *Client) Unpin(ctx context.Context, groupID, messageID string) (*SendResult, error) {
	if err := checkID("message_id", messageID); err != nil {
		return nil, err
	}
	return c.sendToGroup(ctx, groupID, outgoing{Type: "pin", Pin: &pinBody{Type: "unpin", MessageID: messageID}})
}

// MarkRead marks an inbound message as read. Older docs listed this as
// unsupported in groups, so callers should treat failure as cosmetic.
func (c *Client) MarkRead(ctx context.Context, messageID string) error {
	if err := checkID("message_id", messageID); err != nil {
		return err
	}
	in := struct {
		MessagingProduct string `json:"messaging_product"`
		Status           string `json:"status"`
		MessageID        string `json:"message_id"`
	}{"whatsapp", "read", messageID}
	var out struct {
		Success *flexBool `json:"success"`
	}
	if _, err := c.doJSON(ctx, http.MethodPost, c.endpoint(nil, c.phoneID, "messages"), in, false, &out); err != nil {
		return err
	}
	if out.Success != nil && !*out.Success {
		return errUnsuccessful("mark read")
	}
	return nil
}

func (c *Client) sendToGroup(ctx context.Context, groupID string, msg outgoing) (*SendResult, error) {
	if err := checkID("group_id", groupID); err != nil {
		return nil, err
	}
	msg.RecipientType, msg.To = recipientGrp, groupID
	res, err := c.sendMessage(ctx, msg)
	if err != nil {
		return nil, err
	}
	if res.GroupID == "" {
		res.GroupID = groupID
	}
	return res, nil
}

// sendMessage posts to /<PHONE_NUMBER_ID>/messages. It never retries: a
// lost response does not mean the message was not delivered.
func (c *Client) sendMessage(ctx context.Context, msg outgoing) (*SendResult, error) {
	msg.MessagingProduct = "whatsapp"
	msg.BizOpaqueCallbackData = callbackData(ctx)
	var out sendResponse
	if _, err := c.doJSON(ctx, http.MethodPost, c.endpoint(nil, c.phoneID, "messages"), msg, false, &out); err != nil {
		return nil, err
	}
	if len(out.Messages) == 0 || out.Messages[0].ID == "" {
		return nil, errMissing("send "+msg.Type, "message id")
	}
	m := out.Messages[0]
	return &SendResult{MessageID: m.ID, GroupID: m.GroupID, MessageStatus: m.MessageStatus}, nil
}
