package handlers

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"groupdeck/campaigns"
	"groupdeck/store"
	"groupdeck/views"
)

const (
	peoplePageSize     = 50
	personMessagesPage = 20
	personHistoryPage  = 30
	personRequestsMax  = 50
)

// peopleList is the People page. Searching as you type swaps the results
// in place (hx-select) and keeps the address bar on the short URL.
func (h *Handler) peopleList(c echo.Context) error {
	v := views.PeopleView{Search: strings.TrimSpace(c.QueryParam("q")), PageSize: peoplePageSize}
	v.Page, _ = strconv.Atoi(c.QueryParam("page"))
	if v.Page < 1 {
		v.Page = 1
	}
	var err error
	v.Rows, v.Total, err = h.Store.SearchPeople(c.Request().Context(),
		store.PeopleQuery{Search: v.Search, Limit: peoplePageSize, Offset: (v.Page - 1) * peoplePageSize})
	if err != nil {
		return err
	}
	if c.Request().Header.Get("HX-Request") == "true" {
		c.Response().Header().Set("HX-Replace-Url", "/people"+v.Query(v.Page))
		c.Response().Header().Set("Vary", "HX-Request")
	}
	return h.page(c, http.StatusOK, "People", "people", views.People(v))
}

// lookupPerson finds the person :key names, by any identifier they were
// seen with (a phone number still finds someone now keyed by BSUID).
func (h *Handler) lookupPerson(c echo.Context) (store.Person, error) {
	key := c.Param("key")
	p, ok, err := h.Store.PersonByAlias(c.Request().Context(), key)
	if err != nil {
		return p, err
	}
	if !ok {
		return p, echo.NewHTTPError(http.StatusNotFound, "Nobody groupdeck knows has the id “"+key+"”. Search for them on the People page.")
	}
	return p, nil
}

func (h *Handler) personShow(c echo.Context) error {
	p, err := h.lookupPerson(c)
	if err != nil {
		return err
	}
	if p.Key != c.Param("key") {
		return c.Redirect(http.StatusSeeOther, views.PersonPath(p.Key))
	}
	before, _ := strconv.ParseInt(c.QueryParam("before"), 10, 64)
	v, err := h.personView(c.Request().Context(), p, before, historyCursor(c, "history_"))
	if err != nil {
		return err
	}
	v.CanEdit = currentUser(c).CanEdit()
	return h.page(c, http.StatusOK, views.PersonName(p.Name, p.Username, p.WaID, p.UserID), "people", views.PersonPage(v))
}

func (h *Handler) personView(ctx context.Context, p store.Person, before int64, from store.EventCursor) (views.PersonView, error) {
	v := views.PersonView{Person: p}
	l, err := h.Store.PersonLabel(ctx, p.Key)
	if err != nil {
		return v, err
	}
	v.Label = views.LabelForm{Key: p.Key, Label: l.Label, Note: l.Note, UpdatedAt: l.UpdatedAt}
	if v.Groups, err = h.Store.PersonGroups(ctx, p.Key); err != nil {
		return v, err
	}
	if v.History, err = h.personHistory(ctx, p.Key, from); err != nil {
		return v, err
	}
	if v.Requests, err = h.Store.PersonRequests(ctx, p.Key, personRequestsMax+1); err != nil {
		return v, err
	}
	if len(v.Requests) > personRequestsMax {
		v.Requests, v.MoreRequests = v.Requests[:personRequestsMax], true
	}
	if v.Arrivals, err = h.personArrivals(ctx, p.Key); err != nil {
		return v, err
	}
	v.Messages, err = h.personMessages(ctx, p.Key, before)
	return v, err
}

// personArrivals are the person's arrivals a campaign is credited with,
// from the same attribution the campaign pages use.
func (h *Handler) personArrivals(ctx context.Context, key string) ([]views.PersonArrival, error) {
	rep, err := campaigns.Load(ctx, h.Store)
	if err != nil {
		return nil, err
	}
	var out []views.PersonArrival
	for _, a := range rep.Arrivals {
		if a.Key != key || a.Attribution == nil {
			continue
		}
		c, err := h.Store.CampaignByID(ctx, a.Attribution.CampaignID)
		if err != nil {
			continue // deleted since: nothing to link to
		}
		subject := ""
		if g, err := h.Store.GroupByID(ctx, a.GroupID); err == nil {
			subject = g.Subject
		}
		out = append(out, views.PersonArrival{Arrival: a, Campaign: c, Subject: subject})
	}
	return out, nil
}

func (h *Handler) personMessages(ctx context.Context, key string, before int64) (views.PersonMessagesView, error) {
	ms, err := h.Store.PersonMessages(ctx, key, before, personMessagesPage+1)
	v := views.PersonMessagesView{Key: key, Messages: ms}
	if len(ms) > personMessagesPage {
		v.Messages = ms[:personMessagesPage]
		v.Older = v.Messages[personMessagesPage-1].ID
	}
	return v, err
}

// personMessagesMore is the next page of a person's messages.
func (h *Handler) personMessagesMore(c echo.Context) error {
	p, err := h.lookupPerson(c)
	if err != nil {
		return err
	}
	before, _ := strconv.ParseInt(c.QueryParam("before"), 10, 64)
	v, err := h.personMessages(c.Request().Context(), p.Key, before)
	if err != nil {
		return err
	}
	return h.fragment(c, views.PersonMessages(v))
}

// historyCursor reads where a page of history starts from the query
// (prefix "history_" on the full page, none on the fragment).
func historyCursor(c echo.Context, prefix string) store.EventCursor {
	at, _ := strconv.ParseInt(c.QueryParam(prefix+"at"), 10, 64)
	id, _ := strconv.ParseInt(c.QueryParam(prefix+"id"), 10, 64)
	if at <= 0 || id <= 0 {
		return store.EventCursor{}
	}
	return store.EventCursor{At: at, ID: id}
}

func (h *Handler) personHistory(ctx context.Context, key string, from store.EventCursor) (views.PersonHistoryView, error) {
	es, err := h.Store.PersonEvents(ctx, key, from, personHistoryPage+1)
	v := views.PersonHistoryView{Key: key, Events: es}
	if len(es) > personHistoryPage {
		v.Events = es[:personHistoryPage]
		last := v.Events[personHistoryPage-1]
		v.Older = store.EventCursor{At: last.At, ID: last.ID}
	}
	return v, err
}

// personHistoryMore is the next page of a person's history.
func (h *Handler) personHistoryMore(c echo.Context) error {
	p, err := h.lookupPerson(c)
	if err != nil {
		return err
	}
	v, err := h.personHistory(c.Request().Context(), p.Key, historyCursor(c, ""))
	if err != nil {
		return err
	}
	return h.fragment(c, views.PersonHistory(v))
}

// personLabelSave stores a person's label and note through the same store
// code as the JSON API (audited in the same transaction). A refused save
// answers 422 with the form as typed and a message per field.
func (h *Handler) personLabelSave(c echo.Context) error {
	ctx := c.Request().Context()
	p, err := h.lookupPerson(c)
	if err != nil {
		return err
	}
	f := views.LabelForm{Key: p.Key, Label: c.FormValue("label"), Note: c.FormValue("note")}
	f.Label, f.Errors = store.CheckPersonLabel(f.Label, f.Note)
	htmx := c.Request().Header.Get("HX-Request") == "true"
	if f.Errors != nil {
		if htmx {
			return h.fragmentStatus(c, http.StatusUnprocessableEntity, views.PersonLabelForm(f, true))
		}
		v, err := h.personView(ctx, p, 0, store.EventCursor{})
		if err != nil {
			return err
		}
		v.Label, v.CanEdit = f, true
		return h.page(c, http.StatusUnprocessableEntity, views.PersonName(p.Name, p.Username, p.WaID, p.UserID), "people", views.PersonPage(v))
	}
	l := &store.PersonLabel{MemberKey: p.Key, Label: f.Label, Note: f.Note, UpdatedBy: currentUser(c).ID}
	if _, err := h.Store.WithTx(ctx, func(t *store.Tx) error { return t.SetPersonLabel(l) }); err != nil {
		return err
	}
	if !htmx {
		return c.Redirect(http.StatusSeeOther, views.PersonPath(p.Key))
	}
	f.UpdatedAt, f.Saved = l.UpdatedAt, true
	return h.fragment(c, views.PersonLabelForm(f, true))
}

// peopleCSV exports everyone with their label and note.
func (h *Handler) peopleCSV(c echo.Context) error {
	ctx := c.Request().Context()
	w := c.Response()
	w.Header().Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="people.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	cw := newCSV(w)
	_ = cw.Row("display_name", "phone", "wa_id", "user_id", "username", "name", "label", "note", "groups_now")
	err := h.Store.ExportPeople(ctx, func(r store.PersonRow) error {
		e164 := ""
		if d := digitsOnly(r.WaID); d != "" {
			e164 = "+" + d
		}
		return cw.Row(views.PersonName(r.Name, r.Username, r.WaID, r.UserID), e164, digitsOnly(r.WaID), r.UserID,
			r.Username, r.Name, r.Label, r.Note, strconv.Itoa(r.Groups))
	})
	if ferr := cw.Flush(); err == nil {
		err = ferr
	}
	h.audit(ctx, store.AuditEntry{UserID: currentUser(c).ID, Action: store.AuditPeopleExport})
	if err != nil {
		h.Log.Error("people export failed", "err", err)
	}
	return nil
}
