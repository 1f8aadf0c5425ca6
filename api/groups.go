package api

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"groupdeck/groupops"
	"groupdeck/store"
	"groupdeck/views"
	"groupdeck/whatsapp"
)

func pathInt(c echo.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, store.ErrNotFound
	}
	return id, nil
}

func (a *API) group(c echo.Context) (*store.Group, error) {
	id, err := pathInt(c, "id")
	if err != nil {
		return nil, err
	}
	return a.Store.GroupByID(c.Request().Context(), id)
}

// activeGroup loads a group that can be changed, or refuses with the
// sentence the group page shows.
func (a *API) activeGroup(c echo.Context) (*store.Group, error) {
	g, err := a.group(c)
	if err != nil {
		return nil, err
	}
	if why := views.ChangeRefusal(g); why != "" {
		return nil, problem(http.StatusConflict, "group-not-changeable", "The group cannot be changed now", why)
	}
	return g, nil
}

func (a *API) listGroups(c echo.Context) error {
	cur, limit, err := readPage(c)
	if err != nil {
		return err
	}
	status := c.QueryParam("status")
	switch status {
	case "", store.GroupActive, store.GroupCreating, store.GroupFailed, store.GroupDeleted, store.FilterSuspended:
	default:
		return invalid(map[string]string{"status": "Give creating, active, suspended, failed or deleted."})
	}
	gs, _, err := a.Store.GroupList(c.Request().Context(), store.GroupQuery{Search: c.QueryParam("q"), Status: status, Limit: limit + 1, Offset: cur.Offset})
	if err != nil {
		return err
	}
	p := Page[Group]{Items: []Group{}}
	for i, g := range gs {
		if i == limit {
			p.NextCursor = cursor{Offset: cur.Offset + limit}.String()
			break
		}
		p.Items = append(p.Items, toGroup(g))
	}
	return c.JSON(http.StatusOK, p)
}

func (a *API) createGroup(c echo.Context) error {
	var in NewGroup
	if err := decode(c, &in); err != nil {
		return err
	}
	if errs := groupops.ValidateGroup(&in.Subject, &in.Description, &in.JoinApprovalMode); len(errs) > 0 {
		return invalid(errs)
	}
	g, err := a.Ops.CreateGroup(c.Request().Context(), user(c).ID, in.Subject, in.Description, in.JoinApprovalMode)
	if err != nil {
		return err
	}
	if g.Status == store.GroupFailed {
		return problem(http.StatusBadGateway, "whatsapp-refused", "WhatsApp refused to create the group", g.Failure)
	}
	c.Response().Header().Set("Location", Prefix+"/groups/"+strconv.FormatInt(g.ID, 10))
	return c.JSON(http.StatusCreated, toGroup(g))
}

func (a *API) getGroup(c echo.Context) error {
	g, err := a.group(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toGroup(g))
}

func (a *API) updateGroup(c echo.Context) error {
	g, err := a.activeGroup(c)
	if err != nil {
		return err
	}
	var in GroupSettings
	if err := decode(c, &in); err != nil {
		return err
	}
	st := groupops.Settings{Subject: in.Subject, Description: in.Description, Photo: in.Photo}
	errs := groupops.ValidateSettings(st)
	if len(in.Photo) > 0 {
		if len(in.Photo) > whatsapp.PhotoMaxBytes {
			errs["photo"] = whatsapp.PhotoTooBig(int64(len(in.Photo)))
		} else if msg := whatsapp.CheckPhoto(in.Photo); msg != "" {
			errs["photo"] = msg
		}
	}
	if len(errs) > 0 {
		return invalid(errs)
	}
	err = a.Ops.UpdateSettings(c.Request().Context(), user(c).ID, g, st)
	if errors.Is(err, groupops.ErrNothingChanged) {
		return invalid(map[string]string{"subject": "Nothing changed: give a new subject, description or photo."})
	} else if err != nil {
		return err
	}
	return accepted(c, "Sent to WhatsApp; the group shows the change once WhatsApp confirms it.")
}

func (a *API) deleteGroup(c echo.Context) error {
	g, err := a.activeGroup(c)
	if err != nil {
		return err
	}
	if err := a.Ops.DeleteGroup(c.Request().Context(), user(c).ID, g); err != nil {
		return err
	}
	return accepted(c, "The group is being deleted; WhatsApp confirms it within a few seconds.")
}

func (a *API) getInvite(c echo.Context) error {
	g, err := a.group(c)
	if err != nil {
		return err
	}
	if g.InviteLink == "" {
		return problem(http.StatusNotFound, "no-invite-link", "The group has no invite link", "Reset the invite link to create one.")
	}
	return c.JSON(http.StatusOK, Invite{Link: g.InviteLink})
}

func (a *API) resetInvite(c echo.Context) error {
	g, err := a.activeGroup(c)
	if err != nil {
		return err
	}
	link, err := a.Ops.ChangeInvite(c.Request().Context(), user(c).ID, g, true)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, Invite{Link: link})
}

func (a *API) listParticipants(c echo.Context) error {
	cur, limit, err := readPage(c)
	if err != nil {
		return err
	}
	g, err := a.group(c)
	if err != nil {
		return err
	}
	ps, err := a.Store.Participants(c.Request().Context(), g.ID)
	if err != nil {
		return err
	}
	out := make([]Participant, len(ps))
	for i, p := range ps {
		out[i] = Participant{Key: p.Key, WaID: p.WaID, UserID: p.UserID, Username: p.Username, Name: p.Name, JoinedVia: p.JoinedVia, JoinedAt: ts(p.JoinedAt)}
	}
	return c.JSON(http.StatusOK, pageOf(out, cur, limit))
}

func (a *API) removeParticipants(c echo.Context) error {
	g, err := a.activeGroup(c)
	if err != nil {
		return err
	}
	var in Keys
	if err := decode(c, &in); err != nil {
		return err
	}
	chosen, missing, err := a.Ops.Members(c.Request().Context(), g.ID, in.Keys)
	if err != nil {
		return err
	}
	if len(missing) > 0 {
		return invalid(map[string]string{"keys": missing[0] + " is not a participant of this group (they may have left already)."})
	}
	switch {
	case len(chosen) == 0:
		return invalid(map[string]string{"keys": "Name the participants to remove."})
	case len(chosen) > store.MaxParticipants:
		return invalid(map[string]string{"keys": "WhatsApp removes at most 8 people at a time."})
	}
	if err := a.Ops.RemoveParticipants(c.Request().Context(), user(c).ID, g, chosen); err != nil {
		return err
	}
	return accepted(c, "Removal asked for; each person leaves the group when WhatsApp confirms.")
}
