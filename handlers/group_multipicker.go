package handlers

import (
	"context"
	"strings"

	"github.com/labstack/echo/v4"

	"groupdeck/store"
	"groupdeck/views"
)

// maxChosen bounds the chips a page renders: a send to every group of a
// large fleet uses "all matching" instead.
const maxChosen = views.MaxChosen

// chosenGroups loads the chosen ids (form values) in the order given,
// skipping unknown ids and repeats; past maxChosen it counts the ids it
// dropped, so the page can say so.
func (h *Handler) chosenGroups(ctx context.Context, ids []string) ([]*store.Group, int, error) {
	nums := make([]int64, len(ids))
	for i, s := range ids {
		nums[i] = atoi64(s)
	}
	found, err := h.Store.GroupsByIDs(ctx, nums)
	if err != nil {
		return nil, 0, err
	}
	seen := map[int64]bool{}
	var out []*store.Group
	dropped := 0
	for _, id := range nums {
		if id <= 0 || seen[id] {
			continue
		}
		if len(out) >= maxChosen {
			dropped++
			continue
		}
		seen[id] = true
		if g := found[id]; g != nil {
			out = append(out, g)
		}
	}
	return out, dropped, nil
}

// groupMultiPicker fills a several-groups picker: the search's results
// (active groups, newest first) and the chosen groups.
func (h *Handler) groupMultiPicker(ctx context.Context, m views.MultiPickerView, chosen []string) (views.MultiPickerView, error) {
	var err error
	if m.Chosen, m.Dropped, err = h.chosenGroups(ctx, chosen); err != nil {
		return m, err
	}
	m.Groups, m.Total, err = h.Store.Groups(ctx, store.GroupFilter{Search: m.Search, Status: store.GroupActive, Limit: views.PickerLimit})
	return m, err
}

// groupMultiPick answers a several-groups picker's search as you type.
func (h *Handler) groupMultiPick(c echo.Context) error {
	m := views.MultiPickerView{Name: c.QueryParam("name"), ID: c.QueryParam("id"), Search: strings.TrimSpace(c.QueryParam("pick_q"))}
	if !pickerField.MatchString(m.Name) || !pickerField.MatchString(m.ID) {
		return echo.NewHTTPError(400, "This picker is not known.")
	}
	m, err := h.groupMultiPicker(c.Request().Context(), m, c.QueryParams()[m.Name])
	if err != nil {
		return err
	}
	return h.fragment(c, views.GroupMultiPickerResults(m))
}
