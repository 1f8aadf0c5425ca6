package api

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"groupdeck/store"
)

// tokenPrefix starts every token, so a leaked one is easy to recognise
// (and for secret scanners to find).
const tokenPrefix = "gd_"

// touchEvery throttles writes of a token's last-used time: a busy client
// would otherwise make every read request a database write.
const touchEvery = time.Minute

// NewToken returns a new random token and the record that stores it
// (only its hash and first characters). The token has 256 bits of
// entropy, so SHA-256 suffices: nobody can guess it, and a slow password
// hash would only slow down every request.
func NewToken(userID int64, name string, expires time.Time) (string, *store.APIToken) {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	tok := tokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	return tok, &store.APIToken{UserID: userID, Name: name, Hash: HashToken(tok), Prefix: tok[:len(tokenPrefix)+6], ExpiresAt: expires.UnixMilli()}
}

// HashToken is how a token is stored and looked up.
func HashToken(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(sum[:])
}

func unauthorized(detail string) *Problem {
	return problem(http.StatusUnauthorized, "unauthorized", "A valid API token is needed", detail)
}

// authenticate accepts only a personal token sent as a bearer token. A
// request with cookies is refused: the API never acts on a browser
// session, so a page cannot make a signed-in browser call it.
func (a *API) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if r.Header.Get("Cookie") != "" {
			return problem(http.StatusBadRequest, "cookies-refused", "Cookies are not accepted on the API",
				"Send the personal token as Authorization: Bearer, without cookies.")
		}
		c.Response().Header().Set("WWW-Authenticate", `Bearer realm="groupdeck"`)
		scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || !strings.HasPrefix(tok, tokenPrefix) {
			return unauthorized("Send a personal API token as Authorization: Bearer gd_…; create one on your account page.")
		}
		ctx := r.Context()
		t, err := a.Store.APITokenByHash(ctx, HashToken(strings.TrimSpace(tok)))
		if errors.Is(err, store.ErrNotFound) {
			return unauthorized("That token is not known.")
		} else if err != nil {
			return err
		}
		now := a.Now()
		if t.RevokedAt != 0 {
			return unauthorized("That token was revoked.")
		}
		if !t.Live(now.UnixMilli()) {
			return unauthorized("That token has expired; create a new one on your account page.")
		}
		u, err := a.Store.UserByID(ctx, t.UserID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if u == nil || u.Disabled {
			return unauthorized("The account this token belongs to is disabled.")
		}
		if now.UnixMilli()-t.LastUsedAt >= touchEvery.Milliseconds() {
			if err := a.Store.TouchAPIToken(ctx, t.ID, now.UnixMilli()); err != nil {
				a.Log.Error("record token use failed", "token", t.ID, "err", err)
			}
		}
		c.Response().Header().Del("WWW-Authenticate")
		c.Set("user", u)
		c.Set("token", t)
		return next(c)
	}
}

func token(c echo.Context) *store.APIToken {
	t, _ := c.Get("token").(*store.APIToken)
	return t
}
