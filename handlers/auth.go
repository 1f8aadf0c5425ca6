package handlers

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/crypto/bcrypt"

	"groupdeck/store"
	"groupdeck/views"
	"groupdeck/web"
)

const (
	loginInterval = 30 * time.Second // one more attempt per address every 30 s
	loginBurst    = 10
	// MinPassword is the shortest password accepted.
	MinPassword = 10
	setupKey    = "setup_token_sha256"
)

// HashPassword hashes with bcrypt, which salts and is slow on purpose.
func HashPassword(pw string) (string, error) {
	if len(pw) < MinPassword {
		return "", errors.New("password must have at least 10 characters")
	}
	if len(pw) > 72 {
		return "", errors.New("password must have at most 72 bytes")
	}
	b, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.DefaultCost)
	return string(b), err
}

// CheckPassword reports whether pw matches hash.
func CheckPassword(hash, pw string) bool {
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(pw)) == nil
}

// dummyHash keeps a login for an unknown e-mail as slow as a real one,
// so timing does not tell which addresses have accounts.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("not-a-real-password"), bcrypt.DefaultCost)

func currentUser(c echo.Context) *store.User {
	u, _ := c.Get("user").(*store.User)
	return u
}

// loadUser puts the signed-in user on the request, ignoring sessions of
// disabled users or sessions older than the last password change.
func (h *Handler) loadUser(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		sess := h.Sessions.Get(c)
		uid, _ := sess.Values["uid"].(int64)
		if uid != 0 {
			u, err := h.Store.UserByID(c.Request().Context(), uid)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			}
			epoch, _ := sess.Values["epoch"].(int64)
			if u != nil && !u.Disabled && u.SessionEpoch == epoch {
				c.Set("user", u)
			}
		}
		return next(c)
	}
}

func (h *Handler) requireUser(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if currentUser(c) == nil {
			if web.IsHTMX(c) || c.Path() == "/events" {
				c.Response().Header().Set("HX-Redirect", "/login")
				return echo.NewHTTPError(http.StatusUnauthorized, "Your session ended. Sign in again.")
			}
			return c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(c.Request().URL.RequestURI()))
		}
		return next(c)
	}
}

func (h *Handler) requireEditor(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !currentUser(c).CanEdit() {
			return echo.NewHTTPError(http.StatusForbidden, "Your role can view but not change anything. Ask an administrator for the manager role.")
		}
		return next(c)
	}
}

func (h *Handler) requireAdmin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !currentUser(c).IsAdmin() {
			return echo.NewHTTPError(http.StatusForbidden, "Only administrators can do that.")
		}
		return next(c)
	}
}

func (h *Handler) loginShow(c echo.Context) error {
	if currentUser(c) != nil {
		return c.Redirect(http.StatusSeeOther, "/")
	}
	f := views.LoginForm{Next: safeNext(c.QueryParam("next")), CSRF: web.CSRFToken(c)}
	return h.page(c, http.StatusOK, "Sign in", "", views.Login(f))
}

func (h *Handler) loginSubmit(c echo.Context) error {
	ctx := c.Request().Context()
	f := views.LoginForm{Email: strings.TrimSpace(c.FormValue("email")), Next: safeNext(c.FormValue("next")), CSRF: web.CSRFToken(c)}
	if !h.loginLimit.Allow(c.RealIP()) {
		f.Error = "Too many sign-in attempts from your address. Wait a minute and try again."
		return h.page(c, http.StatusTooManyRequests, "Sign in", "", views.Login(f))
	}
	u, err := h.Store.UserByEmail(ctx, f.Email)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	pw := c.FormValue("password")
	if u == nil {
		CheckPassword(string(dummyHash), pw)
	}
	if u == nil || !CheckPassword(u.PasswordHash, pw) || u.Disabled {
		f.Error = "That e-mail and password do not match an active account."
		h.audit(ctx, store.AuditEntry{Action: store.AuditLogin, Detail: f.Email, Outcome: "refused"})
		return h.page(c, http.StatusUnauthorized, "Sign in", "", views.Login(f))
	}
	if err := h.startSession(c, u); err != nil {
		return err
	}
	h.audit(ctx, store.AuditEntry{UserID: u.ID, Action: store.AuditLogin})
	return c.Redirect(http.StatusSeeOther, f.Next)
}

func (h *Handler) startSession(c echo.Context, u *store.User) error {
	sess := h.Sessions.Renew(c)
	sess.Values["uid"] = u.ID
	sess.Values["epoch"] = u.SessionEpoch
	return h.Sessions.Save(c, sess)
}

func (h *Handler) logout(c echo.Context) error {
	if u := currentUser(c); u != nil {
		h.Hub.DropOwner(u.ID)
		h.audit(c.Request().Context(), store.AuditEntry{UserID: u.ID, Action: store.AuditLogout})
	}
	sess := h.Sessions.Renew(c)
	sess.Options.MaxAge = -1
	if err := h.Sessions.Save(c, sess); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/login")
}

// safeNext keeps post-login redirects on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}

// NewSetupToken creates the one-time link for the first administrator,
// keeping only its hash.
func NewSetupToken(ctx context.Context, st *store.Store) (string, error) {
	tok := web.RandomToken(24)
	sum := sha256.Sum256([]byte(tok))
	return tok, st.SetSetting(ctx, setupKey, []byte(hex.EncodeToString(sum[:])))
}

func (h *Handler) setupValid(ctx context.Context, tok string) bool {
	want, err := h.Store.Setting(ctx, setupKey)
	if err != nil || tok == "" {
		return false
	}
	sum := sha256.Sum256([]byte(tok))
	return subtle.ConstantTimeCompare([]byte(hex.EncodeToString(sum[:])), want) == 1
}

func (h *Handler) setupShow(c echo.Context) error {
	if !h.setupValid(c.Request().Context(), c.QueryParam("token")) {
		return echo.NewHTTPError(http.StatusNotFound, "This setup link is not valid, or an administrator already exists.")
	}
	f := views.SetupForm{Token: c.QueryParam("token"), CSRF: web.CSRFToken(c)}
	return h.page(c, http.StatusOK, "Set up", "", views.Setup(f))
}

func (h *Handler) setupSubmit(c echo.Context) error {
	ctx := c.Request().Context()
	f := views.SetupForm{Token: c.FormValue("token"), Email: strings.TrimSpace(c.FormValue("email")), CSRF: web.CSRFToken(c), Errors: map[string]string{}}
	if !h.setupValid(ctx, f.Token) {
		return echo.NewHTTPError(http.StatusNotFound, "This setup link is not valid, or an administrator already exists.")
	}
	if !strings.Contains(f.Email, "@") {
		f.Errors["email"] = "Enter an e-mail address."
	}
	hash, err := HashPassword(c.FormValue("password"))
	if err != nil {
		f.Errors["password"] = "The " + err.Error() + "."
	}
	if len(f.Errors) > 0 {
		return h.page(c, http.StatusUnprocessableEntity, "Set up", "", views.Setup(f))
	}
	u := &store.User{Email: f.Email, PasswordHash: hash, Role: store.RoleAdmin}
	if _, err := h.Store.WithTx(ctx, func(t *store.Tx) error {
		if err := t.CreateUser(u); err != nil {
			return err
		}
		if err := t.DeleteSetting(setupKey); err != nil {
			return err
		}
		return t.Audit(store.AuditEntry{UserID: u.ID, Action: store.AuditSetup, Detail: "first administrator created"})
	}); err != nil {
		return err
	}
	if err := h.startSession(c, u); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/")
}
