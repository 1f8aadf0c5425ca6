package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"groupdeck/api"
	"groupdeck/store"
	"groupdeck/views"
)

// The signed-in user's personal API tokens (api/ authenticates them).

func (h *Handler) tokensView(c echo.Context) (views.TokensView, error) {
	u := currentUser(c)
	ts, err := h.Store.APITokens(c.Request().Context(), u.ID)
	return views.TokensView{Tokens: ts, Now: h.Store.Now().UnixMilli(), Role: u.Role, Form: views.TokenForm{Errors: map[string]string{}}}, err
}

func (h *Handler) tokensShow(c echo.Context) error {
	v, err := h.tokensView(c)
	if err != nil {
		return err
	}
	if c.QueryParam("revoked") == "1" {
		v.Notice = "The token was revoked; tools using it are refused from now on."
	}
	return h.page(c, http.StatusOK, "API tokens", "tokens", views.TokensPage(v))
}

// tokenCreate makes a token and shows it this once: only its hash is kept.
func (h *Handler) tokenCreate(c echo.Context) error {
	v, err := h.tokensView(c)
	if err != nil {
		return err
	}
	v.Form.Name, v.Form.Days = strings.TrimSpace(c.FormValue("name")), c.FormValue("days")
	switch n := utf8.RuneCountInString(v.Form.Name); {
	case n == 0:
		v.Form.Errors["name"] = "Name the token after what will use it, so you know which to revoke."
	case n > 64:
		v.Form.Errors["name"] = "The name has " + itoa(n) + " characters; at most 64."
	}
	days, err := strconv.Atoi(v.Form.Days)
	if err != nil || (days != 30 && days != 90 && days != 365) {
		v.Form.Errors["days"] = "Choose when the token expires."
	}
	if len(v.Form.Errors) > 0 {
		return h.page(c, http.StatusUnprocessableEntity, "API tokens", "tokens", views.TokensPage(v))
	}
	tok, rec := api.NewToken(currentUser(c).ID, v.Form.Name, h.Store.Now().Add(time.Duration(days)*24*time.Hour))
	if err := h.Store.CreateAPIToken(c.Request().Context(), rec); err != nil {
		return err
	}
	if v, err = h.tokensView(c); err != nil {
		return err
	}
	v.Created = tok
	// The token is in this page only: keep it out of caches.
	c.Response().Header().Set("Cache-Control", "no-store")
	return h.page(c, http.StatusOK, "API tokens", "tokens", views.TokensPage(v))
}

func (h *Handler) tokenRevoke(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	// Only the owner's own tokens: another user's id is "not found".
	if err := h.Store.RevokeAPIToken(c.Request().Context(), currentUser(c).ID, id); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return echo.NewHTTPError(http.StatusNotFound, "You have no such token.")
		}
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/account/tokens?revoked=1")
}
