package whatsapp

import (
	"context"
	"strconv"
	"strings"
)

// Template selects an approved message template and fills its variables
// (docs/cloud-api.md#templates). BodyParams fill the body placeholders:
// in order for a positional template, by Name for a named one
// (parameter_format NAMED). Header and Buttons are needed when the
// template has a media or variable header, or URL buttons with a variable.
type Template struct {
	Name       string
	Language   string
	Header     *TemplateHeader
	BodyParams []TemplateParam
	Buttons    []TemplateButton
}

// TemplateParam is one text parameter. Type is "text" (the default) or
// "group_id", which WhatsApp replaces with the group's invite link. Name
// is the parameter_name of a named template; empty for positional ones.
type TemplateParam struct {
	Type    string
	Name    string
	Text    string
	GroupID string
}

// TemplateHeader fills a template's header: Format is "text" (Params hold
// its one variable) or a media format ("image", "video", "document") with
// Media naming an uploaded media id or a link.
type TemplateHeader struct {
	Format string
	Params []TemplateParam
	Media  MediaRef
}

// TemplateButton fills the variable of the URL button at Index (0-based,
// as the template lists its buttons).
type TemplateButton struct {
	Index int
	Text  string
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
	SubType    string          `json:"sub_type,omitempty"`
	Index      string          `json:"index,omitempty"`
	Parameters []templateParam `json:"parameters"`
}

type templateParam struct {
	Type          string     `json:"type"`
	ParameterName string     `json:"parameter_name,omitempty"`
	Text          string     `json:"text,omitempty"`
	GroupID       string     `json:"group_id,omitempty"`
	Image         *mediaBody `json:"image,omitempty"`
	Video         *mediaBody `json:"video,omitempty"`
	Document      *mediaBody `json:"document,omitempty"`
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

// buildTemplate makes the components Meta expects: header, body (with
// parameter_name for named templates), then one button component per URL
// button variable (sub_type url, index).
func buildTemplate(t Template, first *TemplateParam) (*templateBody, error) {
	if strings.TrimSpace(t.Name) == "" {
		return nil, invalid("template", "name must not be empty")
	}
	if strings.TrimSpace(t.Language) == "" {
		return nil, invalid("template", "language must not be empty")
	}
	b := &templateBody{Name: t.Name, Language: templateLanguage{Code: t.Language}}
	if t.Header != nil {
		h, err := buildHeader(*t.Header)
		if err != nil {
			return nil, err
		}
		b.Components = append(b.Components, h)
	}
	params := t.BodyParams
	if first != nil {
		params = append([]TemplateParam{*first}, params...)
	}
	if len(params) > 0 {
		wire, err := wireParams("body", params)
		if err != nil {
			return nil, err
		}
		b.Components = append(b.Components, templateComponent{Type: "body", Parameters: wire})
	}
	for _, bt := range t.Buttons {
		if bt.Index < 0 || bt.Index > 9 {
			return nil, invalid("template", "button index %d is out of range 0-9", bt.Index)
		}
		if bt.Text == "" {
			return nil, invalid("template", "button %d: the URL variable must not be empty", bt.Index)
		}
		b.Components = append(b.Components, templateComponent{Type: "button", SubType: "url", Index: strconv.Itoa(bt.Index),
			Parameters: []templateParam{{Type: ParamText, Text: bt.Text}}})
	}
	return b, nil
}

func buildHeader(h TemplateHeader) (templateComponent, error) {
	comp := templateComponent{Type: "header"}
	switch h.Format {
	case "text":
		wire, err := wireParams("header", h.Params)
		if err != nil {
			return comp, err
		}
		comp.Parameters = wire
	case KindImage, KindVideo, KindDocument:
		if (h.Media.ID == "") == (h.Media.Link == "") {
			return comp, invalid("template", "the %s header needs a media id or a link", h.Format)
		}
		mb := &mediaBody{ID: h.Media.ID, Link: h.Media.Link}
		p := templateParam{Type: h.Format}
		switch h.Format {
		case KindImage:
			p.Image = mb
		case KindVideo:
			p.Video = mb
		default:
			mb.Filename = h.Media.Filename
			p.Document = mb
		}
		comp.Parameters = []templateParam{p}
	default:
		return comp, invalid("template", "unsupported header format %q", h.Format)
	}
	return comp, nil
}

func wireParams(where string, params []TemplateParam) ([]templateParam, error) {
	wire := make([]templateParam, 0, len(params))
	for i, p := range params {
		w := templateParam{ParameterName: p.Name}
		switch p.Type {
		case "", ParamText:
			if p.Text == "" {
				return nil, invalid("template", "%s parameter %d: text must not be empty", where, i+1)
			}
			w.Type, w.Text = ParamText, p.Text
		case ParamGroupID:
			if p.GroupID == "" {
				return nil, invalid("template", "%s parameter %d: group_id must not be empty", where, i+1)
			}
			w.Type, w.GroupID = ParamGroupID, p.GroupID
		default:
			return nil, invalid("template", "%s parameter %d: unsupported type %q", where, i+1, p.Type)
		}
		wire = append(wire, w)
	}
	return wire, nil
}
