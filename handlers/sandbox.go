package handlers

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"groupdeck/campaigns"
	"groupdeck/views"
	"groupdeck/web"
)

// Phone lets staff act as simulated WhatsApp users in sandbox mode.
type Phone interface {
	Users() []views.PhoneUser
	AddUser(name, waID, username string) (views.PhoneUser, error)
	Tap(waID, link string) (string, error)
	Leave(waID, groupID string) error
	Say(waID, groupID, kind, text string) error // kind: text, image (text is the caption) or unsupported
	Groups(waID string) []views.PhoneGroup
	Pending(waID string) []views.PhoneGroup
	Cancel(waID, groupID string) error
	All() []views.SimGroup
	SetSuspended(groupID string, suspended bool) error
	Inbox(waID string) []views.PhoneMessage
	Read(waID, messageID string) error
}

func (h *Handler) requireSandbox(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if h.Phone == nil {
			return echo.NewHTTPError(http.StatusNotFound, "The Sandbox phone exists only in sandbox mode.")
		}
		return next(c)
	}
}

func (h *Handler) sandboxShow(c echo.Context) error {
	v := views.SandboxView{Users: h.Phone.Users(), CSRF: web.CSRFToken(c)}
	kind, msg, err := h.Sessions.TakeFlash(c)
	if err != nil {
		return err
	}
	if kind == "error" {
		v.Error = msg
	} else {
		v.Notice = msg
	}
	want := c.QueryParam("u")
	for i, u := range v.Users {
		if u.WaID == want || (want == "" && i == len(v.Users)-1) {
			v.Current = &v.Users[i]
		}
	}
	if v.Current != nil {
		v.Groups = h.Phone.Groups(v.Current.WaID)
		v.Inbox = h.Phone.Inbox(v.Current.WaID)
		v.Pending = h.Phone.Pending(v.Current.WaID)
	}
	v.All = h.Phone.All()
	return h.page(c, http.StatusOK, "Sandbox phone", "sandbox", views.Sandbox(v))
}

// back returns to the phone page as user u with a notice or an error,
// carried in the session rather than the URL (see usersBack).
func (h *Handler) back(c echo.Context, u, notice string, err error) error {
	kind, msg := "ok", notice
	if err != nil {
		kind, msg = "error", err.Error()
	}
	if msg != "" {
		if err := h.Sessions.SetFlash(c, kind, msg); err != nil {
			return err
		}
	}
	return c.Redirect(http.StatusSeeOther, "/sandbox?"+url.Values{"u": {u}}.Encode())
}

func (h *Handler) sandboxAddUser(c echo.Context) error {
	name := strings.TrimSpace(c.FormValue("name"))
	username := strings.TrimPrefix(strings.TrimSpace(c.FormValue("username")), "@")
	if name == "" && username == "" {
		return h.back(c, "", "", errText("Give the person a name or a username."))
	}
	u, err := h.Phone.AddUser(name, c.FormValue("wa_id"), username)
	if err != nil {
		return h.back(c, "", "", err)
	}
	return h.back(c, u.WaID, u.Title()+" is ready. Paste an invite link to join a group.", nil)
}

func (h *Handler) sandboxTap(c echo.Context) error {
	u := c.FormValue("u")
	link := strings.TrimSpace(c.FormValue("link"))
	if slug, ok := campaignSlug(link); ok {
		// A campaign link: follow it as a phone would, then tap the
		// invite link it leads to.
		to, title, msg, err := h.visit(c.Request().Context(), slug, campaigns.DevicePhone, true)
		if err != nil {
			return h.back(c, u, "", errText("That campaign link does not exist."))
		}
		if to == "" {
			return h.back(c, u, "", errText(title+". "+msg))
		}
		link = to
	}
	res, err := h.Phone.Tap(u, link)
	return h.back(c, u, res, err)
}

func (h *Handler) sandboxLeave(c echo.Context) error {
	u := c.FormValue("u")
	return h.back(c, u, "You left the group.", h.Phone.Leave(u, c.FormValue("group")))
}

func (h *Handler) sandboxSay(c echo.Context) error {
	u := c.FormValue("u")
	text := strings.TrimSpace(c.FormValue("text"))
	if text == "" {
		return h.back(c, u, "", errText("Write something to send."))
	}
	kind := c.FormValue("as")
	switch kind {
	case "", "text":
		kind = "text"
	case "image", "unsupported":
	default:
		return h.back(c, u, "", errText("Choose text, a photo or an unsupported message."))
	}
	return h.back(c, u, "Sent.", h.Phone.Say(u, c.FormValue("group"), kind, text))
}

func (h *Handler) sandboxCancel(c echo.Context) error {
	u := c.FormValue("u")
	return h.back(c, u, "You withdrew your request.", h.Phone.Cancel(u, c.FormValue("group")))
}

func (h *Handler) sandboxSuspend(c echo.Context) error {
	on := c.FormValue("suspended") == "true"
	msg := "WhatsApp lifted the suspension."
	if on {
		msg = "WhatsApp suspended the group."
	}
	return h.back(c, c.FormValue("u"), msg, h.Phone.SetSuspended(c.FormValue("group"), on))
}

func (h *Handler) sandboxRead(c echo.Context) error {
	u := c.FormValue("u")
	return h.back(c, u, "Marked as read.", h.Phone.Read(u, c.FormValue("message")))
}

type errText string

func (e errText) Error() string { return string(e) }
