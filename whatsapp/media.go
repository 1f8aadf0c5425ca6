package whatsapp

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// UploadMedia uploads a file for later use in SendMedia and returns its
// media ID (valid for 30 days). data is read fully into memory so the
// request has a Content-Length, which the upload endpoint requires.
func (c *Client) UploadMedia(ctx context.Context, filename, mimeType string, data io.Reader) (string, error) {
	if strings.TrimSpace(mimeType) == "" {
		return "", invalid("type", "MIME type must not be empty")
	}
	if data == nil {
		return "", invalid("file", "no data")
	}
	if filename == "" {
		filename = "upload"
	}
	b, err := io.ReadAll(io.LimitReader(data, maxMediaResponse+1))
	if err != nil {
		return "", errRead("upload media", err)
	}
	if len(b) == 0 {
		return "", invalid("file", "is empty")
	}
	if len(b) > maxMediaResponse {
		return "", invalid("file", "is larger than %d MB", MaxMediaBytes>>20)
	}
	fields := map[string]string{"messaging_product": "whatsapp", "type": mimeType}
	body, ctype, err := multipartBody(fields, "file", filename, mimeType, b)
	if err != nil {
		return "", err
	}
	resp, err := c.send(ctx, request{method: http.MethodPost, url: c.endpoint(nil, c.phoneID, "media"), body: body, contentType: ctype})
	if err != nil {
		return "", err
	}
	var out struct {
		ID flexString `json:"id"`
	}
	if err := decodeInto(resp.body, &out); err != nil {
		return "", errDecode("upload media", err)
	}
	if out.ID == "" {
		return "", errMissing("upload media", "id")
	}
	return string(out.ID), nil
}

// MediaURL resolves a media ID (from an inbound webhook or an upload) to a
// short-lived download URL (about 5 minutes) and its MIME type.
func (c *Client) MediaURL(ctx context.Context, mediaID string) (string, string, error) {
	if err := checkID("media_id", mediaID); err != nil {
		return "", "", err
	}
	var out struct {
		URL      string `json:"url"`
		MimeType string `json:"mime_type"`
	}
	if _, err := c.doJSON(ctx, http.MethodGet, c.endpoint(nil, mediaID), nil, true, &out); err != nil {
		return "", "", err
	}
	if out.URL == "" {
		return "", "", errMissing("media url", "url")
	}
	return out.URL, out.MimeType, nil
}

// DownloadMedia fetches a URL returned by MediaURL and returns the bytes and
// Content-Type. Meta's media host requires the access token, but it is only
// sent to the API host and Meta's own domains so that a crafted URL cannot
// collect it. A relative URL is resolved against the base URL so simulators
// can return paths.
func (c *Client) DownloadMedia(ctx context.Context, mediaURL string) ([]byte, string, error) {
	if strings.TrimSpace(mediaURL) == "" {
		return nil, "", invalid("url", "must not be empty")
	}
	u, err := url.Parse(mediaURL)
	if err != nil {
		return nil, "", invalid("url", "cannot be parsed")
	}
	if !u.IsAbs() {
		base, err := url.Parse(c.baseURL + "/")
		if err != nil {
			return nil, "", invalid("url", "relative URL and unusable base URL")
		}
		u = base.ResolveReference(u)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, "", invalid("url", "scheme must be http or https")
	}
	resp, err := c.send(ctx, request{
		method: http.MethodGet, url: u.String(), idempotent: true,
		limit: maxMediaResponse, anonymous: !c.tokenAllowed(u), accept: "*/*",
	})
	if err != nil {
		return nil, "", err
	}
	return resp.body, resp.header.Get("Content-Type"), nil
}

// tokenAllowed reports whether the access token may travel to u.
func (c *Client) tokenAllowed(u *url.URL) bool {
	if base, err := url.Parse(c.baseURL); err == nil && strings.EqualFold(base.Host, u.Host) {
		return true
	}
	if u.Scheme != "https" {
		return false
	}
	host := strings.ToLower(u.Hostname())
	for _, d := range []string{"facebook.com", "fbsbx.com", "fbcdn.net", "whatsapp.net", "whatsapp.com"} {
		if host == d || strings.HasSuffix(host, "."+d) {
			return true
		}
	}
	return false
}
