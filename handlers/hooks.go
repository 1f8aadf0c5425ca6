package handlers

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"groupdeck/hooks"
	"groupdeck/store"
	"groupdeck/views"
)

// Outgoing webhooks: admins register endpoints and read their delivery
// log. Every change is audited and reloads the in-memory subscriptions
// the ingest path consults.

const (
	hookLogShown  = 100
	minHookSecret = 16
)

// Audit actions of this page.
const (
	AuditHookCreate    store.AuditAction = "hook.create"
	AuditHookUpdate    store.AuditAction = "hook.update"
	AuditHookDelete    store.AuditAction = "hook.delete"
	AuditHookTest      store.AuditAction = "hook.test"
	AuditHookRedeliver store.AuditAction = "hook.redeliver"
	AuditHookSettings  store.AuditAction = "hook.settings"
)

func hookKinds() []views.HookKind {
	out := make([]views.HookKind, len(hooks.Kinds))
	for i, k := range hooks.Kinds {
		out[i] = views.HookKind{Name: k.Name, Label: k.Label}
	}
	return out
}

func hooksBack(c echo.Context, path, notice, errMsg string) error {
	q := url.Values{}
	if notice != "" {
		q.Set("notice", notice)
	}
	if errMsg != "" {
		q.Set("error", errMsg)
	}
	return c.Redirect(http.StatusSeeOther, path+"?"+q.Encode())
}

func (h *Handler) hooksPage(c echo.Context, status int, f views.HookForm) error {
	eps, err := h.Store.HookEndpoints(c.Request().Context())
	if err != nil {
		return err
	}
	if f.Events == nil {
		f.Events = map[string]bool{}
	}
	v := views.HooksView{Endpoints: eps, Kinds: hookKinds(), AllowPrivate: h.Hooks.AllowPrivate(), Form: f,
		Notice: c.QueryParam("notice"), Error: c.QueryParam("error")}
	return h.page(c, status, "Outgoing webhooks", "hooks", views.HooksPage(v))
}

func (h *Handler) hooksShow(c echo.Context) error {
	return h.hooksPage(c, http.StatusOK, views.HookForm{})
}

// hookForm reads and checks the endpoint form; a new endpoint without a
// secret gets a random one.
func (h *Handler) hookForm(c echo.Context, isNew bool) (views.HookForm, *store.HookEndpoint) {
	f := views.HookForm{URL: strings.TrimSpace(c.FormValue("url")), Events: map[string]bool{},
		Enabled: isNew || c.FormValue("enabled") == "1", Errors: map[string]string{}}
	e := &store.HookEndpoint{URL: f.URL, Enabled: f.Enabled, Secret: c.FormValue("secret")}
	if msg := h.checkTarget(c.Request().Context(), f.URL); msg != "" {
		f.Errors["url"] = msg
	}
	if e.Secret != "" && len(e.Secret) < minHookSecret {
		f.Errors["secret"] = "Use at least 16 characters, or leave it empty."
	}
	if isNew && e.Secret == "" {
		b := make([]byte, 24)
		_, _ = rand.Read(b)
		e.Secret = "whsec_" + hex.EncodeToString(b)
	}
	form, _ := c.FormParams()
	for _, k := range form["events"] {
		if hooks.ValidKind(k) && !f.Events[k] {
			f.Events[k] = true
			e.Events = append(e.Events, k)
		}
	}
	if len(e.Events) == 0 {
		f.Errors["events"] = "Choose at least one event."
	}
	return f, e
}

// checkTarget refuses URLs that are not http(s) or, unless allowed,
// resolve to a private address. The sender checks again on every
// connection; this is for a clear message now.
func (h *Handler) checkTarget(ctx context.Context, raw string) string {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		return "Enter a full http:// or https:// URL."
	}
	if u.User != nil {
		return "Put credentials in the signing secret, not in the URL."
	}
	if h.Hooks.AllowPrivate() {
		return ""
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	var ips []netip.Addr
	if ip, err := netip.ParseAddr(u.Hostname()); err == nil {
		ips = []netip.Addr{ip}
	} else if ips, err = net.DefaultResolver.LookupNetIP(ctx, "ip", u.Hostname()); err != nil {
		return "The host " + u.Hostname() + " could not be found."
	}
	for _, ip := range ips {
		if !hooks.Public(ip) {
			return "This address is private, loopback or link-local (" + ip.String() + "); an admin must allow private targets below first."
		}
	}
	return ""
}

func (h *Handler) hookCreate(c echo.Context) error {
	f, e := h.hookForm(c, true)
	if len(f.Errors) > 0 {
		return h.hooksPage(c, http.StatusUnprocessableEntity, f)
	}
	ctx := c.Request().Context()
	if _, err := h.Store.WithTx(ctx, func(t *store.Tx) error {
		if err := t.CreateHookEndpoint(e); err != nil {
			return err
		}
		return t.Audit(store.AuditEntry{UserID: currentUser(c).ID, Action: AuditHookCreate, Detail: e.URL + " for " + strings.Join(e.Events, ", ")})
	}); err != nil {
		return err
	}
	h.hooksChanged(ctx)
	return hooksBack(c, "/hooks/"+strconv.FormatInt(e.ID, 10), "Endpoint added. Send it a test event to check it answers.", "")
}

func (h *Handler) hooksChanged(ctx context.Context) {
	if err := h.Hooks.Load(ctx, h.Store); err != nil {
		h.Log.Error("outgoing webhooks: reload subscriptions", "err", err)
	}
}

func (h *Handler) hookEndpoint(c echo.Context) (*store.HookEndpoint, error) {
	id, err := pathID(c)
	if err != nil {
		return nil, err
	}
	return h.Store.HookEndpoint(c.Request().Context(), id)
}

func (h *Handler) hookPage(c echo.Context, status int, e *store.HookEndpoint, f *views.HookForm) error {
	log, err := h.Store.HookAttempts(c.Request().Context(), e.ID, hookLogShown)
	if err != nil {
		return err
	}
	if f == nil {
		f = &views.HookForm{URL: e.URL, Enabled: e.Enabled, Events: map[string]bool{}}
		for _, k := range e.Events {
			f.Events[k] = true
		}
	}
	v := views.HookView{Endpoint: e, Kinds: hookKinds(), Form: *f, Log: log, Notice: c.QueryParam("notice"), Error: c.QueryParam("error")}
	return h.page(c, status, "Webhook endpoint", "hooks", views.HookPage(v))
}

func (h *Handler) hookShow(c echo.Context) error {
	e, err := h.hookEndpoint(c)
	if err != nil {
		return err
	}
	return h.hookPage(c, http.StatusOK, e, nil)
}

func (h *Handler) hookUpdate(c echo.Context) error {
	cur, err := h.hookEndpoint(c)
	if err != nil {
		return err
	}
	f, e := h.hookForm(c, false)
	if len(f.Errors) > 0 {
		return h.hookPage(c, http.StatusUnprocessableEntity, cur, &f)
	}
	e.ID = cur.ID
	ctx := c.Request().Context()
	if _, err := h.Store.WithTx(ctx, func(t *store.Tx) error {
		if err := t.UpdateHookEndpoint(e); err != nil {
			return err
		}
		return t.Audit(store.AuditEntry{UserID: currentUser(c).ID, Action: AuditHookUpdate, Detail: e.URL + " for " + strings.Join(e.Events, ", ")})
	}); err != nil {
		return err
	}
	h.hooksChanged(ctx)
	return hooksBack(c, "/hooks/"+strconv.FormatInt(e.ID, 10), "Saved.", "")
}

func (h *Handler) hookDelete(c echo.Context) error {
	e, err := h.hookEndpoint(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if _, err := h.Store.WithTx(ctx, func(t *store.Tx) error {
		if err := t.DeleteHookEndpoint(e.ID); err != nil {
			return err
		}
		return t.Audit(store.AuditEntry{UserID: currentUser(c).ID, Action: AuditHookDelete, Detail: e.URL})
	}); err != nil {
		return err
	}
	h.hooksChanged(ctx)
	return hooksBack(c, "/hooks", "Endpoint "+e.URL+" deleted.", "")
}

func (h *Handler) hookTest(c echo.Context) error {
	e, err := h.hookEndpoint(c)
	if err != nil {
		return err
	}
	data := []byte(`{"message":"This is a test event from groupdeck."}`)
	if _, err := h.Store.WithTx(c.Request().Context(), func(t *store.Tx) error {
		if err := t.EmitHookTo(e.ID, store.HookEvent{Kind: hooks.TestEvent, Data: data}); err != nil {
			return err
		}
		return t.Audit(store.AuditEntry{UserID: currentUser(c).ID, Action: AuditHookTest, Detail: e.URL})
	}); err != nil {
		return err
	}
	h.WakeHooks()
	return hooksBack(c, "/hooks/"+strconv.FormatInt(e.ID, 10), "Test event queued; its attempt appears in the log below in a moment (reload).", "")
}

func (h *Handler) hookRedeliver(c echo.Context) error {
	e, err := h.hookEndpoint(c)
	if err != nil {
		return err
	}
	ev, err := strconv.ParseInt(c.FormValue("event"), 10, 64)
	back := "/hooks/" + strconv.FormatInt(e.ID, 10)
	if err == nil {
		_, err = h.Store.WithTx(c.Request().Context(), func(t *store.Tx) error {
			if err := t.Redeliver(e.ID, ev); err != nil {
				return err
			}
			return t.Audit(store.AuditEntry{UserID: currentUser(c).ID, Action: AuditHookRedeliver, Detail: e.URL + " evt_" + strconv.FormatInt(ev, 10)})
		})
	}
	if errors.Is(err, store.ErrNotFound) || ev <= 0 {
		return hooksBack(c, back, "", "That event is no longer kept (events are kept 7 days after delivery).")
	}
	if err != nil {
		return err
	}
	h.WakeHooks()
	return hooksBack(c, back, "Event evt_"+strconv.FormatInt(ev, 10)+" queued again, after anything its group still has waiting.", "")
}

func (h *Handler) hookSettings(c echo.Context) error {
	allow := c.FormValue("allow_private") == "1"
	v := []byte("0")
	detail := "private targets refused"
	if allow {
		v, detail = []byte("1"), "private targets allowed"
	}
	ctx := c.Request().Context()
	if _, err := h.Store.WithTx(ctx, func(t *store.Tx) error {
		if err := t.SetSetting(hooks.SettingAllowPrivate, v); err != nil {
			return err
		}
		return t.Audit(store.AuditEntry{UserID: currentUser(c).ID, Action: AuditHookSettings, Detail: detail})
	}); err != nil {
		return err
	}
	h.hooksChanged(ctx)
	return hooksBack(c, "/hooks", "Saved: "+detail+".", "")
}
