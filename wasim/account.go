package wasim

import (
	"net/http"
	"slices"
	"strings"
)

// The account endpoints groupdeck's Connection page checks
// (docs/cloud-api.md#setup-check): the phone number node, the app the
// token belongs to, and the WABA's subscribed_apps edge.

// Defaults of the simulated app and business profile.
const (
	defaultAppID        = "300000000000001"
	defaultAppName      = "groupdeck sandbox"
	defaultVerifiedName = "groupdeck Sandbox"
)

var phoneFields = []string{"display_phone_number", "verified_name", "quality_rating", "code_verification_status",
	"platform_type", "throughput", "name_status"}

// routeAccount answers the account endpoints; ok is false for every other
// path so route carries on.
func (s *Server) routeAccount(r *http.Request, segs []string) (status int, body any, err *apiError, ok bool) {
	s.mu.Lock()
	phone, waba, app := s.cfg.PhoneNumberID, s.cfg.WABAID, s.cfg.appID()
	s.mu.Unlock()
	switch {
	case len(segs) == 1 && segs[0] == phone && r.Method == http.MethodGet:
		status, body, err = s.handlePhoneNumber(r)
	case len(segs) == 1 && (segs[0] == "app" || segs[0] == app) && r.Method == http.MethodGet:
		status, body = http.StatusOK, s.appObject()
	case len(segs) == 2 && segs[0] == waba && segs[1] == "subscribed_apps":
		status, body, err = s.handleSubscribedApps(r)
	default:
		return 0, nil, nil, false
	}
	return status, body, err, true
}

func (s *Server) handlePhoneNumber(r *http.Request) (int, any, *apiError) {
	fields := []string{"display_phone_number", "verified_name", "quality_rating", "code_verification_status", "platform_type", "throughput"}
	if f := r.URL.Query().Get("fields"); f != "" {
		fields = fields[:0]
		for name := range strings.SplitSeq(f, ",") {
			name = strings.TrimSpace(name)
			if name == "" || name == "id" {
				continue
			}
			if !slices.Contains(phoneFields, name) {
				return 0, nil, errParam("Tried accessing nonexisting field (%s) on node type (WhatsAppBusinessPhoneNumber)", name)
			}
			fields = append(fields, name)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]any{"id": s.cfg.PhoneNumberID}
	for _, f := range fields {
		switch f {
		case "display_phone_number":
			out[f] = formatDisplay(s.cfg.DisplayPhoneNumber)
		case "verified_name":
			out[f] = s.cfg.verifiedName()
		case "quality_rating":
			out[f] = "GREEN"
		case "code_verification_status":
			out[f] = "VERIFIED"
		case "platform_type":
			out[f] = "CLOUD_API"
		case "throughput":
			out[f] = map[string]any{"level": "STANDARD"}
		case "name_status":
			out[f] = "APPROVED"
		}
	}
	return http.StatusOK, out, nil
}

// formatDisplay renders a North American number as Meta shows it
// ("+1 555-000-1111"); others keep a leading plus.
func formatDisplay(n string) string {
	if len(n) == 11 && n[0] == '1' {
		return "+1 " + n[1:4] + "-" + n[4:7] + "-" + n[7:]
	}
	return "+" + n
}

func (s *Server) appObject() map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.cfg.appID()
	return map[string]any{"id": id, "name": s.cfg.appName(), "link": "https://www.facebook.com/games/?app_id=" + id}
}

// handleSubscribedApps lists the apps subscribed to the WABA (GET) or
// subscribes the token's app (POST). While unsubscribed the simulator
// delivers no webhooks, as Meta does.
func (s *Server) handleSubscribedApps(r *http.Request) (int, any, *apiError) {
	switch r.Method {
	case http.MethodGet:
		s.mu.Lock()
		defer s.mu.Unlock()
		data := []any{}
		if !s.cfg.Unsubscribed {
			id := s.cfg.appID()
			data = append(data, map[string]any{"whatsapp_business_api_data": map[string]any{
				"id": id, "name": s.cfg.appName(), "link": "https://www.facebook.com/games/?app_id=" + id,
			}})
		}
		return http.StatusOK, map[string]any{"data": data}, nil
	case http.MethodPost:
		s.mu.Lock()
		defer s.mu.Unlock()
		s.cfg.Unsubscribed = false
		return http.StatusOK, map[string]any{"success": true}, nil
	case http.MethodDelete:
		s.mu.Lock()
		defer s.mu.Unlock()
		s.cfg.Unsubscribed = true
		return http.StatusOK, map[string]any{"success": true}, nil
	}
	return 0, nil, errParam("Unsupported %s request on subscribed_apps", strings.ToLower(r.Method))
}

func (c *Config) appID() string {
	if c.AppID != "" {
		return c.AppID
	}
	return defaultAppID
}

func (c *Config) appName() string {
	if c.AppName != "" {
		return c.AppName
	}
	return defaultAppName
}

func (c *Config) verifiedName() string {
	if c.VerifiedName != "" {
		return c.VerifiedName
	}
	return defaultVerifiedName
}
