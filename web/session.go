package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"time"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"
)

// Sessions keeps signed and encrypted cookie sessions. The cookie carries
// a random session id; who is signed in under it is kept on the server
// (the handlers check the store's sessions table on every request).
type Sessions struct {
	store  *sessions.CookieStore
	name   string
	origin *http.CrossOriginProtection
	maxAge time.Duration
}

// DefaultMaxAge is how long a session lasts at most, signed in or not.
const DefaultMaxAge = 14 * 24 * time.Hour

// NewSessions builds the cookie store with DefaultMaxAge. key must be 64
// bytes: half signs, half encrypts. Secure cookies are used when the site
// is served over https.
func NewSessions(key []byte, secure bool) *Sessions {
	return NewSessionsMaxAge(key, secure, DefaultMaxAge)
}

// NewSessionsMaxAge is NewSessions with a lifetime: maxAge (0:
// DefaultMaxAge) is both how long the browser keeps the cookie and how old
// a cookie the server still accepts.
func NewSessionsMaxAge(key []byte, secure bool, maxAge time.Duration) *Sessions {
	if maxAge <= 0 {
		maxAge = DefaultMaxAge
	}
	st := sessions.NewCookieStore(key[:32], key[32:64])
	st.Options = &sessions.Options{
		Path: "/", HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode,
	}
	// MaxAge sets the cookie's lifetime and the age the codec accepts
	// (gorilla's default is 30 days whatever the cookie says).
	st.MaxAge(int(maxAge / time.Second))
	return &Sessions{store: st, name: "groupdeck", origin: http.NewCrossOriginProtection(), maxAge: maxAge}
}

// MaxAge is the absolute lifetime of a session.
func (s *Sessions) MaxAge() time.Duration { return s.maxAge }

// ID returns the request's session id ("" if it has none yet).
func (s *Sessions) ID(c echo.Context) string {
	id, _ := s.Get(c).Values["sid"].(string)
	return id
}

// SetFlash keeps a one-time message for the next page, in the signed and
// encrypted cookie: messages never travel in the URL, where anyone could
// write a link that prints their own text as the site's. kind is "ok" or
// "error".
func (s *Sessions) SetFlash(c echo.Context, kind, msg string) error {
	sess := s.Get(c)
	sess.Values["flash_kind"], sess.Values["flash_msg"] = kind, msg
	return s.Save(c, sess)
}

// TakeFlash returns and forgets the pending message, if any.
func (s *Sessions) TakeFlash(c echo.Context) (kind, msg string, err error) {
	sess := s.Get(c)
	msg, _ = sess.Values["flash_msg"].(string)
	if msg == "" {
		return "", "", nil
	}
	kind, _ = sess.Values["flash_kind"].(string)
	delete(sess.Values, "flash_kind")
	delete(sess.Values, "flash_msg")
	return kind, msg, s.Save(c, sess)
}

// Get returns the request's session, or a fresh one when the cookie is
// missing or does not verify.
func (s *Sessions) Get(c echo.Context) *sessions.Session {
	if v, ok := c.Get("session").(*sessions.Session); ok {
		return v
	}
	sess, err := s.store.Get(c.Request(), s.name)
	if err != nil {
		sess, _ = s.store.New(c.Request(), s.name)
	}
	c.Set("session", sess)
	return sess
}

// Save writes the session cookie.
func (s *Sessions) Save(c echo.Context, sess *sessions.Session) error {
	return sess.Save(c.Request(), c.Response())
}

// Renew starts a new session after login: fresh id and CSRF token, so a
// session fixed by an attacker before login is worthless.
func (s *Sessions) Renew(c echo.Context) *sessions.Session {
	sess := s.Get(c)
	for k := range sess.Values {
		delete(sess.Values, k)
	}
	sess.Values["sid"] = RandomToken(18)
	sess.Values["csrf"] = RandomToken(24)
	return sess
}

// RandomToken returns n random bytes, URL-safe base64 encoded.
func RandomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // the system's randomness failing is not recoverable
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// CSRFField is the form field, and CSRFHeader the header, that carry the token.
const (
	CSRFField  = "_csrf"
	CSRFHeader = "X-CSRF-Token"
)

// CSRF makes sure every session has a token and puts it on the request
// for forms to render. It refuses state-changing requests the browser marks
// as cross-origin (Sec-Fetch-Site, else Origin against Host) but never
// reads the body: each state-changing route checks the token itself with
// CheckCSRF, after its own body limit.
func (s *Sessions) CSRF(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		sess := s.Get(c)
		tok, _ := sess.Values["csrf"].(string)
		if tok == "" {
			tok = RandomToken(24)
			sess.Values["csrf"] = tok
			sess.Values["sid"] = RandomToken(18)
			if err := s.Save(c, sess); err != nil {
				return err
			}
		}
		c.Set("csrf", tok)
		c.SetRequest(c.Request().WithContext(context.WithValue(c.Request().Context(), csrfKey{}, tok)))
		if err := s.origin.Check(c.Request()); err != nil {
			return errCSRF()
		}
		return next(c)
	}
}

// CheckCSRF refuses a state-changing request that does not echo the
// session's token in the X-CSRF-Token header (htmx sends it) or the _csrf
// field of the body (plain forms). A token in the query string does not
// count: URLs end up in logs, history and Referer headers. It runs after
// CSRF and after the route's body limit, since reading the field reads
// the body.
func CheckCSRF(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		switch c.Request().Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			return next(c)
		}
		tok := CSRFToken(c)
		sent := c.Request().Header.Get(CSRFHeader)
		if sent == "" {
			var err error
			if sent, err = bodyToken(c.Request()); err != nil {
				return err
			}
		}
		if tok == "" || subtle.ConstantTimeCompare([]byte(sent), []byte(tok)) != 1 {
			return errCSRF()
		}
		return next(c)
	}
}

// bodyToken reads the token field from a url-encoded or multipart body. A
// body over the route's limit is answered as such; any other unreadable
// body simply carries no token.
func bodyToken(r *http.Request) (string, error) {
	// ParseMultipartForm would drop ParseForm's error on a url-encoded
	// body, so ParseForm is asked first.
	err := r.ParseForm()
	if err == nil {
		err = r.ParseMultipartForm(multipartMemory)
	}
	var tooBig *http.MaxBytesError
	if errors.Is(err, echo.ErrStatusRequestEntityTooLarge) || errors.As(err, &tooBig) {
		return "", echo.ErrStatusRequestEntityTooLarge
	}
	return r.PostFormValue(CSRFField), nil
}

// multipartMemory is how much of a multipart body is kept in memory; the
// rest goes to temporary files. It is what net/http uses when a handler
// asks for a form value.
const multipartMemory = 32 << 20

func errCSRF() error {
	return echo.NewHTTPError(http.StatusForbidden, "The form expired or came from another site. Reload the page and try again.")
}

type csrfKey struct{}

// CSRFFromContext returns the request's CSRF token, so any component
// rendering a form can include it.
func CSRFFromContext(ctx context.Context) string {
	t, _ := ctx.Value(csrfKey{}).(string)
	return t
}

// CSRFToken returns the token the CSRF middleware put on the request.
func CSRFToken(c echo.Context) string {
	t, _ := c.Get("csrf").(string)
	return t
}
