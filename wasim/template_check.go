package wasim

import (
	"encoding/json"
	"strconv"
	"strings"
)

// Template send errors, as Meta's error-code table names them.
const (
	CodeTemplateParamCount = 132000
	CodeTemplateMissing    = 132001
	CodeTemplateFormat     = 132012
	CodeTemplatePaused     = 132015
	CodeTemplateDisabled   = 132016
	CodeTemplateParamsBad  = 132018
	SubcodeTemplateExists  = 2388024
)

type templateSend struct {
	Name     string `json:"name"`
	Language struct {
		Code string `json:"code"`
	} `json:"language"`
	Components []struct {
		Type       string          `json:"type"`
		SubType    string          `json:"sub_type"`
		Index      json.RawMessage `json:"index"`
		Parameters []sendParam     `json:"parameters"`
	} `json:"components"`
}

type sendParam struct {
	Type          string        `json:"type"`
	ParameterName string        `json:"parameter_name"`
	Text          string        `json:"text"`
	GroupID       string        `json:"group_id"`
	Image         *mediaPayload `json:"image"`
	Video         *mediaPayload `json:"video"`
	Document      *mediaPayload `json:"document"`
}

// checkTemplate validates a template send against the account's template
// the way Meta does: the template must exist in that language and be
// approved; a media header needs its media; every header, body and URL
// button variable needs a parameter (parameter_name for named templates).
// Called with s.mu held. It returns the template for pricing.
func (s *Server) checkTemplate(obj json.RawMessage) (*simTemplate, *apiError) {
	var in templateSend
	if json.Unmarshal(obj, &in) != nil || in.Name == "" || in.Language.Code == "" {
		return nil, errParam("template.name and template.language.code are required")
	}
	t := s.findTemplate(in.Name, in.Language.Code)
	if t == nil {
		return nil, newErr(CodeTemplateMissing, "template name (%s) does not exist in %s", in.Name, in.Language.Code)
	}
	switch t.statusNow(s.now()) {
	case "APPROVED":
	case "PAUSED":
		return nil, newErr(CodeTemplatePaused, "template %s is paused because of low quality", in.Name)
	case "DISABLED":
		return nil, newErr(CodeTemplateDisabled, "template %s has been disabled", in.Name)
	default:
		return nil, newErr(CodeTemplateMissing, "template name (%s) does not exist in %s (its status is %s; only approved templates can be sent)", in.Name, in.Language.Code, t.status)
	}
	var header, body []sendParam
	buttons := map[string][]sendParam{}
	for _, c := range in.Components {
		switch strings.ToLower(c.Type) {
		case "header":
			header = c.Parameters
		case "body":
			body = c.Parameters
		case "button":
			if c.SubType != "url" {
				continue
			}
			buttons[strings.Trim(string(c.Index), `"`)] = c.Parameters
		default:
			return nil, errParam("template component type %q is not valid", c.Type)
		}
	}
	if err := s.checkHeader(t, header); err != nil {
		return nil, err
	}
	if err := checkParams(t, "body", vars(t.body), body); err != nil {
		return nil, err
	}
	for i, b := range t.buttons {
		if b.typ != "URL" {
			continue
		}
		want := vars(b.url)
		got := buttons[strconv.Itoa(i)]
		if len(got) != len(want) {
			return nil, newErr(CodeTemplateParamCount, "buttons: number of parameters (%d) does not match the expected number of params (%d) for the URL button at index %d", len(got), len(want), i)
		}
		for _, p := range got {
			if p.Type != "text" || p.Text == "" {
				return nil, newErr(CodeTemplateFormat, "buttons: the URL button at index %d needs a text parameter", i)
			}
		}
	}
	return t, nil
}

func (s *Server) checkHeader(t *simTemplate, got []sendParam) *apiError {
	switch t.header {
	case "IMAGE", "VIDEO", "DOCUMENT":
		want := strings.ToLower(t.header)
		if len(got) != 1 || got[0].Type != want {
			return newErr(CodeTemplateFormat, "header: Format mismatch, expected %s, received %s", t.header, receivedFormat(got))
		}
		m := map[string]*mediaPayload{"image": got[0].Image, "video": got[0].Video, "document": got[0].Document}[want]
		if m == nil || (m.ID == "") == (m.Link == "") {
			return newErr(CodeTemplateFormat, "header: the %s parameter needs exactly one of id or link", want)
		}
		if m.ID != "" && s.media[m.ID] == nil {
			return newErr(CodeInvalidValue, "media id %q is not a valid uploaded media ID", m.ID)
		}
		return nil
	case "TEXT":
		return checkParams(t, "header", vars(t.headerText), got)
	}
	if len(got) > 0 {
		return newErr(CodeTemplateParamCount, "header: number of parameters (%d) does not match the expected number of params (0)", len(got))
	}
	return nil
}

func receivedFormat(got []sendParam) string {
	if len(got) == 0 {
		return "UNKNOWN"
	}
	return strings.ToUpper(got[0].Type)
}

// checkParams matches text parameters to a component's variables: by
// count, and for named templates by parameter_name.
func checkParams(t *simTemplate, part string, want []string, got []sendParam) *apiError {
	if len(got) != len(want) {
		return newErr(CodeTemplateParamCount, "%s: number of localizable_params (%d) does not match the expected number of params (%d)", part, len(got), len(want))
	}
	names := map[string]bool{}
	for _, w := range want {
		names[w] = true
	}
	for i, p := range got {
		switch p.Type {
		case "text":
			if strings.TrimSpace(p.Text) == "" {
				return newErr(CodeTemplateParamsBad, "%s parameter %d: text must not be empty", part, i+1)
			}
			if strings.ContainsAny(p.Text, "\n\t") || strings.Contains(p.Text, "     ") {
				return newErr(CodeTemplateParamsBad, "%s parameter %d: Param text cannot have new-line/tab characters or more than 4 consecutive spaces", part, i+1)
			}
		case "group_id":
			if p.GroupID == "" {
				return newErr(CodeTemplateParamsBad, "%s parameter %d: group_id must not be empty", part, i+1)
			}
		default:
			return newErr(CodeTemplateFormat, "%s parameter %d: type %q is not valid here", part, i+1, p.Type)
		}
		switch {
		case t.named && p.ParameterName == "":
			return newErr(CodeTemplateFormat, "%s parameter %d: parameter_name is required, the template uses named parameters", part, i+1)
		case t.named && !names[p.ParameterName]:
			return newErr(CodeTemplateFormat, "%s: parameter_name %q is not a parameter of the template", part, p.ParameterName)
		case !t.named && p.ParameterName != "":
			return newErr(CodeTemplateFormat, "%s parameter %d: parameter_name is not valid, the template uses positional parameters", part, i+1)
		}
	}
	return nil
}
