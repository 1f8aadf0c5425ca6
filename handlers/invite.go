package handlers

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"path"

	"github.com/labstack/echo/v4"
	qrcode "github.com/skip2/go-qrcode"

	"groupdeck/groupops"
	"groupdeck/store"
	"groupdeck/views"
)

// activeGroup loads a group that WhatsApp knows and that can be changed,
// or answers with a sentence saying why not.
func (h *Handler) activeGroup(c echo.Context) (*store.Group, error) {
	g, err := h.loadGroup(c)
	if err != nil {
		return nil, err
	}
	// The same reason the group page shows beside its disabled controls.
	if why := views.ChangeRefusal(g); why != "" {
		return nil, echo.NewHTTPError(http.StatusConflict, why)
	}
	return g, nil
}

// inviteReset creates a new invite link; every earlier link stops working.
func (h *Handler) inviteReset(c echo.Context) error { return h.inviteChange(c, true) }

// inviteDelete removes the link: nobody can join until a new one is made.
func (h *Handler) inviteDelete(c echo.Context) error { return h.inviteChange(c, false) }

func (h *Handler) inviteChange(c echo.Context, reset bool) error {
	g, err := h.activeGroup(c)
	if err != nil {
		return err
	}
	u := currentUser(c)
	link, err := h.ops.ChangeInvite(c.Request().Context(), u.ID, g, reset)
	var refused *groupops.Refused
	if errors.As(err, &refused) {
		return h.fragment(c, views.InviteCardMsg(g, u.CanEdit(), "", refused.Msg))
	} else if err != nil {
		return err
	}
	g.InviteLink = link
	notice := "The invite link was deleted. Nobody can join until you create a new one."
	if link != "" {
		notice = "New invite link created. Every earlier copy of the link has stopped working."
	}
	return h.fragment(c, views.InviteCardMsg(g, u.CanEdit(), notice, ""))
}

// inviteQR serves the invite link as a QR code, PNG or SVG, for posters.
func (h *Handler) inviteQR(c echo.Context) error {
	g, err := h.loadGroup(c)
	if err != nil {
		return err
	}
	if g.InviteLink == "" {
		return echo.NewHTTPError(http.StatusNotFound, "This group has no invite link at the moment.")
	}
	q, err := qrcode.New(g.InviteLink, qrcode.Medium)
	if err != nil {
		return fmt.Errorf("handlers: qr code: %w", err)
	}
	name, ext := "invite-"+itoa64(g.ID), path.Ext(c.Request().URL.Path)[1:]
	if c.QueryParam("download") == "1" {
		c.Response().Header().Set("Content-Disposition", `attachment; filename="`+name+"."+ext+`"`)
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	switch ext {
	case "png":
		png, err := q.PNG(512)
		if err != nil {
			return fmt.Errorf("handlers: qr png: %w", err)
		}
		return c.Blob(http.StatusOK, "image/png", png)
	case "svg":
		return c.Blob(http.StatusOK, "image/svg+xml", qrSVG(q.Bitmap()))
	}
	return store.ErrNotFound
}

// qrSVG draws a QR bitmap as one path of unit squares, which scales to any
// print size without blurring.
func qrSVG(bits [][]bool) []byte {
	n := len(bits)
	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" shape-rendering="crispEdges">`, n, n)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, n, n)
	for y, row := range bits {
		for x, on := range row {
			if on {
				fmt.Fprintf(&b, "M%d %dh1v1h-1z", x, y)
			}
		}
	}
	b.WriteString(`"/></svg>`)
	return b.Bytes()
}

// humanErr is whatsapp.Human plus what to do about a rate limit.
func humanErr(err error) string { return groupops.Human(err) }
