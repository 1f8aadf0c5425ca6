package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"groupdeck/ingest"
	"groupdeck/store"
	"groupdeck/views"
	"groupdeck/whatsapp"
)

// Account is the part of the Cloud API client the Connection page uses
// (docs/cloud-api.md#setup-check).
type Account interface {
	PhoneNumberID() string
	GraphVersion() string
	PhoneNumberInfo(ctx context.Context) (*whatsapp.PhoneNumber, error)
	TokenApp(ctx context.Context) (*whatsapp.App, error)
	SubscribedApps(ctx context.Context, wabaID string) ([]whatsapp.App, error)
	SubscribeApp(ctx context.Context, wabaID string) error
}

// connectionTimeout bounds the page's Graph calls, so a dead network
// shows as a failed check rather than a hanging page.
const connectionTimeout = 15 * time.Second

// connectionShow runs every setup check and shows what it found.
func (h *Handler) connectionShow(c echo.Context) error {
	if h.Account == nil {
		return echo.NewHTTPError(http.StatusNotFound, "The connection check is not available.")
	}
	flash := ""
	if c.QueryParam("subscribed") == "1" {
		flash = "This app is now subscribed to the business account: WhatsApp sends it the account's webhooks."
	}
	return h.renderConnection(c, flash, false)
}

func (h *Handler) renderConnection(c echo.Context, flash string, bad bool) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), connectionTimeout)
	defer cancel()
	v := views.ConnectionView{Sandbox: h.Phone != nil, PhoneID: h.Account.PhoneNumberID(), WABAID: h.WABAID,
		CallbackURL: h.BaseURL + "/webhook", Flash: flash, FlashBad: bad}
	v.Checks = append(v.Checks, h.checkPhone(ctx), h.checkSubscription(ctx))
	health, err := h.Store.WebhookHealth(ctx)
	if err != nil {
		return err
	}
	other, err := h.Store.FailedDeliveriesWith(ctx, ingest.ErrOtherNumber)
	if err != nil {
		return err
	}
	v.Checks = append(v.Checks, checkHandshake(health, v.CallbackURL), checkDeliveries(health), checkSignatures(health),
		checkOtherNumber(other, v.PhoneID), checkVersion(h.Account.GraphVersion()))
	return h.page(c, http.StatusOK, "Connection", "connection", views.ConnectionPage(v))
}

// connectionSubscribe subscribes the token's app to the WABA, then shows
// the checks again.
func (h *Handler) connectionSubscribe(c echo.Context) error {
	if h.Account == nil {
		return echo.NewHTTPError(http.StatusNotFound, "The connection check is not available.")
	}
	ctx, cancel := context.WithTimeout(c.Request().Context(), connectionTimeout)
	defer cancel()
	err := h.Account.SubscribeApp(ctx, h.WABAID)
	entry := store.AuditEntry{UserID: currentUser(c).ID, Action: store.AuditWebhookSubscribe, Detail: "WABA " + h.WABAID, Outcome: "ok"}
	if err != nil {
		entry.Outcome = "failed: " + whatsapp.Human(err)
	}
	// The audit row must survive a client that hung up.
	h.audit(context.WithoutCancel(ctx), entry)
	if err != nil {
		h.Log.Warn("subscribing the app to the WABA failed", "waba", h.WABAID, "err", err)
		return h.renderConnection(c, "Subscribing failed: "+whatsapp.Human(err)+".", true)
	}
	return c.Redirect(http.StatusSeeOther, "/connection?subscribed=1")
}

func (h *Handler) checkPhone(ctx context.Context) views.Check {
	ch := views.Check{ID: "phone", Title: "Phone number"}
	p, err := h.Account.PhoneNumberInfo(ctx)
	if err != nil {
		ch.Level, ch.Found = views.CheckBad, "WhatsApp did not answer for phone number "+h.Account.PhoneNumberID()+": "+whatsapp.Human(err)+"."
		ch.Fix = fixFor(err, "Copy the phone number ID (not the phone number itself) from WhatsApp Manager, API setup, into WA_PHONE_NUMBER_ID.")
		return ch
	}
	ch.Level = views.CheckOK
	ch.Found = fmt.Sprintf("Phone number %s answers: %s, shown to people as %q.", p.ID, p.DisplayPhoneNumber, p.VerifiedName)
	var facts []string
	if p.QualityRating != "" {
		facts = append(facts, "quality rating "+p.QualityRating)
	}
	if p.PlatformType != "" {
		facts = append(facts, "platform "+p.PlatformType)
	}
	if p.Throughput.Level != "" {
		facts = append(facts, "throughput "+p.Throughput.Level)
	}
	ch.Detail = strings.Join(facts, ", ")
	if p.PlatformType != "" && p.PlatformType != "CLOUD_API" {
		ch.Level = views.CheckBad
		ch.Fix = "The Groups API works only for numbers on the Cloud API; migrate the number to the Cloud API in WhatsApp Manager."
	}
	return ch
}

func (h *Handler) checkSubscription(ctx context.Context) views.Check {
	ch := views.Check{ID: "subscription", Title: "Webhook subscription of the business account"}
	apps, err := h.Account.SubscribedApps(ctx, h.WABAID)
	if err != nil {
		ch.Level, ch.Found = views.CheckBad, "The subscribed apps of business account "+h.WABAID+" could not be read: "+whatsapp.Human(err)+"."
		ch.Fix = fixFor(err, "Copy the WhatsApp Business Account ID from WhatsApp Manager into WA_WABA_ID.")
		return ch
	}
	var names []string
	for _, a := range apps {
		names = append(names, fmt.Sprintf("%s (%s)", a.Name, a.ID))
	}
	listed := "No app is subscribed"
	if len(names) > 0 {
		listed = "Subscribed apps: " + strings.Join(names, ", ")
	}
	me, meErr := h.Account.TokenApp(ctx)
	switch {
	case meErr == nil && subscribed(apps, me.ID):
		ch.Level, ch.Found = views.CheckOK, fmt.Sprintf("This app, %s (%s), receives business account %s's webhooks.", me.Name, me.ID, h.WABAID)
		ch.Detail = listed + "."
	case meErr == nil:
		ch.Level, ch.Found = views.CheckBad, fmt.Sprintf("This app, %s (%s), is not subscribed to business account %s, so WhatsApp sends it no webhooks: no joins, no delivery statuses, no outcome of group changes.", me.Name, me.ID, h.WABAID)
		ch.Detail, ch.Subscribe = listed+".", true
		ch.Fix = "Press Subscribe below; it calls subscribed_apps for this business account with the configured token."
	case len(apps) == 0:
		ch.Level, ch.Found = views.CheckBad, "No app is subscribed to business account "+h.WABAID+", so no webhooks are sent to anyone."
		ch.Subscribe, ch.Fix = true, "Press Subscribe below."
	default:
		ch.Level, ch.Found = views.CheckWarn, listed+". groupdeck could not tell which app its token belongs to ("+whatsapp.Human(meErr)+")."
		ch.Subscribe, ch.Fix = true, "If groupdeck's app is not in that list, press Subscribe below."
	}
	return ch
}

func subscribed(apps []whatsapp.App, id string) bool {
	for _, a := range apps {
		if a.ID == id {
			return true
		}
	}
	return false
}

// fixFor turns a Graph error into the step that usually fixes it;
// notFound is the advice when the object does not exist.
func fixFor(err error, notFound string) string {
	var a *whatsapp.APIError
	if !errors.As(err, &a) {
		return "groupdeck could not reach the Graph API: check WA_GRAPH_URL and that this server can open HTTPS connections to it."
	}
	switch {
	case a.Code == 190 || a.HTTPStatus == http.StatusUnauthorized:
		return "Create a new system-user access token in Meta Business Settings, with the whatsapp_business_messaging and whatsapp_business_management permissions, and set it as WA_ACCESS_TOKEN."
	case a.Code == 10 || a.Code == 200 || a.HTTPStatus == http.StatusForbidden:
		return "Give the token's system user the whatsapp_business_management and whatsapp_business_messaging permissions and assign it this WhatsApp Business Account in Meta Business Settings."
	case a.Code == whatsapp.CodeInvalidParameter:
		return notFound + " The token's system user must also have this account assigned."
	case a.Temporary():
		return "WhatsApp is limiting or unavailable right now; check again in a few minutes."
	}
	return "See Meta's error code " + strconv.Itoa(a.Code) + " in the Cloud API error code reference."
}

func checkHandshake(hl store.WebhookHealth, callback string) views.Check {
	ch := views.Check{ID: "handshake", Title: "Webhook handshake"}
	setup := "In the Meta app dashboard, WhatsApp, Configuration: set the Callback URL to " + callback +
		" and the Verify token to the value of WA_VERIFY_TOKEN, then press Verify and save."
	refused := "A handshake was refused " + whenMs(hl.HandshakeRefusedAt) + ": the verify token it carried does not match WA_VERIFY_TOKEN."
	switch {
	case hl.HandshakeRefusedAt > hl.HandshakeAt && hl.HandshakeAt > 0:
		// /webhook is public: the refusal may not be Meta's.
		ch.Level, ch.Found = views.CheckWarn, refused+" Meta verified the callback URL earlier, "+whenMs(hl.HandshakeAt)+"."
		ch.Fix = "If you just changed the webhook settings in the app dashboard, the verify tokens differ: " + setup +
			" Otherwise someone else sent the request and nothing needs doing."
	case hl.HandshakeRefusedAt > hl.HandshakeAt:
		ch.Level, ch.Found, ch.Fix = views.CheckBad, refused, setup
	case hl.HandshakeAt > 0:
		ch.Level, ch.Found = views.CheckOK, "Meta verified the callback URL "+whenMs(hl.HandshakeAt)+"."
		if hl.HandshakeRefusedAt > 0 {
			ch.Detail = "An earlier handshake was refused " + whenMs(hl.HandshakeRefusedAt) + "."
		}
	case hl.LastDeliveryAt > 0:
		ch.Level, ch.Found = views.CheckOK, "No handshake recorded, but signed deliveries arrive, so the callback URL is set."
	default:
		ch.Level, ch.Found, ch.Fix = views.CheckWarn, "Meta has not verified the callback URL yet.", setup
	}
	return ch
}

func checkDeliveries(hl store.WebhookHealth) views.Check {
	ch := views.Check{ID: "deliveries", Title: "Signed webhook deliveries"}
	if hl.LastDeliveryAt == 0 {
		ch.Level, ch.Found = views.CheckWarn, "No signed webhook delivery has arrived yet."
		ch.Fix = "Subscribe the app (above) and, in the app dashboard's webhook settings, subscribe the fields " +
			strings.Join(whatsapp.Fields(), ", ") + ". Then create a group or send a message to see one arrive."
		return ch
	}
	ch.Level, ch.Found = views.CheckOK, "The last signed delivery arrived "+whenMs(hl.LastDeliveryAt)+"."
	ch.Detail = "The event log lists every delivery. Quiet periods are normal when nothing happens in the groups."
	return ch
}

func checkSignatures(hl store.WebhookHealth) views.Check {
	ch := views.Check{ID: "signatures", Title: "Refused signatures (last 24 hours)"}
	if hl.Refused24h == 0 {
		ch.Level, ch.Found = views.CheckOK, "No delivery was refused for a bad signature in the last 24 hours."
		return ch
	}
	ch.Level = views.CheckBad
	ch.Found = fmt.Sprintf("%d deliveries were refused for a bad signature in the last 24 hours, the last %s.", hl.Refused24h, whenMs(hl.LastRefusedAt))
	ch.Fix = "If these are Meta's deliveries, WA_APP_SECRET is not this app's secret: copy it from the app dashboard, App settings, Basic, App secret, and restart groupdeck. Meta retries refused deliveries for a while, so nothing is lost if you fix it soon."
	if hl.LastDeliveryAt > hl.LastRefusedAt {
		ch.Detail = "Signed deliveries arrived after the last refusal, so the secret is probably right and the refused requests came from elsewhere."
	}
	return ch
}

// checkOtherNumber reports deliveries signed with this app's secret but
// sent for another business phone number (counted by ingest).
func checkOtherNumber(n int, phoneID string) views.Check {
	ch := views.Check{ID: "other-number", Title: "Deliveries for another phone number"}
	if n == 0 {
		ch.Level, ch.Found = views.CheckOK, "Every signed delivery was for phone number "+phoneID+"."
		return ch
	}
	ch.Level = views.CheckWarn
	ch.Found = fmt.Sprintf("%d deliveries were sent for another business phone number than %s and were not applied.", n, phoneID)
	ch.Fix = "If groupdeck should serve that number, set WA_PHONE_NUMBER_ID to it and replay the deliveries from the Event log; " +
		"otherwise limit the app's webhook subscription to this number's business account."
	return ch
}

// Graph API versions groupdeck knows (docs/cloud-api.md#versions).
const (
	currentGraphMajor = 26
	oldestGraphMajor  = 23 // available until 8 October 2027
)

func checkVersion(v string) views.Check {
	ch := views.Check{ID: "version", Title: "Graph API version"}
	major, err := strconv.Atoi(strings.TrimPrefix(strings.SplitN(v, ".", 2)[0], "v"))
	switch {
	case v == "" || err != nil:
		ch.Level, ch.Found = views.CheckWarn, "WA_GRAPH_URL names no Graph API version, so Meta picks the app's default."
		ch.Fix = "End WA_GRAPH_URL with a version such as /v26.0, or leave it unset and set WA_GRAPH_VERSION."
	case major >= currentGraphMajor:
		ch.Level, ch.Found = views.CheckOK, "groupdeck speaks Graph API "+v+", the current version."
	case major > oldestGraphMajor:
		ch.Level, ch.Found = views.CheckOK, "groupdeck speaks Graph API "+v+"; v26.0 is current."
	case major == oldestGraphMajor:
		ch.Level, ch.Found = views.CheckWarn, "groupdeck speaks Graph API "+v+", which Meta keeps available until 8 October 2027."
		ch.Fix = "Set WA_GRAPH_VERSION=v26.0 (and the app's webhook version in the dashboard) before then."
	default:
		ch.Level, ch.Found = views.CheckBad, "Graph API "+v+" is older than v23.0 and no longer available."
		ch.Fix = "Set WA_GRAPH_VERSION=v26.0."
	}
	return ch
}

func whenMs(ms int64) string {
	return time.UnixMilli(ms).UTC().Format("2 Jan 2006 15:04 UTC")
}
