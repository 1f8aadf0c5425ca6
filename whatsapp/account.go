package whatsapp

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// The account calls behind groupdeck's Connection page
// (docs/cloud-api.md#setup-check): does the phone number answer, which app
// does the token belong to, and is that app subscribed to the WABA.

// PhoneNumber is the business phone number node.
type PhoneNumber struct {
	ID                     string `json:"id"`
	DisplayPhoneNumber     string `json:"display_phone_number"`
	VerifiedName           string `json:"verified_name"`
	QualityRating          string `json:"quality_rating"`
	CodeVerificationStatus string `json:"code_verification_status"`
	PlatformType           string `json:"platform_type"`
	Throughput             struct {
		Level string `json:"level"`
	} `json:"throughput"`
}

// App is a Meta app: the one the token belongs to, or one subscribed to a
// WABA.
type App struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Link string `json:"link,omitempty"`
}

var graphVersion = regexp.MustCompile(`^v[0-9]+\.[0-9]+$`)

// GraphVersion is the Graph API version in the client's base URL, such as
// "v26.0", or "" when the URL names none.
func (c *Client) GraphVersion() string {
	u, err := url.Parse(c.baseURL)
	if err != nil {
		return ""
	}
	path := strings.TrimRight(u.Path, "/")
	v := path[strings.LastIndex(path, "/")+1:]
	if graphVersion.MatchString(v) {
		return v
	}
	return ""
}

// PhoneNumberInfo reads the client's phone number: it proves the token
// may act for it and gives its display number and verified name.
func (c *Client) PhoneNumberInfo(ctx context.Context) (*PhoneNumber, error) {
	q := url.Values{"fields": {"display_phone_number,verified_name,quality_rating,code_verification_status,platform_type,throughput"}}
	var out PhoneNumber
	if _, err := c.doJSON(ctx, http.MethodGet, c.endpoint(q, c.phoneID), nil, true, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// TokenApp returns the app the access token belongs to (GET /app).
func (c *Client) TokenApp(ctx context.Context) (*App, error) {
	var out App
	if _, err := c.doJSON(ctx, http.MethodGet, c.endpoint(nil, "app"), nil, true, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// SubscribedApps lists the apps that receive the WABA's webhooks.
func (c *Client) SubscribedApps(ctx context.Context, wabaID string) ([]App, error) {
	if strings.TrimSpace(wabaID) == "" {
		return nil, &ValidationError{Field: "WABA ID", Msg: "is empty"}
	}
	var out struct {
		Data []struct {
			App App `json:"whatsapp_business_api_data"`
		} `json:"data"`
	}
	if _, err := c.doJSON(ctx, http.MethodGet, c.endpoint(nil, wabaID, "subscribed_apps"), nil, true, &out); err != nil {
		return nil, err
	}
	apps := make([]App, 0, len(out.Data))
	for _, d := range out.Data {
		apps = append(apps, d.App)
	}
	return apps, nil
}

// SubscribeApp subscribes the token's app to the WABA's webhooks.
// Subscribing twice is harmless, so the call is retried like a read.
func (c *Client) SubscribeApp(ctx context.Context, wabaID string) error {
	if strings.TrimSpace(wabaID) == "" {
		return &ValidationError{Field: "WABA ID", Msg: "is empty"}
	}
	var out struct {
		Success flexBool `json:"success"`
	}
	if _, err := c.doJSON(ctx, http.MethodPost, c.endpoint(nil, wabaID, "subscribed_apps"), nil, true, &out); err != nil {
		return err
	}
	if !out.Success {
		return &APIError{HTTPStatus: http.StatusOK, Message: "subscribed_apps did not answer success"}
	}
	return nil
}
