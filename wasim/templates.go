package wasim

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"
)

// simTemplate is one message template of the simulated WhatsApp Business
// Account, modelled on GET /<WABA_ID>/message_templates as Meta documents
// it (docs/cloud-api.md#templates). Components keep Meta's upper-case
// type and format names.
type simTemplate struct {
	seq        int
	id         string
	name       string
	language   string
	status     string // APPROVED, PENDING, REJECTED, PAUSED, DISABLED
	category   string // MARKETING, UTILITY
	named      bool   // parameter_format NAMED
	header     string // "", TEXT, IMAGE, VIDEO, DOCUMENT
	headerText string
	body       string
	footer     string
	buttons    []simButton
	reviewAt   time.Time // a created template is approved at this time
	library    string
}

type simButton struct{ typ, text, url string }

// seedTemplates is the account the simulator starts with: approved,
// pending and rejected templates, positional and named, text and media
// headers, URL buttons. Tests and the sandbox rely on these names.
func seedTemplates(withInvite bool) []*simTemplate {
	ts := []*simTemplate{
		{name: "order_update", category: "UTILITY", body: "Hi, your order {{1}} is on its way.", footer: "Reply STOP to opt out"},
		{name: "shipping_update", category: "UTILITY", body: "Your parcel has shipped."},
		{name: "meeting_reminder", category: "UTILITY", named: true, header: "TEXT", headerText: "Reminder: {{topic}}",
			body: "Hi {{first_name}}, we meet on {{date}} at {{place}}."},
		{name: "event_invitation", category: "UTILITY", named: true, header: "IMAGE",
			body:    "Hello {{first_name}}! Join us for {{event_name}}.",
			buttons: []simButton{{"URL", "See details", "https://example.com/events/{{1}}"}, {"QUICK_REPLY", "Not interested", ""}}},
		{name: "weekly_menu", category: "UTILITY", header: "DOCUMENT", body: "This week's menu for {{1}} is attached."},
		{name: "product_teaser", category: "MARKETING", header: "VIDEO", body: "Watch what's coming on {{1}}."},
		{name: "spring_promo", category: "MARKETING", body: "Spring sale: 20% off everything this week."},
		{name: "spring_offer", category: "MARKETING", body: "Our spring offer ends on Sunday."},
		{name: "autumn_promo", category: "MARKETING", body: "Autumn deals are here."},
		{name: "promo_autumn", category: "MARKETING", body: "Autumn deals are here."},
		{name: "flash_sale", category: "MARKETING", status: "PENDING", body: "Flash sale today only: {{1}}."},
		{name: "win_a_prize", category: "MARKETING", status: "REJECTED", body: "Click to win {{1}}!"},
	}
	if withInvite {
		ts = append(ts, &simTemplate{name: "group_invite_link", category: "UTILITY", body: "You're invited to join our WhatsApp group: {{1}}", library: "group_invite_link"})
	}
	for i, t := range ts {
		t.seq = i + 1
		t.id = fmt.Sprintf("30000000000%04d", i+1)
		if t.language == "" {
			t.language = "en_US"
		}
		if t.status == "" {
			t.status = "APPROVED"
		}
	}
	return ts
}

// libraryTemplates is the part of Meta's Template Library the simulator
// offers: the utility "group invite link" template.
var libraryTemplates = []map[string]any{{
	"name": "group_invite_link", "language": "en_US", "category": "UTILITY", "topic": "group_invite_link",
	"body": "You're invited to join our WhatsApp group: {{1}}",
}}

var placeholderRe = regexp.MustCompile(`\{\{\s*([A-Za-z0-9_]+)\s*\}\}`)

// vars returns the distinct placeholders of text.
func vars(text string) []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range placeholderRe.FindAllStringSubmatch(text, -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			out = append(out, m[1])
		}
	}
	return out
}

// statusNow settles a created template's review.
func (t *simTemplate) statusNow(now time.Time) string {
	if t.status == "PENDING" && !t.reviewAt.IsZero() && !now.Before(t.reviewAt) {
		t.status = "APPROVED"
	}
	return t.status
}

func (t *simTemplate) json(now time.Time) map[string]any {
	var comps []any
	if t.header != "" {
		h := map[string]any{"type": "HEADER", "format": t.header}
		if t.header == "TEXT" {
			h["text"] = t.headerText
		}
		comps = append(comps, h)
	}
	comps = append(comps, map[string]any{"type": "BODY", "text": t.body})
	if t.footer != "" {
		comps = append(comps, map[string]any{"type": "FOOTER", "text": t.footer})
	}
	if len(t.buttons) > 0 {
		var bs []any
		for _, b := range t.buttons {
			m := map[string]any{"type": b.typ, "text": b.text}
			if b.url != "" {
				m["url"] = b.url
			}
			bs = append(bs, m)
		}
		comps = append(comps, map[string]any{"type": "BUTTONS", "buttons": bs})
	}
	format := "POSITIONAL"
	if t.named {
		format = "NAMED"
	}
	return map[string]any{"id": t.id, "name": t.name, "language": t.language, "status": t.statusNow(now),
		"category": t.category, "parameter_format": format, "components": comps}
}

// handleListTemplates serves GET /<WABA_ID>/message_templates with Graph
// cursor paging.
func (s *Server) handleListTemplates(r *http.Request) (int, any, *apiError) {
	limit, after, before, err := s.pageParams(r)
	if err != nil {
		return 0, nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	sel, hasPrev, hasNext := page(s.templates, func(t *simTemplate) int { return t.seq }, limit, after, before)
	data := make([]any, 0, len(sel))
	first, last := 0, 0
	for i, t := range sel {
		if i == 0 {
			first = t.seq
		}
		last = t.seq
		data = append(data, t.json(now))
	}
	return http.StatusOK, map[string]any{"data": data, "paging": s.paging(r, limit, first, last, hasPrev, hasNext)}, nil
}

// handleTemplateLibrary serves GET /message_template_library.
func (s *Server) handleTemplateLibrary(r *http.Request) (int, any, *apiError) {
	q := r.URL.Query()
	data := []any{}
	for _, t := range libraryTemplates {
		if c := q.Get("category"); c != "" && !strings.EqualFold(c, t["category"].(string)) {
			continue
		}
		if tp := q.Get("topic"); tp != "" && tp != t["topic"] {
			continue
		}
		data = append(data, t)
	}
	return http.StatusOK, map[string]any{"data": data}, nil
}

var templateNameRe = regexp.MustCompile(`^[a-z0-9_]{1,512}$`)

// handleCreateTemplate serves POST /<WABA_ID>/message_templates for
// library templates: the new template is PENDING until the simulated
// review (Config.TemplateReview) passes.
func (s *Server) handleCreateTemplate(r *http.Request) (int, any, *apiError) {
	var in struct {
		Name        string `json:"name"`
		Language    string `json:"language"`
		Category    string `json:"category"`
		LibraryName string `json:"library_template_name"`
	}
	if err := decodeBody(r, &in); err != nil {
		return 0, nil, err
	}
	switch {
	case !templateNameRe.MatchString(in.Name):
		return 0, nil, errParam("name must be lowercase letters, digits and underscores")
	case in.Language == "":
		return 0, nil, errParam("language is required")
	case in.Category == "":
		return 0, nil, errParam("category is required")
	case in.LibraryName == "":
		return 0, nil, errParam("Only templates from the Template Library (library_template_name) can be created in the simulator")
	}
	var lib map[string]any
	for _, t := range libraryTemplates {
		if t["name"] == in.LibraryName {
			lib = t
		}
	}
	if lib == nil {
		return 0, nil, errParam("library_template_name %q is not in the Template Library", in.LibraryName)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.templates {
		if t.name == in.Name && t.language == in.Language {
			e := errParam("Content in this language already exists for template %s", in.Name)
			e.Subcode = SubcodeTemplateExists
			return 0, nil, e
		}
	}
	t := &simTemplate{seq: len(s.templates) + 1, id: s.ids.digits(15), name: in.Name, language: in.Language,
		status: "PENDING", category: strings.ToUpper(lib["category"].(string)), body: lib["body"].(string),
		reviewAt: s.now().Add(s.cfg.TemplateReview), library: in.LibraryName}
	s.templates = append(s.templates, t)
	return http.StatusOK, map[string]any{"id": t.id, "status": t.status, "category": t.category}, nil
}

// findTemplate returns the template of that name and language, or nil.
func (s *Server) findTemplate(name, language string) *simTemplate {
	for _, t := range s.templates {
		if t.name == name && t.language == language {
			return t
		}
	}
	return nil
}
