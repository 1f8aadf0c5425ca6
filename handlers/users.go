package handlers

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"groupdeck/store"
	"groupdeck/views"
)

func (h *Handler) usersView(c echo.Context, f views.UserForm) (views.UsersView, error) {
	us, err := h.Store.Users(c.Request().Context())
	if err != nil {
		return views.UsersView{}, err
	}
	if f.Role == "" {
		f.Role = store.RoleManager
	}
	v := views.UsersView{Users: us, Me: currentUser(c).ID, Form: f}
	kind, msg, err := h.Sessions.TakeFlash(c)
	if kind == "error" {
		v.Error = msg
	} else {
		v.Notice = msg
	}
	return v, err
}

func (h *Handler) usersShow(c echo.Context) error {
	v, err := h.usersView(c, views.UserForm{})
	if err != nil {
		return err
	}
	return h.page(c, http.StatusOK, "Staff accounts", "users", views.UsersPage(v))
}

// usersBack returns to the Users page with a notice or an error, carried
// in the session: text in the URL would let anyone's link print their own
// words as the site's.
func (h *Handler) usersBack(c echo.Context, notice, errMsg string) error {
	kind, msg := "ok", notice
	if errMsg != "" {
		kind, msg = "error", errMsg
	}
	if err := h.Sessions.SetFlash(c, kind, msg); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/users")
}

func (h *Handler) userCreate(c echo.Context) error {
	ctx := c.Request().Context()
	f := views.UserForm{Email: strings.TrimSpace(c.FormValue("email")), Name: strings.TrimSpace(c.FormValue("name")),
		Role: c.FormValue("role"), Errors: map[string]string{}}
	if !strings.Contains(f.Email, "@") {
		f.Errors["email"] = "Enter an e-mail address."
	}
	if !store.ValidRole(f.Role) {
		f.Role = store.RoleViewer
	}
	hash, err := HashPassword(c.FormValue("password"))
	if err != nil {
		f.Errors["password"] = "The " + err.Error() + "."
	}
	if len(f.Errors) == 0 {
		u := &store.User{Email: f.Email, Name: f.Name, PasswordHash: hash, Role: f.Role}
		_, err = h.Store.WithTx(ctx, func(t *store.Tx) error {
			if err := t.CreateUser(u); err != nil {
				return err
			}
			return t.Audit(store.AuditEntry{UserID: currentUser(c).ID, Action: store.AuditUserCreate, Detail: f.Email + " as " + f.Role})
		})
		if errors.Is(err, store.ErrEmailTaken) {
			f.Errors["email"] = "An account with this e-mail already exists."
		} else if err != nil {
			return err
		} else {
			return h.usersBack(c, "Account "+f.Email+" created.", "")
		}
	}
	v, err := h.usersView(c, f)
	if err != nil {
		return err
	}
	return h.page(c, http.StatusUnprocessableEntity, "Staff accounts", "users", views.UsersPage(v))
}

// otherUser loads the user in the path, refusing changes to oneself that
// could lock the last administrator out.
func (h *Handler) otherUser(c echo.Context, allowSelf bool) (*store.User, error) {
	id, err := pathID(c)
	if err != nil {
		return nil, err
	}
	if !allowSelf && id == currentUser(c).ID {
		return nil, echo.NewHTTPError(http.StatusUnprocessableEntity, "You cannot change your own role or disable yourself; ask another administrator.")
	}
	return h.Store.UserByID(c.Request().Context(), id)
}

func (h *Handler) userRole(c echo.Context) error {
	u, err := h.otherUser(c, false)
	if err != nil {
		return err
	}
	role := c.FormValue("role")
	if !store.ValidRole(role) {
		return h.usersBack(c, "", "Choose admin, manager or viewer.")
	}
	if _, err := h.Store.WithTx(c.Request().Context(), func(t *store.Tx) error {
		if err := t.SetRole(u.ID, role); err != nil {
			return err
		}
		return t.Audit(store.AuditEntry{UserID: currentUser(c).ID, Action: store.AuditUserRole, Detail: u.Email + ": " + u.Role + " → " + role})
	}); err != nil {
		return err
	}
	return h.usersBack(c, u.Email+" is now "+role+".", "")
}

func (h *Handler) userPassword(c echo.Context) error {
	u, err := h.otherUser(c, true)
	if err != nil {
		return err
	}
	hash, err := HashPassword(c.FormValue("password"))
	if err != nil {
		return h.usersBack(c, "", "Password not changed: the "+err.Error()+".")
	}
	if _, err := h.Store.WithTx(c.Request().Context(), func(t *store.Tx) error {
		if err := t.SetPassword(u.ID, hash); err != nil {
			return err
		}
		return t.Audit(store.AuditEntry{UserID: currentUser(c).ID, Action: store.AuditUserPassword, Detail: u.Email})
	}); err != nil {
		return err
	}
	h.Hub.DropOwner(u.ID)
	if u.ID == currentUser(c).ID {
		// The change ended this session too; sign in again with the new one.
		return c.Redirect(http.StatusSeeOther, "/login")
	}
	return h.usersBack(c, "New password set for "+u.Email+"; their sessions ended.", "")
}

func (h *Handler) userDisable(c echo.Context) error { return h.userSetDisabled(c, true) }
func (h *Handler) userEnable(c echo.Context) error  { return h.userSetDisabled(c, false) }

// userSetDisabled disables (ending the account's sessions and event
// streams) or re-enables an account.
func (h *Handler) userSetDisabled(c echo.Context, disabled bool) error {
	u, err := h.otherUser(c, false)
	if err != nil {
		return err
	}
	action, notice := store.AuditUserEnable, u.Email+" can sign in again."
	if disabled {
		action, notice = store.AuditUserDisable, u.Email+" is disabled and signed out everywhere."
	}
	if _, err := h.Store.WithTx(c.Request().Context(), func(t *store.Tx) error {
		if err := t.SetDisabled(u.ID, disabled); err != nil {
			return err
		}
		return t.Audit(store.AuditEntry{UserID: currentUser(c).ID, Action: action, Detail: u.Email})
	}); err != nil {
		return err
	}
	if disabled {
		h.Hub.DropOwner(u.ID)
	}
	return h.usersBack(c, notice, "")
}
