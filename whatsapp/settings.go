package whatsapp

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"
)

// Photo part names: the API reference names the multipart part "file";
// the guide and one SDK use "profile_picture_file".
const (
	PhotoFieldFile               = "file"
	PhotoFieldProfilePictureFile = "profile_picture_file"
)

// SettingsUpdate changes a group's subject, description and/or photo. Nil
// pointers and an empty Photo leave that setting untouched. Photo must
// follow the photo rule (CheckPhoto); the client checks only its size and
// WhatsApp checks the geometry.
type SettingsUpdate struct {
	Subject     *string
	Description *string
	Photo       []byte
	// PhotoField is the multipart part name for Photo; "file" by default.
	PhotoField string
}

// UpdateSettings applies the update. It sends JSON when there is no photo
// and multipart/form-data otherwise. The outcome arrives as a
// group_settings_update webhook correlated by the returned request ID
// (empty if the server does not provide one).
func (c *Client) UpdateSettings(ctx context.Context, groupID string, u SettingsUpdate) (string, error) {
	if err := checkID("group_id", groupID); err != nil {
		return "", err
	}
	if u.Subject == nil && u.Description == nil && len(u.Photo) == 0 {
		return "", invalid("settings", "nothing to update")
	}
	fields := map[string]string{"messaging_product": "whatsapp"}
	if u.Subject != nil {
		s, err := checkSubject(*u.Subject)
		if err != nil {
			return "", err
		}
		fields["subject"] = s
	}
	if u.Description != nil {
		if err := checkDescription(*u.Description); err != nil {
			return "", err
		}
		fields["description"] = *u.Description
	}
	var out struct {
		RequestID flexString `json:"request_id"`
	}
	target := c.endpoint(nil, groupID)
	if len(u.Photo) == 0 {
		if _, err := c.doJSON(ctx, http.MethodPost, target, fields, false, &out); err != nil {
			return "", err
		}
		return string(out.RequestID), nil
	}
	if len(u.Photo) > PhotoMaxBytes {
		return "", invalid("photo", "is %d bytes, the maximum is %d MB", len(u.Photo), PhotoMaxBytes>>20)
	}
	part := u.PhotoField
	if part == "" {
		part = PhotoFieldFile
	}
	body, ctype, err := multipartBody(fields, part, "group-photo.jpg", PhotoMIME, u.Photo)
	if err != nil {
		return "", err
	}
	resp, err := c.send(ctx, request{method: http.MethodPost, url: target, body: body, contentType: ctype})
	if err != nil {
		return "", err
	}
	if err := decodeInto(resp.body, &out); err != nil {
		return "", errDecode("update settings", err)
	}
	return string(out.RequestID), nil
}

// multipartBody builds a form with plain fields plus one file part. Fields
// are written in a fixed order so requests are reproducible in tests.
func multipartBody(fields map[string]string, part, filename, mimeType string, data []byte) ([]byte, string, error) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, k := range []string{"messaging_product", "type", "subject", "description"} {
		if v, ok := fields[k]; ok {
			if err := w.WriteField(k, v); err != nil {
				return nil, "", fmt.Errorf("whatsapp: build form: %w", err)
			}
		}
	}
	h := make(textproto.MIMEHeader)
	h.Set("Content-Disposition", `form-data; name="`+quoteEscape(part)+`"; filename="`+quoteEscape(filename)+`"`)
	h.Set("Content-Type", mimeType)
	fw, err := w.CreatePart(h)
	if err != nil {
		return nil, "", fmt.Errorf("whatsapp: build form: %w", err)
	}
	if _, err := fw.Write(data); err != nil {
		return nil, "", fmt.Errorf("whatsapp: build form: %w", err)
	}
	if err := w.Close(); err != nil {
		return nil, "", fmt.Errorf("whatsapp: build form: %w", err)
	}
	return buf.Bytes(), w.FormDataContentType(), nil
}

// quoteEscape mirrors mime/multipart's escaping of quoted parameter values.
func quoteEscape(s string) string {
	return strings.NewReplacer("\\", "\\\\", `"`, "\\\"", "\r", "", "\n", "").Replace(s)
}
