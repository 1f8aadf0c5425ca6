package api

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"groupdeck/groupops"
	"groupdeck/messaging"
	"groupdeck/store"
	"groupdeck/templates"
	"groupdeck/whatsapp"
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
	uid := user(c).ID
	m, errs, err := a.draft(c.Request().Context(), uid, &in)
	if err != nil {
		return err
	}
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

// draft validates a message the way the composer does (groupops holds
// the rules both use) and returns it, or the sentence per field to fix.
func (a *API) draft(ctx context.Context, uid int64, in *NewMessage) (*store.Message, map[string]string, error) {
	switch in.Kind {
	case "text":
		m, errs := groupops.DraftText(uid, in.Body, in.PreviewURL)
		return m, errs, nil
	case store.KindTemplate:
		return a.draftTemplate(ctx, uid, in)
	case whatsapp.KindImage, whatsapp.KindVideo, whatsapp.KindDocument, whatsapp.KindAudio, whatsapp.KindSticker:
		m, errs := groupops.DraftMediaByID(uid, in.Kind, in.MediaID, in.Caption, in.Filename)
		return m, errs, nil
	}
	return nil, map[string]string{"kind": "Give text, template, image, video, document, audio or sticker."}, nil
}

// draftTemplate checks a template send against the cache of approved
// templates; variable problems are named "variables.<key>".
func (a *API) draftTemplate(ctx context.Context, uid int64, in *NewMessage) (*store.Message, map[string]string, error) {
	var ref TemplateRef
	if in.Template != nil {
		ref = *in.Template
	}
	cached, err := a.Store.Templates(ctx, true)
	if err != nil {
		return nil, nil, err
	}
	var chosen *whatsapp.TemplateInfo
	for _, t := range cached {
		if t.Name == ref.Name && t.Language == ref.Language {
			info := templates.Info(t)
			chosen = &info
			break
		}
	}
	m, media, tErrs := groupops.DraftTemplate(uid, chosen, ref.Name, ref.Language, in.Variables)
	errs := map[string]string{}
	for k, v := range tErrs {
		if k == "template" {
			errs[k] = v
		} else {
			errs["variables."+k] = v
		}
	}
	if chosen == nil {
		return m, errs, nil
	}
	fields := chosen.Fields()
	for k := range in.Variables {
		if k == groupops.HeaderMediaKey || !slices.ContainsFunc(fields, func(f whatsapp.TemplateField) bool { return f.Key == k }) {
			errs["variables."+k] = "The template has no variable " + k + "."
		}
	}
	id := strings.TrimSpace(in.HeaderMediaID)
	switch {
	case media != nil && id == "":
		errs["header_media_id"] = "This template needs a header " + media.Format + ": give the id of one already uploaded."
	case media == nil && id != "":
		errs["header_media_id"] = "This template has no media header."
	case media != nil:
		m.MediaID = id
	}
	return m, errs, nil
}
