package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"groupdeck/campaigns"
	"groupdeck/store"
)

func (a *API) listCampaigns(c echo.Context) error {
	cur, limit, err := readPage(c)
	if err != nil {
		return err
	}
	cs, err := a.Store.Campaigns(c.Request().Context(), 0)
	if err != nil {
		return err
	}
	out := make([]Campaign, len(cs))
	for i, camp := range cs {
		out[i] = toCampaign(camp)
	}
	return c.JSON(http.StatusOK, pageOf(out, cur, limit))
}

func (a *API) campaign(c echo.Context) (*store.Campaign, error) {
	id, err := pathInt(c, "id")
	if err != nil {
		return nil, err
	}
	return a.Store.CampaignByID(c.Request().Context(), id)
}

func (a *API) getCampaign(c echo.Context) error {
	camp, err := a.campaign(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toCampaign(camp))
}

// getFunnel counts the funnel the campaign page shows, from the same
// attribution report.
func (a *API) getFunnel(c echo.Context) error {
	camp, err := a.campaign(c)
	if err != nil {
		return err
	}
	rep, err := campaigns.Load(c.Request().Context(), a.Store)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toFunnel(rep.Funnel(camp.ID)))
}

func (a *API) getJob(c echo.Context) error {
	id, err := pathInt(c, "id")
	if err != nil {
		return err
	}
	j, err := a.Store.JobByID(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toJob(j))
}
