package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"groupdeck/store"
)

// person loads what is known of :key; a key groupdeck never saw is 404,
// so a typo does not create a label nobody can find.
func (a *API) person(c echo.Context) (Person, error) {
	ctx := c.Request().Context()
	key := c.Param("key")
	known, err := a.Store.KnownPerson(ctx, key)
	if err != nil {
		return Person{}, err
	}
	if !known {
		return Person{}, problem(http.StatusNotFound, "not-found", "Not found", "No participant or join request has the key "+key+".")
	}
	l, err := a.Store.PersonLabel(ctx, key)
	if err != nil {
		return Person{}, err
	}
	ms, err := a.Store.MemberGroups(ctx, key)
	if err != nil {
		return Person{}, err
	}
	return Person{Key: key, Label: l.Label, Note: l.Note, UpdatedAt: ts(l.UpdatedAt), Groups: ms}, nil
}

func (a *API) getPerson(c echo.Context) error {
	p, err := a.person(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, p)
}

func (a *API) labelPerson(c echo.Context) error {
	p, err := a.person(c)
	if err != nil {
		return err
	}
	var in Label
	if err := decode(c, &in); err != nil {
		return err
	}
	var errs map[string]string
	if in.Label, errs = store.CheckPersonLabel(in.Label, in.Note); errs != nil {
		return invalid(errs)
	}
	l := &store.PersonLabel{MemberKey: p.Key, Label: in.Label, Note: in.Note, UpdatedBy: user(c).ID}
	if _, err := a.Store.WithTx(c.Request().Context(), func(t *store.Tx) error { return t.SetPersonLabel(l) }); err != nil {
		return err
	}
	p.Label, p.Note, p.UpdatedAt = l.Label, l.Note, ts(l.UpdatedAt)
	return c.JSON(http.StatusOK, p)
}
