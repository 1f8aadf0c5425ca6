package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"groupdeck/bulkcreate"
	"groupdeck/jobs"
	"groupdeck/store"
	"groupdeck/views"
)

// jobItemsShown bounds the per-item table; the counts cover the rest.
const jobItemsShown = 500

func (h *Handler) jobView(c echo.Context) (views.JobView, error) {
	id, err := pathID(c)
	if err != nil {
		return views.JobView{}, err
	}
	ctx := c.Request().Context()
	j, err := h.Store.JobByID(ctx, id)
	if err != nil {
		return views.JobView{}, err
	}
	items, err := h.Store.JobItems(ctx, id, 0, jobItemsShown)
	if err != nil {
		return views.JobView{}, err
	}
	v := views.JobView{Job: j, Items: items, More: j.Total - len(items), CanEdit: currentUser(c).CanEdit()}
	if jobs.Kind(j.Kind) == jobs.KindGroupsCreate {
		// Each created row links to its group and says Creating… until
		// WhatsApp confirms it (the page follows group changes live).
		v.Groups = map[int]*store.Group{}
		for _, it := range items {
			if id, ok := bulkcreate.GroupOf(it.Result); ok {
				g, err := h.Store.GroupByID(ctx, id)
				if err == nil {
					v.Groups[it.Seq] = g
				} else if !errors.Is(err, store.ErrNotFound) {
					return v, err
				}
			}
		}
	}
	return v, nil
}

func (h *Handler) jobShow(c echo.Context) error {
	v, err := h.jobView(c)
	if err != nil {
		return err
	}
	return h.page(c, http.StatusOK, v.Job.Title, "jobs", views.JobPage(v))
}

func (h *Handler) jobProgress(c echo.Context) error {
	v, err := h.jobView(c)
	if err != nil {
		return err
	}
	return h.fragment(c, views.JobProgress(v))
}

func (h *Handler) jobList(c echo.Context) error {
	js, err := h.Store.Jobs(c.Request().Context(), "", 100)
	if err != nil {
		return err
	}
	return h.page(c, http.StatusOK, "Background jobs", "jobs", views.Jobs(views.JobsView{Jobs: js}))
}

func (h *Handler) jobCancel(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if _, err := h.Store.JobByID(ctx, id); err != nil {
		return err
	}
	if err := h.Jobs.Cancel(ctx, id); err != nil {
		return err
	}
	h.audit(ctx, store.AuditEntry{UserID: currentUser(c).ID, Action: store.AuditJobCancel, Detail: itoa64(id)})
	return c.Redirect(http.StatusSeeOther, "/jobs/"+itoa64(id))
}
