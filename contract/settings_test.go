package contract

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"net/http"
	"strings"
	"testing"

	"groupdeck/wasim"
	"groupdeck/whatsapp"
)

func picture(t *testing.T, w, h int, enc func(*bytes.Buffer, image.Image) error) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	img.Set(0, 0, color.RGBA{200, 10, 10, 255})
	var b bytes.Buffer
	if err := enc(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func jpg(b *bytes.Buffer, m image.Image) error    { return jpeg.Encode(b, m, nil) }
func pngEnc(b *bytes.Buffer, m image.Image) error { return png.Encode(b, m) }

func strp(s string) *string { return &s }

func TestUpdateSettingsText(t *testing.T) {
	e := newEnv(t)
	id, _ := e.createGroup("Before", "")
	reqID, err := e.c.UpdateSettings(ctx(), id, whatsapp.SettingsUpdate{Subject: strp(" After "), Description: strp("Rules: be kind")})
	if err != nil || reqID == "" {
		t.Fatalf("update: %q %v", reqID, err)
	}
	e.settle()
	ev := e.oneEvent(whatsapp.EventSettingsUpdate, byRequest(reqID))
	if ev.GroupID != id || ev.GroupSubject == nil || !ev.GroupSubject.UpdateSuccessful || ev.GroupSubject.Text != "After" ||
		ev.GroupDescription == nil || !ev.GroupDescription.UpdateSuccessful || ev.GroupDescription.Text != "Rules: be kind" ||
		ev.ProfilePicture != nil || len(ev.Errors) != 0 {
		t.Errorf("settings webhook: %+v", ev)
	}
	info, err := e.c.GroupInfo(ctx(), id)
	if err != nil || info.Subject != "After" || info.Description != "Rules: be kind" {
		t.Errorf("info after update: %+v %v", info, err)
	}

	_, err = e.c.UpdateSettings(ctx(), id, whatsapp.SettingsUpdate{})
	wantValidation(t, err, "settings")
	e.wantRaw(http.MethodPost, id, map[string]any{"messaging_product": "whatsapp"}, 400, 100)
	_, err = e.c.UpdateSettings(ctx(), id, whatsapp.SettingsUpdate{Subject: strp(strings.Repeat("s", 129))})
	wantValidation(t, err, "subject")
	e.wantRaw(http.MethodPost, id, map[string]any{"messaging_product": "whatsapp", "subject": strings.Repeat("s", 129)}, 400, 100)
	e.wantRaw(http.MethodPost, id, map[string]any{"messaging_product": "whatsapp", "subject": "  "}, 400, 100)
	e.wantRaw(http.MethodPost, id, map[string]any{"messaging_product": "whatsapp", "description": strings.Repeat("d", 2049)}, 400, 100)
	_, err = e.c.UpdateSettings(ctx(), "unknown-group", whatsapp.SettingsUpdate{Subject: strp("x")})
	wantAPIError(t, err, 131041, http.StatusBadRequest)
}

func TestUpdateSettingsPhoto(t *testing.T) {
	e := newEnv(t)
	id, _ := e.createGroup("Photo", "")
	good := picture(t, 200, 200, jpg)
	for _, part := range []string{"", whatsapp.PhotoFieldFile, whatsapp.PhotoFieldProfilePictureFile} {
		reqID, err := e.c.UpdateSettings(ctx(), id, whatsapp.SettingsUpdate{Photo: good, PhotoField: part})
		if err != nil {
			t.Fatalf("photo as %q: %v", part, err)
		}
		e.settle()
		ev := e.oneEvent(whatsapp.EventSettingsUpdate, byRequest(reqID))
		sum := sha256.Sum256(good)
		if p := ev.ProfilePicture; p == nil || !p.UpdateSuccessful || p.MimeType != "image/jpeg" || p.SHA256 != hex.EncodeToString(sum[:]) ||
			ev.GroupSubject != nil || len(ev.Errors) != 0 {
			t.Errorf("photo as %q: %+v / %+v", part, ev, ev.ProfilePicture)
		}
	}

	// Geometry problems fail the setting in the webhook: alone, that is a
	// total failure carrying the setting's own code.
	for _, c := range []struct {
		name string
		img  []byte
		code int
	}{
		{"non-square", picture(t, 300, 200, jpg), 131209},
		{"too small", picture(t, 100, 100, jpg), 131210},
	} {
		reqID, err := e.c.UpdateSettings(ctx(), id, whatsapp.SettingsUpdate{Photo: c.img})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		e.settle()
		ev := e.oneEvent(whatsapp.EventSettingsUpdate, byRequest(reqID))
		p := ev.ProfilePicture
		if p == nil || p.UpdateSuccessful || len(p.Errors) != 1 || p.Errors[0].Code != c.code || len(ev.Errors) != 1 || ev.Errors[0].Code != c.code {
			t.Errorf("%s: %+v / %+v", c.name, ev, p)
		}
		if !strings.Contains(whatsapp.Human(p.Errors[0]), "131") {
			t.Errorf("%s: human sentence %q", c.name, whatsapp.Human(p.Errors[0]))
		}
	}

	// With a subject alongside, the subject succeeds: partial, 131201.
	reqID, err := e.c.UpdateSettings(ctx(), id, whatsapp.SettingsUpdate{Subject: strp("Renamed"), Photo: picture(t, 300, 200, jpg)})
	if err != nil {
		t.Fatal(err)
	}
	e.settle()
	ev := e.oneEvent(whatsapp.EventSettingsUpdate, byRequest(reqID))
	if ev.GroupSubject == nil || !ev.GroupSubject.UpdateSuccessful || ev.ProfilePicture == nil || ev.ProfilePicture.UpdateSuccessful ||
		ev.ProfilePicture.Errors[0].Code != 131209 || len(ev.Errors) != 1 || ev.Errors[0].Code != 131201 {
		t.Errorf("partial settings webhook: %+v", ev)
	}

	// A PNG is not a group photo; that is refused at once.
	_, err = e.c.UpdateSettings(ctx(), id, whatsapp.SettingsUpdate{Photo: picture(t, 200, 200, pngEnc)})
	wantAPIError(t, err, 100, http.StatusBadRequest)
	_, err = e.c.UpdateSettings(ctx(), id, whatsapp.SettingsUpdate{Photo: make([]byte, 5<<20+1)})
	wantValidation(t, err, "photo")

	// The synchronous variant answers 400 with the geometry codes.
	e.sim.Configure(func(c *wasim.Config) { c.SyncPhotoErrors = true })
	_, err = e.c.UpdateSettings(ctx(), id, whatsapp.SettingsUpdate{Photo: picture(t, 300, 200, jpg)})
	wantAPIError(t, err, 131209, http.StatusBadRequest)
	_, err = e.c.UpdateSettings(ctx(), id, whatsapp.SettingsUpdate{Photo: picture(t, 100, 100, jpg)})
	wantAPIError(t, err, 131210, http.StatusBadRequest)
}

func TestUpdateSettingsSuspended(t *testing.T) {
	e := newEnv(t)
	id, _ := e.createGroup("Flagged", "")
	if err := e.sim.SetSuspended(id, true); err != nil {
		t.Fatal(err)
	}
	_, err := e.c.UpdateSettings(ctx(), id, whatsapp.SettingsUpdate{Subject: strp("x")})
	wantAPIError(t, err, 131207, http.StatusForbidden)
}
