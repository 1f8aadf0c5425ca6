package handlers

import (
	"cmp"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
	"golang.org/x/crypto/bcrypt"

	"groupdeck/store"
	"groupdeck/views"
	"groupdeck/web"
)

// Sign-in limits. Only failures count. Per client address (an IPv6
// client by its /64): ten, then one more every 30 s. Per account from one
// address: three, then a wait that doubles from 2 s up to 15 min. A
// correct password from another address is never refused because of
// these failures.
const (
	loginInterval = 30 * time.Second
	loginBurst    = 10
	acctFree      = 3
	acctBase      = 2 * time.Second
	acctMax       = 15 * time.Minute
	// MinPassword is the shortest password accepted.
	MinPassword = 10
	// defaultSessionIdle ends a session unused this long.
	defaultSessionIdle = 12 * time.Hour
	// touchEvery is how stale a session's last-seen time may get before a
	// request writes it: not a write per request.
	touchEvery = time.Minute
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

// loadUser puts the signed-in user on the request, and keeps signed-in
// pages out of every cache.
func (h *Handler) loadUser(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		u, err := h.sessionUser(c)
		if err != nil {
			return err
		}
		if u != nil {
			c.Set("user", u)
			web.NoStore(c)
		}
		return next(c)
	}
}

// sessionUser returns the user signed in under the request's session: the
// server must still hold the session (signing out, a password change and
// disabling delete it), and it must be neither idle past SessionIdle nor
// older than the sessions' lifetime; such a session is deleted.
func (h *Handler) sessionUser(c echo.Context) (*store.User, error) {
	sess := h.Sessions.Get(c)
	uid, _ := sess.Values["uid"].(int64)
	sid, _ := sess.Values["sid"].(string)
	if uid == 0 || sid == "" {
		return nil, nil
	}
	ctx := c.Request().Context()
	rec, err := h.Store.SessionByID(ctx, sid)
	if errors.Is(err, store.ErrNotFound) || (err == nil && rec.UserID != uid) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	now := h.Store.Now()
	idle := now.Sub(time.UnixMilli(rec.LastSeen))
	if idle > h.SessionIdle || now.Sub(time.UnixMilli(rec.CreatedAt)) > h.Sessions.MaxAge() {
		return nil, h.Store.DeleteSession(ctx, sid)
	}
	u, err := h.Store.UserByID(ctx, uid)
	if errors.Is(err, store.ErrNotFound) || (err == nil && u.Disabled) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if idle > touchEvery {
		if err := h.Store.TouchSession(ctx, sid); err != nil {
			h.Log.Warn("session last-seen not recorded", "err", err)
		}
	}
	return u, nil
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
	addr := web.AddrGroup(c.RealIP())
	acct := strings.ToLower(f.Email) + " from " + addr
	now := time.Now()
	if h.loginAddr.Spent(addr) {
		f.Error = "Too many failed sign-ins from your network. Wait a minute and try again."
		return h.page(c, http.StatusTooManyRequests, "Sign in", "", views.Login(f))
	}
	if wait := h.loginAcct.Wait(acct, now); wait > 0 {
		f.Error = "Too many failed sign-ins to this account from your address. Try again in " + waitText(wait) + "."
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
		h.loginAddr.Take(addr)
		h.loginAcct.Fail(acct, now)
		f.Error = "That e-mail and password do not match an active account."
		h.audit(ctx, store.AuditEntry{Action: store.AuditLogin, Detail: f.Email, Outcome: "refused"})
		return h.page(c, http.StatusUnauthorized, "Sign in", "", views.Login(f))
	}
	h.loginAcct.Reset(acct)
	if err := h.startSession(c, u); err != nil {
		return err
	}
	h.audit(ctx, store.AuditEntry{UserID: u.ID, Action: store.AuditLogin})
	return c.Redirect(http.StatusSeeOther, f.Next)
}

// waitText says a wait in whole seconds or minutes, rounded up.
func waitText(d time.Duration) string {
	if d <= time.Minute {
		return strconv.Itoa(int((d+time.Second-1)/time.Second)) + " seconds"
	}
	return strconv.Itoa(int((d+time.Minute-1)/time.Minute)) + " minutes"
}

// startSession signs u in: a fresh session id and CSRF token, recorded on
// the server with a hint of the client, so the user can recognise it in
// their list of sessions.
func (h *Handler) startSession(c echo.Context, u *store.User) error {
	ctx := c.Request().Context()
	sess := h.Sessions.Renew(c)
	sess.Values["uid"] = u.ID
	sid, _ := sess.Values["sid"].(string)
	now := h.Store.Now()
	if err := h.Store.DeleteExpiredSessions(ctx, now.Add(-h.SessionIdle).UnixMilli(), now.Add(-h.Sessions.MaxAge()).UnixMilli()); err != nil {
		h.Log.Warn("expired sessions not deleted", "err", err)
	}
	if err := h.Store.CreateSession(ctx, sid, u.ID, clientHint(c.Request().UserAgent(), c.RealIP())); err != nil {
		return err
	}
	return h.Sessions.Save(c, sess)
}

// logout ends the session on the server, so a copy of the cookie is
// worthless, and clears it in the browser. Its event streams end at their
// next recheck, when they find the session gone; Hub.DropOwner is not
// used: it would cut the user's streams in their other sessions too, and
// this page's own stream while the browser is still leaving it (an error
// in its console).
func (h *Handler) logout(c echo.Context) error {
	if u := currentUser(c); u != nil {
		h.audit(c.Request().Context(), store.AuditEntry{UserID: u.ID, Action: store.AuditLogout})
	}
	if sid := h.Sessions.ID(c); sid != "" {
		if err := h.Store.DeleteSession(c.Request().Context(), sid); err != nil {
			return err
		}
	}
	sess := h.Sessions.Renew(c)
	sess.Options.MaxAge = -1
	if err := h.Sessions.Save(c, sess); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/login")
}

// safeNext keeps post-login redirects on this site: only a path on this
// origin, with no control characters (browsers drop tabs and newlines, so
// "/\t/evil.example" would become "//evil.example") and no backslashes
// (which browsers read as slashes).
func safeNext(next string) string {
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.Opaque != "" || u.User != nil ||
		!strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") ||
		!strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") ||
		unsafeChars(next) || unsafeChars(u.Path) {
		return "/"
	}
	return next
}

func unsafeChars(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r == '\\' || unicode.IsControl(r) || r == utf8.RuneError })
}

// NewSetupToken creates the one-time link for the first administrator,
// keeping only its hash.
func NewSetupToken(ctx context.Context, st *store.Store) (string, error) {
	tok := web.RandomToken(24)
	return tok, st.SetSetting(ctx, store.SetupTokenKey, []byte(setupHash(tok)))
}

func setupHash(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(sum[:])
}

// setupValid reports whether tok is the setup token and no user exists
// yet; a token left over next to an existing user is deleted.
func (h *Handler) setupValid(ctx context.Context, tok string) (bool, error) {
	want, err := h.Store.Setting(ctx, store.SetupTokenKey)
	if errors.Is(err, store.ErrNotFound) || tok == "" {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if n, err := h.Store.CountUsers(ctx); err != nil || n > 0 {
		if err == nil {
			err = h.Store.DeleteSetting(ctx, store.SetupTokenKey)
		}
		return false, err
	}
	return subtle.ConstantTimeCompare([]byte(setupHash(tok)), want) == 1, nil
}

func errSetupUsed() error {
	return echo.NewHTTPError(http.StatusNotFound, "This setup link is not valid, or an administrator already exists.")
}

func (h *Handler) setupShow(c echo.Context) error {
	if ok, err := h.setupValid(c.Request().Context(), c.QueryParam("token")); err != nil || !ok {
		return cmp.Or(err, errSetupUsed())
	}
	f := views.SetupForm{Token: c.QueryParam("token"), CSRF: web.CSRFToken(c)}
	return h.page(c, http.StatusOK, "Set up", "", views.Setup(f))
}

// setupSubmit creates the first administrator. The store checks the token
// and that no user exists in the transaction that creates the account and
// deletes the token, so concurrent submits of one link create one account.
func (h *Handler) setupSubmit(c echo.Context) error {
	ctx := c.Request().Context()
	f := views.SetupForm{Token: c.FormValue("token"), Email: strings.TrimSpace(c.FormValue("email")), CSRF: web.CSRFToken(c), Errors: map[string]string{}}
	if ok, err := h.setupValid(ctx, f.Token); err != nil || !ok {
		return cmp.Or(err, errSetupUsed())
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
	err = h.Store.CreateFirstAdmin(ctx, setupHash(f.Token), u, func(t *store.Tx) error {
		return t.Audit(store.AuditEntry{UserID: u.ID, Action: store.AuditSetup, Detail: "first administrator created"})
	})
	if errors.Is(err, store.ErrSetupUsed) {
		return errSetupUsed()
	} else if err != nil {
		return err
	}
	if err := h.startSession(c, u); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/")
}
