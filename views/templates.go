package views

import (
	"strings"

	"groupdeck/store"
	"groupdeck/whatsapp"
)

// TemplatePick is the composer's template part: the approved templates
// offered, the chosen one with its filled values, and what it costs.
type TemplatePick struct {
	Templates []whatsapp.TemplateInfo // approved, from the cache
	Chosen    *whatsapp.TemplateInfo
	Values    map[string]string // by TemplateField.Key
	MediaID   string            // header media already uploaded
	People    int               // participants of the group (0: several groups, see the review)
	Rates     Rates
	Refresh   store.TemplateRefresh
}

// TemplatesView is the account's templates page.
type TemplatesView struct {
	Templates     []whatsapp.TemplateInfo
	Refresh       store.TemplateRefresh
	CanEdit       bool
	InviteName    string // the configured invite template
	InviteReady   bool   // an approved template of that name exists
	InviteStatus  string // its status (lower case) when it exists but is not approved
	Notice, Error string
}

func statusClass(s string) string {
	switch s {
	case whatsapp.TemplateApproved:
		return "ok"
	case "PENDING", "IN_APPEAL":
		return "warn"
	}
	return "bad"
}

func paramWord(t whatsapp.TemplateInfo) string {
	if t.Named() {
		return "named"
	}
	return "positional"
}

func peopleVals(n int) string { return `{"people": "` + itoa(n) + `"}` }

// fieldID makes a field key usable in an HTML id.
func fieldID(key string) string { return strings.ReplaceAll(key, ".", "-") }

// fieldMax bounds a variable's text: Meta allows 60 characters in a text
// header and 1024 in the body.
func fieldMax(f whatsapp.TemplateField) int {
	if f.Part == "header" {
		return whatsapp.MaxHeaderText
	}
	return whatsapp.MaxParamText
}

func headerAccept(format string) string {
	if r, ok := whatsapp.MediaRuleFor(format); ok {
		return r.Accept()
	}
	return ""
}

func headerRule(format string) string {
	if r, ok := whatsapp.MediaRuleFor(format); ok {
		return r.Label + ": " + r.Rule
	}
	return ""
}

// TemplateKey is how a template is chosen in forms: name and language.
func TemplateKey(t whatsapp.TemplateInfo) string { return t.Name + "|" + t.Language }

// SplitTemplateKey reverses TemplateKey.
func SplitTemplateKey(k string) (name, language string) {
	name, language, _ = strings.Cut(k, "|")
	return name, language
}

func (p TemplatePick) chosenKey() string {
	if p.Chosen == nil {
		return ""
	}
	return TemplateKey(*p.Chosen)
}

// FieldName is the form field of a template variable.
func FieldName(key string) string { return "tv:" + key }

// bodyPreview is the template's body, first line of the list.
func bodyPreview(t whatsapp.TemplateInfo) string {
	s := strings.Join(strings.Fields(t.Part("BODY").Text), " ")
	if r := []rune(s); len(r) > 70 {
		s = string(r[:67]) + "…"
	}
	return s
}

func categoryWord(c string) string { return strings.ToLower(c) }

// segment is a run of template text: literal, or a variable to fill.
type segment struct {
	Text string
	Key  string // field key when this is a variable
}

// segments splits text into literal runs and variables of part.
func segments(part, text string, values map[string]string) []segment {
	var out []segment
	for len(text) > 0 {
		i := strings.Index(text, "{{")
		j := strings.Index(text, "}}")
		if i < 0 || j < i {
			out = append(out, segment{Text: text})
			break
		}
		if i > 0 {
			out = append(out, segment{Text: text[:i]})
		}
		v := strings.TrimSpace(text[i+2 : j])
		key := part + "." + v
		shown := values[key]
		if shown == "" {
			shown = "{{" + v + "}}"
		}
		out = append(out, segment{Text: shown, Key: key})
		text = text[j+2:]
	}
	return out
}

// buttonSegments splits a URL button's link for the preview.
func buttonSegments(i int, url string, values map[string]string) []segment {
	return segments("button."+itoa(i), url, values)
}

// templateCost says what the chosen template costs in a group, per Meta's
// group pricing (docs/pricing.md): marketing and utility templates are
// charged per delivered participant; utility is free while the group's
// customer-service window is open.
func (p TemplatePick) templateCost() string {
	if p.Chosen == nil {
		return ""
	}
	rate, what := p.Rates.Utility, "Utility template: charged once per participant it is delivered to, except while the group's 24-hour window is open (then free)."
	if strings.EqualFold(p.Chosen.Category, "MARKETING") {
		rate, what = p.Rates.Marketing, "Marketing template: charged once per participant it is delivered to, always."
	}
	s := what + " " + p.Rates.rate(rate) + " per delivery"
	if p.People > 0 {
		s += "; to this group's " + plural(p.People, "participant", "participants") + " ≈ " + p.Rates.money(p.People, rate)
	}
	return s + "."
}
