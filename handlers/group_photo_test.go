package handlers

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"net/http"
	"strings"
	"testing"

	"groupdeck/store"
)

func squareJPEG(t *testing.T, side int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, side, side))
	for x := range side {
		img.Set(x, x, color.RGBA{20, 120, 60, 255})
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// The group photo is served through the app once WhatsApp confirmed it,
// revalidated by its sha256 ETag (or cached for good at its versioned
// URL); before that, and after a refusal, the initials stand in.
func TestGroupPhotoServedOnceConfirmed(t *testing.T) {
	ts := newTestServer(t)
	g := ts.activeGroup()
	c := ts.client()
	c.login("manager@x.test")
	get := func(path, etag string) (*http.Response, []byte) {
		req, _ := http.NewRequest(http.MethodGet, ts.URL+path, nil)
		if etag != "" {
			req.Header.Set("If-None-Match", etag)
		}
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, b
	}
	path := "/groups/" + itoa64(g.ID) + "/photo"
	res, body := get(path, "")
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/svg+xml; charset=utf-8" || !strings.Contains(string(body), ">C</text>") {
		t.Fatalf("placeholder: %d %s %s", res.StatusCode, res.Header.Get("Content-Type"), body)
	}

	ctx := context.Background()
	photo := squareJPEG(t, 192)
	resolve := func(sum string, ok bool) {
		t.Helper()
		if _, err := ts.store.WithTx(ctx, func(tx *store.Tx) error { return tx.PhotoResolved(g.ID, sum, ok) }); err != nil {
			t.Fatal(err)
		}
	}
	// Refused: the pending photo goes and the initials stay.
	if err := ts.store.AddPendingPhoto(ctx, g.ID, 0, photo); err != nil {
		t.Fatal(err)
	}
	resolve(store.PhotoSum(photo), false)
	if cur, pending, err := ts.store.CurrentPhoto(ctx, g.ID); err != nil || cur != nil || pending {
		t.Fatalf("after a refusal: %+v %v %v", cur, pending, err)
	}
	// Applied: served as the JPEG it is.
	if err := ts.store.AddPendingPhoto(ctx, g.ID, 0, photo); err != nil {
		t.Fatal(err)
	}
	if _, pending, _ := ts.store.CurrentPhoto(ctx, g.ID); !pending {
		t.Fatal("the sent photo is not pending")
	}
	resolve(strings.ToUpper(store.PhotoSum(photo)), true)
	cur, pending, err := ts.store.CurrentPhoto(ctx, g.ID)
	if err != nil || cur == nil || cur.Data == nil || pending {
		t.Fatalf("after confirmation: %+v %v %v", cur, pending, err)
	}
	res, body = get(path, "")
	etag := `"` + store.PhotoSum(photo) + `"`
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/jpeg" || !bytes.Equal(body, photo) ||
		res.Header.Get("ETag") != etag || res.Header.Get("Cache-Control") != "private, no-cache" {
		t.Fatalf("photo: %d %v", res.StatusCode, res.Header)
	}
	if res, _ := get(path, etag); res.StatusCode != http.StatusNotModified {
		t.Fatalf("revalidation: %d", res.StatusCode)
	}
	if res, _ := get(path+"?v="+itoa64(cur.ID), ""); !strings.Contains(res.Header.Get("Cache-Control"), "immutable") {
		t.Fatalf("versioned URL: %v", res.Header)
	}
	// The settings page shows it next to the photo field.
	if _, page := c.get("/groups/" + itoa64(g.ID) + "/settings"); !strings.Contains(page, `src="/groups/`+itoa64(g.ID)+`/photo?v=`+itoa64(cur.ID)+`"`) {
		t.Fatalf("settings page lacks the photo:\n%s", page)
	}
	// A photo set outside groupdeck: WhatsApp gives only its sha256.
	resolve("abc123", true)
	if res, _ := get(path, ""); res.Header.Get("Content-Type") != "image/svg+xml; charset=utf-8" {
		t.Fatalf("an unknown photo: %v", res.Header)
	}
	if _, page := c.get("/groups/" + itoa64(g.ID) + "/settings"); !strings.Contains(page, "set outside groupdeck") {
		t.Fatal("the settings page does not say the photo was set elsewhere")
	}
}

func TestInitials(t *testing.T) {
	for in, want := range map[string]string{"Book club": "BC", "  lisboa runners 2026": "LR", "🎉 party": "P", "": "#", "<b>": "B", "Ünïcode école": "ÜÉ"} {
		if got := initials(in); got != want {
			t.Errorf("initials(%q) = %q, want %q", in, got, want)
		}
	}
}
