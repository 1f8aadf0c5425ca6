package whatsapp

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
)

// TemplateInfo is one of the account's message templates as
// GET /<WABA_ID>/message_templates lists it.
type TemplateInfo struct {
	ID              string              `json:"id"`
	Name            string              `json:"name"`
	Language        string              `json:"language"`
	Status          string              `json:"status"`   // APPROVED, PENDING, REJECTED, PAUSED, DISABLED…
	Category        string              `json:"category"` // MARKETING, UTILITY, AUTHENTICATION
	ParameterFormat string              `json:"parameter_format,omitempty"`
	Components      []TemplateComponent `json:"components"`
}

// TemplateComponent is a template's HEADER, BODY, FOOTER or BUTTONS part.
type TemplateComponent struct {
	Type    string           `json:"type"`
	Format  string           `json:"format,omitempty"` // header: TEXT, IMAGE, VIDEO, DOCUMENT, LOCATION
	Text    string           `json:"text,omitempty"`
	Buttons []TemplateAction `json:"buttons,omitempty"`
}

// TemplateAction is one button of a BUTTONS component.
type TemplateAction struct {
	Type string `json:"type"` // URL, QUICK_REPLY, PHONE_NUMBER, COPY_CODE…
	Text string `json:"text"`
	URL  string `json:"url,omitempty"`
}

// Template statuses and parameter formats.
const (
	TemplateApproved = "APPROVED"
	FormatNamed      = "NAMED"
)

// Approved reports whether the template can be sent.
func (t TemplateInfo) Approved() bool { return t.Status == TemplateApproved }

// Named reports whether the template uses named parameters.
func (t TemplateInfo) Named() bool { return strings.EqualFold(t.ParameterFormat, FormatNamed) }

// Part returns the component of the given type (HEADER, BODY, FOOTER,
// BUTTONS), or a zero one.
func (t TemplateInfo) Part(typ string) TemplateComponent {
	for _, c := range t.Components {
		if strings.EqualFold(c.Type, typ) {
			return c
		}
	}
	return TemplateComponent{}
}

// ListTemplates lists every template of the WhatsApp Business Account,
// following the cursor through all pages.
func (c *Client) ListTemplates(ctx context.Context, wabaID string) ([]TemplateInfo, error) {
	if err := checkID("waba_id", wabaID); err != nil {
		return nil, err
	}
	var all []TemplateInfo
	after := ""
	for range 1000 { // a bound, in case a server keeps answering "next"
		q := url.Values{"fields": {"id,name,language,status,category,parameter_format,components"}, "limit": {"100"}}
		if after != "" {
			q.Set("after", after)
		}
		var out struct {
			Data   []TemplateInfo `json:"data"`
			Paging paging         `json:"paging"`
		}
		if _, err := c.doJSON(ctx, http.MethodGet, c.endpoint(q, wabaID, "message_templates"), nil, true, &out); err != nil {
			return nil, err
		}
		all = append(all, out.Data...)
		if out.Paging.Next == "" || out.Paging.Cursors.After == "" || out.Paging.Cursors.After == after {
			return all, nil
		}
		after = out.Paging.Cursors.After
	}
	return all, nil
}

// LibraryTemplate is one entry of Meta's Template Library.
type LibraryTemplate struct {
	Name     string `json:"name"`
	Language string `json:"language"`
	Category string `json:"category"`
	Topic    string `json:"topic"`
	Body     string `json:"body"`
}

// LibraryTemplates searches Meta's Template Library, e.g. category
// "utility" and topic "group_invite_link".
func (c *Client) LibraryTemplates(ctx context.Context, category, topic, language string) ([]LibraryTemplate, error) {
	q := url.Values{"category": {category}, "topic": {topic}}
	if language != "" {
		q.Set("language", language)
	}
	var out struct {
		Data []LibraryTemplate `json:"data"`
	}
	if _, err := c.doJSON(ctx, http.MethodGet, c.endpoint(q, "message_template_library"), nil, true, &out); err != nil {
		return nil, err
	}
	return out.Data, nil
}

// CreatedTemplate is Meta's answer to a template creation: the template
// goes to review, so Status is usually PENDING.
type CreatedTemplate struct {
	ID       string `json:"id"`
	Status   string `json:"status"`
	Category string `json:"category"`
}

// CreateLibraryTemplate adds a template to the account from the Template
// Library (library_template_name), under the given name and language.
func (c *Client) CreateLibraryTemplate(ctx context.Context, wabaID, name, language, category, libraryName string) (*CreatedTemplate, error) {
	if err := checkID("waba_id", wabaID); err != nil {
		return nil, err
	}
	for field, v := range map[string]string{"name": name, "language": language, "category": category, "library_template_name": libraryName} {
		if strings.TrimSpace(v) == "" {
			return nil, invalid(field, "must not be empty")
		}
	}
	in := map[string]string{"name": name, "language": language, "category": strings.ToUpper(category), "library_template_name": libraryName}
	var out CreatedTemplate
	if _, err := c.doJSON(ctx, http.MethodPost, c.endpoint(nil, wabaID, "message_templates"), in, false, &out); err != nil {
		return nil, err
	}
	if out.ID == "" {
		return nil, errMissing("create template", "id")
	}
	return &out, nil
}

// MarshalComponents and UnmarshalComponents keep a template's components
// as JSON, for caches.
func MarshalComponents(cs []TemplateComponent) string {
	b, _ := json.Marshal(cs)
	return string(b)
}

// UnmarshalComponents reads what MarshalComponents wrote.
func UnmarshalComponents(s string) ([]TemplateComponent, error) {
	var cs []TemplateComponent
	if s == "" {
		return nil, nil
	}
	err := json.Unmarshal([]byte(s), &cs)
	return cs, err
}
