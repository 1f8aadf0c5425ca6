package handlers

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"groupdeck/store"
	"groupdeck/views"
)

const groupsPageSize = 50

// groupQuery reads the list's search, filters, sort and page from the URL,
// so a view can be bookmarked and shared; unknown values fall back to the
// defaults instead of failing.
func groupQuery(c echo.Context) (store.GroupQuery, views.GroupListParams) {
	p := views.GroupListParams{
		Search:  strings.TrimSpace(c.QueryParam("q")),
		Status:  c.QueryParam("status"),
		Pending: c.QueryParam("pending") == "1",
		Room:    c.QueryParam("room"),
		Sort:    c.QueryParam("sort"),
	}
	switch p.Status {
	case store.GroupCreating, store.GroupActive, store.FilterSuspended, store.GroupFailed, store.GroupDeleted:
	default:
		p.Status = ""
	}
	switch p.Room {
	case store.RoomFull, store.RoomFree:
	default:
		p.Room = ""
	}
	switch p.Sort {
	case store.SortActivity, store.SortFullest:
	default:
		p.Sort = store.SortNewest
	}
	p.Page, _ = strconv.Atoi(c.QueryParam("page"))
	if p.Page < 1 {
		p.Page = 1
	}
	q := store.GroupQuery{Search: p.Search, Status: p.Status, Pending: p.Pending, Room: p.Room, Sort: p.Sort,
		Limit: groupsPageSize, Offset: (p.Page - 1) * groupsPageSize}
	return q, p
}

func (h *Handler) groupsView(c echo.Context) (views.GroupsView, error) {
	q, p := groupQuery(c)
	gs, total, err := h.Store.GroupList(c.Request().Context(), q)
	p.PageSize = groupsPageSize
	return views.GroupsView{Groups: gs, Total: total, Params: p, CanEdit: currentUser(c).CanEdit()}, err
}

func (h *Handler) groupList(c echo.Context) error {
	v, err := h.groupsView(c)
	if err != nil {
		return err
	}
	// A submitted filter form sends every field, empty ones too: answer
	// with the short form of the same view, which is what people share.
	// Searching as you type asks htmx to swap the results in place and
	// to show that short form in the address bar.
	if want := v.Params.Query(v.Params.Page); c.Request().Header.Get("HX-Request") == "true" {
		c.Response().Header().Set("HX-Replace-Url", "/groups"+want)
	} else if c.Request().URL.RawQuery != "" && "?"+c.Request().URL.RawQuery != want {
		return c.Redirect(http.StatusSeeOther, "/groups"+want)
	}
	return h.page(c, http.StatusOK, "Groups", "groups", views.Groups(v))
}

// groupRows is the live part of the list; the page re-fetches it with
// the same query whenever a group changes.
func (h *Handler) groupRows(c echo.Context) error {
	v, err := h.groupsView(c)
	if err != nil {
		return err
	}
	return h.fragment(c, views.GroupRows(v))
}
