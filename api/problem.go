package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"groupdeck/groupops"
	"groupdeck/store"
)

// Problem is an error as RFC 9457 problem details. Type is a URI naming
// the kind of problem; Errors names the fields to fix, on 422.
type Problem struct {
	Type     string            `json:"type"`
	Title    string            `json:"title"`
	Status   int               `json:"status"`
	Detail   string            `json:"detail,omitempty"`
	Instance string            `json:"instance,omitempty"`
	Errors   map[string]string `json:"errors,omitempty"`
}

func (p *Problem) Error() string { return p.Title + ": " + p.Detail }

// problemBase prefixes every problem type; the README lists the kinds.
const problemBase = "https://groupdeck.invalid/problems/"

func problem(status int, kind, title, detail string) *Problem {
	return &Problem{Type: problemBase + kind, Title: title, Status: status, Detail: detail}
}

func invalid(errs map[string]string) *Problem {
	p := problem(http.StatusUnprocessableEntity, "invalid", "The request has fields to fix", "See errors: one sentence per field.")
	p.Errors = errs
	return p
}

// problems turns every error of an API route, including echo's own (an
// unknown route, a body over the limit), into problem JSON. Server errors
// are logged and their text never reaches the client.
func (a *API) problems(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		err := next(c)
		if err == nil || c.Response().Committed {
			return err
		}
		p := a.toProblem(c, err)
		p.Instance = c.Request().URL.Path
		return writeProblem(c, p)
	}
}

func (a *API) toProblem(c echo.Context, err error) *Problem {
	var p *Problem
	var he *echo.HTTPError
	var refused *groupops.Refused
	switch {
	case errors.As(err, &p):
		return p
	case errors.Is(err, store.ErrNotFound):
		return problem(http.StatusNotFound, "not-found", "Not found", "That item does not exist (any more).")
	case errors.As(err, &refused):
		return problem(http.StatusBadGateway, "whatsapp-refused", "WhatsApp refused the change", refused.Msg)
	case errors.As(err, &he) && he.Code < 500:
		detail := http.StatusText(he.Code)
		if he.Code == http.StatusRequestEntityTooLarge {
			detail = "The request body is too large."
		} else if m, ok := he.Message.(string); ok {
			detail = m
		}
		return problem(he.Code, "http-"+strconv.Itoa(he.Code), http.StatusText(he.Code), detail)
	}
	a.Log.Error("api request failed", "method", c.Request().Method, "path", c.Request().URL.Path, "err", err)
	return problem(http.StatusInternalServerError, "internal", "Something went wrong on our side",
		"Try again; if it keeps happening, tell your administrator.")
}

func writeProblem(c echo.Context, p *Problem) error {
	b, err := json.Marshal(p)
	if err != nil {
		return err
	}
	return c.Blob(p.Status, "application/problem+json", b)
}

// decode reads a JSON body into v, refusing unknown fields so a typo is
// an error instead of a silently ignored setting.
func decode(c echo.Context, v any) error {
	dec := json.NewDecoder(c.Request().Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooLarge *echo.HTTPError
		if errors.As(err, &tooLarge) {
			return err
		}
		return problem(http.StatusBadRequest, "bad-json", "The body is not the JSON this route takes", err.Error())
	}
	return nil
}

// HandleError answers, as problem JSON, an error that reached echo's
// error handler from an API path without passing through the API's own
// middleware (a method the path does not take).
func (a *API) HandleError(err error, c echo.Context) {
	p := a.toProblem(c, err)
	p.Instance = c.Request().URL.Path
	_ = writeProblem(c, p)
}
