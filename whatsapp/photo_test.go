package whatsapp

import (
	"bytes"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"
)

func encoded(t *testing.T, w, h int, enc func(*bytes.Buffer, image.Image) error) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := enc(&b, image.NewRGBA(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestCheckPhoto(t *testing.T) {
	jpg := func(b *bytes.Buffer, m image.Image) error { return jpeg.Encode(b, m, nil) }
	pngEnc := func(b *bytes.Buffer, m image.Image) error { return png.Encode(b, m) }
	gifEnc := func(b *bytes.Buffer, m image.Image) error { return gif.Encode(b, m, nil) }
	for _, tt := range []struct {
		name string
		data []byte
		want string // a part of the answer; "" for a photo that will do
	}{
		{"square JPEG at the minimum", encoded(t, PhotoMinSide, PhotoMinSide, jpg), ""},
		{"large square JPEG", encoded(t, 640, 640, jpg), ""},
		{"too small", encoded(t, PhotoMinSide-1, PhotoMinSide-1, jpg), "at least 192×192"},
		{"not square", encoded(t, 300, 200, jpg), "300×200 pixels; it must be square"},
		{"PNG", encoded(t, 200, 200, pngEnc), "is a PNG; WhatsApp accepts JPEG only"},
		{"GIF", encoded(t, 200, 200, gifEnc), "is a GIF"},
		{"not an image", []byte("hello"), "not an image"},
		{"over the size limit", make([]byte, PhotoMaxBytes+1), "WhatsApp accepts at most 5 MB"},
	} {
		got := CheckPhoto(tt.data)
		if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
			t.Errorf("%s: CheckPhoto = %q, want %q", tt.name, got, tt.want)
		}
	}
	if got := PhotoRuleText(); got != "a square JPEG, at least 192×192 pixels, at most 5 MB" {
		t.Errorf("PhotoRuleText = %q", got)
	}
}

func TestMediaRules(t *testing.T) {
	kinds := map[string]bool{}
	for _, r := range MediaRules() {
		if kinds[r.Kind] {
			t.Errorf("kind %s has two rules", r.Kind)
		}
		kinds[r.Kind] = true
		if r.MaxBytes <= 0 || r.MaxBytes > MaxMediaBytes {
			t.Errorf("%s: MaxBytes %d outside (0, MaxMediaBytes]: the composer's body limit would cut it", r.Kind, r.MaxBytes)
		}
		if r.Label == "" || r.Rule == "" || len(r.Files) == 0 {
			t.Errorf("%s: incomplete rule %+v", r.Kind, r)
		}
		for _, f := range r.Files {
			if !strings.HasPrefix(f.Ext, ".") || f.Ext != strings.ToLower(f.Ext) || f.MIME == "" {
				t.Errorf("%s: bad file type %+v", r.Kind, f)
			}
		}
	}
	for _, k := range []string{KindImage, KindVideo, KindAudio, KindDocument, KindSticker} {
		if !kinds[k] {
			t.Errorf("no rule for %s", k)
		}
	}

	img, ok := MediaRuleFor(KindImage)
	if !ok || img.MIMEFor(".JPG") != "image/jpeg" || img.MIMEFor(".webp") != "" || img.Accept() != ".jpg,.jpeg,.png" || !img.Caption {
		t.Errorf("image rule: %+v", img)
	}
	if st, _ := MediaRuleFor(KindSticker); st.Caption || st.MaxBytes < StaticStickerMaxBytes {
		t.Errorf("sticker rule: %+v", st)
	}
	if _, ok := MediaRuleFor("text"); ok {
		t.Error("text is not a media kind")
	}
	// A caller changing its copy does not change the rules.
	MediaRules()[0].Files[0].MIME = "x/y"
	if r, _ := MediaRuleFor(KindImage); r.Files[0].MIME != "image/jpeg" {
		t.Error("MediaRules shares its slices")
	}
}
