package handlers

import (
	"context"
	"errors"
	"regexp"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"groupdeck/store"
	"groupdeck/views"
)

var pickerField = regexp.MustCompile(`^[a-z][a-z_-]{0,30}$`)

// groupPicker loads the picker's list: active groups whose subject
// contains search, newest first, with the chosen group (if any) kept on
// top so a search never drops the choice.
func (h *Handler) groupPicker(ctx context.Context, p views.PickerView) (views.PickerView, error) {
	gs, total, err := h.Store.Groups(ctx, store.GroupFilter{Search: p.Search, Status: store.GroupActive, Limit: views.PickerLimit})
	if err != nil {
		return p, err
	}
	p.Groups, p.Total = gs, total
	if p.Selected == 0 {
		return p, nil
	}
	for _, g := range gs {
		if g.ID == p.Selected {
			return p, nil
		}
	}
	g, err := h.Store.GroupByID(ctx, p.Selected)
	if errors.Is(err, store.ErrNotFound) {
		p.Selected = 0
		return p, nil
	}
	if err != nil {
		return p, err
	}
	p.Groups = append([]*store.Group{g}, p.Groups...)
	return p, nil
}

// groupPick answers a picker's search as you type.
func (h *Handler) groupPick(c echo.Context) error {
	if c.QueryParam("multi") == "1" {
		return h.groupMultiPick(c)
	}
	p := views.PickerView{Name: c.QueryParam("name"), Prefix: c.QueryParam("prefix"), ID: c.QueryParam("id"),
		Search: strings.TrimSpace(c.QueryParam("pick_q")), Any: c.QueryParam("any") == "1",
		CanCreate: currentUser(c).CanEdit()}
	if !pickerField.MatchString(p.Name) || !pickerField.MatchString(p.ID) || (p.Prefix != "" && !pickerField.MatchString(strings.TrimSuffix(p.Prefix, ":"))) {
		return echo.NewHTTPError(400, "This picker is not known.")
	}
	p.Selected, _ = strconv.ParseInt(strings.TrimPrefix(c.QueryParam(p.Name), p.Prefix), 10, 64)
	p, err := h.groupPicker(c.Request().Context(), p)
	if err != nil {
		return err
	}
	return h.fragment(c, views.GroupPickerResults(p))
}
