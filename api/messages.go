package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"groupdeck/groupops"
	"groupdeck/messaging"
	"groupdeck/store"
)

// listMessages pages a group's timeline from the newest back.
func (a *API) listMessages(c echo.Context) error {
	cur, limit, err := readPage(c)
	if err != nil {
		return err
	}
	g, err := a.group(c)
	if err != nil {
		return err
	}
	ms, err := a.Store.MessagesBefore(c.Request().Context(), g.ID, store.Message{CreatedAt: cur.At, ID: cur.ID}, limit+1)
	if err != nil {
		return err
	}
	// The store answers oldest first; the page goes newest first.
	p := Page[Message]{Items: []Message{}}
	for i := len(ms) - 1; i >= 0; i-- {
		if len(p.Items) == limit {
			last := ms[i+1]
			p.NextCursor = cursor{At: last.CreatedAt, ID: last.ID}.String()
			break
		}
		p.Items = append(p.Items, toMessage(&ms[i]))
	}
	return c.JSON(http.StatusOK, p)
}

func (a *API) sendMessage(c echo.Context) error {
	g, err := a.group(c)
	if err != nil {
		return err
	}
	var in NewMessage
	if err := decode(c, &in); err != nil {
		return err
	}
	if refusal := messaging.Refusal(g); refusal != "" {
		return problem(http.StatusConflict, "group-not-changeable", "Messages cannot be sent to this group now", refusal)
	}
	if in.Kind != "text" {
		return invalid(map[string]string{"kind": "Give text: templates and media are sent from the group page for now."})
	}
	uid := user(c).ID
	m, errs := groupops.DraftText(uid, in.Body, in.PreviewURL)
	if len(errs) > 0 {
		return invalid(errs)
	}
	if err := a.Ops.QueueMessage(c.Request().Context(), uid, g, m); err != nil {
		return err
	}
	return c.JSON(http.StatusAccepted, toMessage(m))
}

func (a *API) listReceipts(c echo.Context) error {
	gid, err := pathInt(c, "id")
	if err != nil {
		return err
	}
	mid, err := pathInt(c, "mid")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	m, err := a.Store.MessageByID(ctx, gid, mid)
	if err != nil {
		return err
	}
	out := []Receipt{}
	if m.WAMID != "" {
		rs, err := a.Store.Receipts(ctx, gid, m.WAMID)
		if err != nil {
			return err
		}
		for _, r := range rs {
			out = append(out, Receipt{Member: r.Member, Name: r.Name, Current: r.Current, DeliveredAt: ts(r.DeliveredAt), ReadAt: ts(r.ReadAt), Failed: r.Failed})
		}
	}
	return c.JSON(http.StatusOK, out)
}
