package whatsapp

import (
	"bytes"
	"context"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
)

func ptr(s string) *string { return &s }

func TestUpdateSettingsJSON(t *testing.T) {
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		expect(t, r, "POST", "/v23.0/"+testGroupID)
		expectJSON(t, r, `{"messaging_product":"whatsapp","subject":"Watch Enthusiasts","description":""}`)
		reply(w, 200, `{"messaging_product":"whatsapp","request_id":"106540352242930"}`)
	})
	id, err := c.UpdateSettings(context.Background(), testGroupID, SettingsUpdate{Subject: ptr(" Watch Enthusiasts "), Description: ptr("")})
	if err != nil || id != "106540352242930" {
		t.Fatalf("UpdateSettings = %q, %v", id, err)
	}
}

func TestUpdateSettingsSubjectOnlyNoRequestID(t *testing.T) {
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		expectJSON(t, r, `{"messaging_product":"whatsapp","subject":"S"}`)
		reply(w, 200, `{"success":true}`)
	})
	id, err := c.UpdateSettings(context.Background(), "G", SettingsUpdate{Subject: ptr("S")})
	if err != nil || id != "" {
		t.Fatalf("UpdateSettings = %q, %v", id, err)
	}
}

// readForm parses a multipart request into its fields and file parts.
func readForm(t *testing.T, r *http.Request) (map[string]string, map[string]*multipart.Part, map[string][]byte) {
	t.Helper()
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		t.Fatalf("Content-Type = %q", r.Header.Get("Content-Type"))
	}
	mr := multipart.NewReader(r.Body, params["boundary"])
	fields, parts, files := map[string]string{}, map[string]*multipart.Part{}, map[string][]byte{}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(p)
		if p.FileName() != "" {
			parts[p.FormName()] = p
			files[p.FormName()] = b
		} else {
			fields[p.FormName()] = string(b)
		}
	}
	return fields, parts, files
}

func TestUpdateSettingsPhotoMultipart(t *testing.T) {
	photo := append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, bytes.Repeat([]byte{1}, 100)...)
	for _, field := range []string{"", PhotoFieldProfilePictureFile} {
		wantPart := field
		if wantPart == "" {
			wantPart = PhotoFieldFile
		}
		c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
			expect(t, r, "POST", "/v23.0/"+testGroupID)
			fields, parts, files := readForm(t, r)
			if fields["messaging_product"] != "whatsapp" || fields["subject"] != "New" || fields["description"] != "D" {
				t.Errorf("fields = %v", fields)
			}
			p, ok := parts[wantPart]
			if !ok {
				t.Fatalf("no %q part; parts = %v", wantPart, parts)
			}
			if p.Header.Get("Content-Type") != "image/jpeg" || !bytes.Equal(files[wantPart], photo) {
				t.Errorf("photo part wrong: %v", p.Header)
			}
			reply(w, 200, `{"messaging_product":"whatsapp","request_id":"7"}`)
		})
		id, err := c.UpdateSettings(context.Background(), testGroupID, SettingsUpdate{
			Subject: ptr("New"), Description: ptr("D"), Photo: photo, PhotoField: field,
		})
		if err != nil || id != "7" {
			t.Fatalf("UpdateSettings = %q, %v", id, err)
		}
	}
}

func TestUpdateSettingsValidationAndErrors(t *testing.T) {
	c, _ := newTestClient(t, failOnCall(t))
	ctx := context.Background()
	_, err := c.UpdateSettings(ctx, "G", SettingsUpdate{})
	mustValidation(t, err, "settings")
	_, err = c.UpdateSettings(ctx, "G", SettingsUpdate{Subject: ptr("  ")})
	mustValidation(t, err, "subject")
	_, err = c.UpdateSettings(ctx, "G", SettingsUpdate{Description: ptr(strings.Repeat("x", 2049))})
	mustValidation(t, err, "description")
	_, err = c.UpdateSettings(ctx, "G", SettingsUpdate{Photo: make([]byte, 5<<20+1)})
	mustValidation(t, err, "photo")

	c, _ = newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		reply(w, 400, graphError(131209, "(#131209) Invalid Group Profile Picture Aspect Ratio", "Width must equal height."))
	})
	_, err = c.UpdateSettings(ctx, "G", SettingsUpdate{Photo: []byte{0xFF, 0xD8, 0xFF}})
	mustAPIError(t, err, 131209, 400)
}
