package whatsapp

import (
	"context"
	"strings"
)

// Template selects an approved message template. BodyParams fill the body
// placeholders in order.
type Template struct {
	Name       string
	Language   string
	BodyParams []TemplateParam
}

// TemplateParam is one body parameter. Type is "text" (the default) or
// "group_id", which WhatsApp replaces with the group's invite link.
type TemplateParam struct {
	Type    string
	Text    string
	GroupID string
}

// Template parameter types.
const (
	ParamText    = "text"
	ParamGroupID = "group_id"
)

type templateBody struct {
	Name       string              `json:"name"`
	Language   templateLanguage    `json:"language"`
	Components []templateComponent `json:"components,omitempty"`
}

type templateLanguage struct {
	Code string `json:"code"`
}

type templateComponent struct {
	Type       string          `json:"type"`
	Parameters []templateParam `json:"parameters"`
}

type templateParam struct {
	Type    string `json:"type"`
	Text    string `json:"text,omitempty"`
	GroupID string `json:"group_id,omitempty"`
}

// SendTemplate posts a text- or media-based template to the group.
func (c *Client) SendTemplate(ctx context.Context, groupID string, t Template) (*SendResult, error) {
	body, err := buildTemplate(t, nil)
	if err != nil {
		return nil, err
	}
	return c.sendToGroup(ctx, groupID, outgoing{Type: "template", Template: body})
}

// SendInviteTemplate sends a group-invite template 1:1 to to: a phone
// number, or a business-scoped user id (BSUID) for someone whose number
// WhatsApp does not share, which goes in "recipient" instead of "to". The
// group_id parameter goes first, as the library template expects;
// WhatsApp substitutes the group's invite link at delivery.
func (c *Client) SendInviteTemplate(ctx context.Context, to string, t Template, groupID string) (*SendResult, error) {
	if err := checkID("to", to); err != nil {
		return nil, err
	}
	if err := checkID("group_id", groupID); err != nil {
		return nil, err
	}
	body, err := buildTemplate(t, &TemplateParam{Type: ParamGroupID, GroupID: groupID})
	if err != nil {
		return nil, err
	}
	msg := outgoing{RecipientType: recipientOne, To: strings.TrimSpace(to), Type: "template", Template: body}
	if IsBSUID(msg.To) {
		msg.To, msg.Recipient = "", msg.To
	}
	return c.sendMessage(ctx, msg)
}

func buildTemplate(t Template, first *TemplateParam) (*templateBody, error) {
	if strings.TrimSpace(t.Name) == "" {
		return nil, invalid("template", "name must not be empty")
	}
	if strings.TrimSpace(t.Language) == "" {
		return nil, invalid("template", "language must not be empty")
	}
	params := t.BodyParams
	if first != nil {
		params = append([]TemplateParam{*first}, params...)
	}
	b := &templateBody{Name: t.Name, Language: templateLanguage{Code: t.Language}}
	if len(params) == 0 {
		return b, nil
	}
	wire := make([]templateParam, 0, len(params))
	for i, p := range params {
		switch p.Type {
		case "", ParamText:
			if p.Text == "" {
				return nil, invalid("template", "parameter %d: text must not be empty", i+1)
			}
			wire = append(wire, templateParam{Type: ParamText, Text: p.Text})
		case ParamGroupID:
			if p.GroupID == "" {
				return nil, invalid("template", "parameter %d: group_id must not be empty", i+1)
			}
			wire = append(wire, templateParam{Type: ParamGroupID, GroupID: p.GroupID})
		default:
			return nil, invalid("template", "parameter %d: unsupported type %q", i+1, p.Type)
		}
	}
	b.Components = []templateComponent{{Type: "body", Parameters: wire}}
	return b, nil
}
