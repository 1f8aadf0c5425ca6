package views

import (
	"strings"
	"unicode/utf8"

	"groupdeck/internal/person"
	"groupdeck/store"
	"groupdeck/whatsapp"
)

// MessagingView is the messages section of the group page.
type MessagingView struct {
	Group    *store.Group
	Messages []store.Message
	Pinned   []store.Message
	PinCmds  []store.Message // pin/unpin commands not (yet) sent
	CanEdit  bool
	Window   WindowView
	Composer ComposerForm
	Labels   map[string]string // staff's labels of the senders shown, by person key
}

// WindowView says whether the group's 24-hour customer-service window is
// open, and whether the composer may send at all.
type WindowView struct {
	Group       *store.Group
	LastInbound int64  // Unix ms of the latest participant message, 0 if none
	Now         int64  // Unix ms
	Refusal     string // why nothing can be sent now, if so
	NobodyYet   bool   // the refusal is only that nobody joined yet: a next step, not an error
}

// WindowLength is the group customer-service window.
const WindowLength = 24 * 60 * 60 * 1000

// Open reports whether a participant wrote in the last 24 hours.
func (w WindowView) Open() bool { return w.LastInbound > 0 && w.Now < w.LastInbound+WindowLength }

// Until is when the open window closes.
func (w WindowView) Until() int64 { return w.LastInbound + WindowLength }

// ComposerForm is what the composer shows: the draft and its problems.
type ComposerForm struct {
	Action           string // where the form posts
	Target           string // the element the htmx answer replaces
	Kind             string // text | media | template
	Body             string
	PreviewURL       bool
	MediaType        string
	Caption          string
	TemplateName     string
	TemplateLanguage string
	Pick             TemplatePick
	Errors           map[string]string
	Notice           string
	Refusal          string // why the group page's Send is disabled, if it is
}

func (f ComposerForm) kind() string {
	if f.Kind == "" {
		return "text"
	}
	return f.Kind
}

func (f ComposerForm) language() string {
	if f.TemplateLanguage == "" {
		return "en_US"
	}
	return f.TemplateLanguage
}

// ReceiptsView is the per-participant view of one outgoing message.
type ReceiptsView struct {
	Group    *store.Group
	Message  *store.Message
	Receipts []store.Receipt
}

func mediaAccept() string {
	var parts []string
	for _, r := range whatsapp.MediaRules() {
		parts = append(parts, r.Accept())
	}
	return strings.Join(parts, ",")
}

// snippet shortens a message for a one-line mention.
func snippet(m store.Message) string {
	s := m.Body
	if s == "" {
		s = kindLabel(m.Kind)
	}
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > 60 {
		r := []rune(s)
		s = string(r[:57]) + "…"
	}
	return s
}

func kindLabel(kind string) string {
	switch kind {
	case "text":
		return "Text"
	case "template":
		return "Template"
	case "unsupported":
		return "Unsupported message"
	}
	if r, ok := whatsapp.MediaRuleFor(kind); ok {
		return r.Label
	}
	return kind
}

func isMedia(kind string) bool {
	_, ok := whatsapp.MediaRuleFor(kind)
	return ok
}

func mediaPath(m store.Message) string {
	return "/groups/" + i64(m.GroupID) + "/messages/" + i64(m.ID) + "/media"
}

func msgPath(m store.Message, suffix string) string {
	return "/groups/" + i64(m.GroupID) + "/messages/" + i64(m.ID) + suffix
}

func i64(n int64) string { return idPath("%d", n) }

// oldestPin is the pin a new one would push out, when three are pinned.
func (v MessagingView) oldestPin() *store.Message {
	if len(v.Pinned) < store.MaxPins {
		return nil
	}
	return &v.Pinned[len(v.Pinned)-1]
}

// canAct: an editor may retry, pin and unpin only while WhatsApp would
// accept it (the timeline re-renders on every change, so this follows the
// group's status live).
func (v MessagingView) canAct() bool { return v.CanEdit && ChangeRefusal(v.Group) == "" }

func (v MessagingView) canPin(m store.Message) bool {
	return v.CanEdit && m.WAMID != "" && m.PinnedUntil == 0 && (m.Direction == "in" || m.State == store.MsgSent) &&
		v.Group.Status == store.GroupActive && !v.Group.Suspended
}

func templateSummary(m store.Message) string {
	s := m.Payload.Template + " (" + m.Payload.Language + ")"
	switch {
	case len(m.Payload.Vars) > 0 || m.Payload.Header != "":
		// Picked from the account's list: the body as it was sent.
		s += ": " + m.Body
		if m.Payload.Header != "" {
			s += " [" + m.Payload.Header + " header]"
		}
	case len(m.Payload.Params) > 0:
		s += ": " + strings.Join(m.Payload.Params, " · ")
	}
	return s
}

func receiptName(r store.Receipt) string {
	uid := r.UserID
	if uid == "" && r.WaID == "" {
		uid = r.Member
	}
	return PersonName(r.Name, r.Username, r.WaID, uid)
}

func receiptAside(r store.Receipt) string { return person.Aside(r.Name, r.Username, r.WaID) }

func whenOr(ms int64, none string) string {
	if ms == 0 {
		return none
	}
	return when(ms)
}

func runeCount(s string) int { return utf8.RuneCountInString(s) }

// Snippet shortens a message for a one-line mention, e.g. a job title.
func Snippet(m store.Message) string { return snippet(m) }

// BroadcastView is the send-to-many page: a group picker and a composer.
type BroadcastView struct {
	Search   string
	Status   string
	Total    int // groups matching the filter
	Picker   MultiPickerView
	Selected map[int64]bool // the picker's chosen groups
	All      bool
	Composer ComposerForm
}

// thumbAlt describes a picture for people who cannot see it.
func thumbAlt(m store.Message) string {
	if m.Body != "" {
		return kindLabel(m.Kind) + ": " + m.Body
	}
	return kindLabel(m.Kind) + " from " + senderName(m)
}
