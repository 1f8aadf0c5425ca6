package whatsapp

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// placeholderRe finds {{1}} or {{first_name}} variables in template text.
var placeholderRe = regexp.MustCompile(`\{\{\s*([A-Za-z0-9_]+)\s*\}\}`)

// Placeholders returns the distinct variables of a template text in the
// order they first appear; positional ones ("1", "2"…) sorted by number.
func Placeholders(text string) []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range placeholderRe.FindAllStringSubmatch(text, -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			out = append(out, m[1])
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, errA := strconv.Atoi(out[i])
		b, errB := strconv.Atoi(out[j])
		return errA == nil && errB == nil && a < b
	})
	return out
}

// TemplateField is one value a person fills before a template is sent.
// Key identifies it in forms and stored messages: "header.media",
// "header.<var>", "body.<var>" or "button.<index>.<var>".
type TemplateField struct {
	Key    string
	Part   string // header, body, button
	Var    string // "1" or the parameter name
	Format string // text, image, video, document
	Index  int    // button index
	Label  string
}

// Fields lists the template's variables in the order they read.
func (t TemplateInfo) Fields() []TemplateField {
	var out []TemplateField
	h := t.Part("HEADER")
	switch f := strings.ToLower(h.Format); f {
	case KindImage, KindVideo, KindDocument:
		out = append(out, TemplateField{Key: "header.media", Part: "header", Format: f, Label: "Header " + f})
	case "text":
		for _, v := range Placeholders(h.Text) {
			out = append(out, TemplateField{Key: "header." + v, Part: "header", Var: v, Format: "text", Label: "Header {{" + v + "}}"})
		}
	}
	for _, v := range Placeholders(t.Part("BODY").Text) {
		out = append(out, TemplateField{Key: "body." + v, Part: "body", Var: v, Format: "text", Label: "Body {{" + v + "}}"})
	}
	for i, b := range t.Part("BUTTONS").Buttons {
		if !strings.EqualFold(b.Type, "URL") {
			continue
		}
		for _, v := range Placeholders(b.URL) {
			out = append(out, TemplateField{Key: "button." + strconv.Itoa(i) + "." + v, Part: "button", Var: v, Format: "text", Index: i,
				Label: "Button “" + b.Text + "” link {{" + v + "}}"})
		}
	}
	return out
}

// TemplateValue is a filled field: Key as in TemplateField.
type TemplateValue struct {
	Key  string
	Text string
}

// FillTemplate builds the Template to send from filled values, in the
// order given (Fields order). headerFormat is the header's media format
// ("image", "video", "document") when media names its media; named says
// whether body and header parameters carry parameter_name. It is the one
// place that turns form values into Meta's components, for every sender.
func FillTemplate(name, language string, named bool, headerFormat string, media MediaRef, values []TemplateValue) Template {
	t := Template{Name: name, Language: language}
	switch headerFormat {
	case KindImage, KindVideo, KindDocument:
		t.Header = &TemplateHeader{Format: headerFormat, Media: media}
	}
	buttons := map[int]int{} // index → position in t.Buttons
	for _, v := range values {
		part, rest, _ := strings.Cut(v.Key, ".")
		p := TemplateParam{Type: ParamText, Text: v.Text}
		switch part {
		case "header":
			if rest == "media" {
				continue
			}
			if named {
				p.Name = rest
			}
			if t.Header == nil {
				t.Header = &TemplateHeader{Format: "text"}
			}
			t.Header.Params = append(t.Header.Params, p)
		case "body":
			if named {
				p.Name = rest
			}
			t.BodyParams = append(t.BodyParams, p)
		case "button":
			idx, _, _ := strings.Cut(rest, ".")
			i, err := strconv.Atoi(idx)
			if err != nil {
				continue
			}
			if _, ok := buttons[i]; !ok {
				buttons[i] = len(t.Buttons)
				t.Buttons = append(t.Buttons, TemplateButton{Index: i, Text: v.Text})
			}
		}
	}
	return t
}

// Render returns the template as it will read with values filled in
// (unfilled variables stay as {{name}}), for previews: header text, body,
// footer.
func (t TemplateInfo) Render(values map[string]string) (header, body, footer string) {
	fill := func(part, text string) string {
		return placeholderRe.ReplaceAllStringFunc(text, func(m string) string {
			v := placeholderRe.FindStringSubmatch(m)[1]
			if s := values[part+"."+v]; s != "" {
				return s
			}
			return m
		})
	}
	h := t.Part("HEADER")
	if strings.EqualFold(h.Format, "TEXT") {
		header = fill("header", h.Text)
	}
	return header, fill("body", t.Part("BODY").Text), t.Part("FOOTER").Text
}

// Limits of template variables (docs/cloud-api.md#templates): Meta allows
// 60 characters in a text header variable and 1024 in a body variable.
const (
	MaxHeaderText = 60
	MaxParamText  = 1024
)
