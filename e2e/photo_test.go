//go:build e2e

package e2e

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"testing"

	"github.com/mxschmitt/playwright-go"
)

// photoJPEG is a square JPEG WhatsApp accepts as a group photo.
func photoJPEG(t *testing.T, side int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, side, side))
	for x := range side {
		for y := range side {
			img.Set(x, y, color.RGBA{uint8(x), 90, uint8(y), 255})
		}
	}
	var b bytes.Buffer
	must(t, jpeg.Encode(&b, img, nil))
	return b.Bytes()
}

// naturalWidth is the width of the picture an <img> really loaded.
func naturalWidth(t *testing.T, l playwright.Locator) int {
	t.Helper()
	v, err := l.Evaluate("img => img.complete ? img.naturalWidth : -1", nil)
	must(t, err)
	n, _ := v.(int)
	return n
}

// TestGroupPhoto: the initials stand in until a photo is set; staff set
// one in settings and, once WhatsApp confirms it, see it there and in
// the group page header.
func TestGroupPhoto(t *testing.T) {
	a := startApp(t)
	g := quietGroup(t, a, "Book club")
	page := newPage(t, a)
	login(t, page)
	must(t, gotoPath(page, fmt.Sprintf("/groups/%d", g.ID)))
	header := page.GetByTestId("group-photo")
	must(t, expect.Locator(header).ToHaveJSProperty("naturalWidth", 96)) // the initials' SVG
	must(t, gotoPath(page, fmt.Sprintf("/groups/%d/settings", g.ID)))
	card := page.GetByTestId("settings-photo")
	must(t, expect.Locator(card).ToHaveAttribute("data-photo", "none"))
	must(t, expect.Locator(page.GetByTestId("photo-card")).ToContainText("No group photo yet"))

	must(t, page.GetByLabel("New group photo").SetInputFiles([]playwright.InputFile{{Name: "club.jpg", MimeType: "image/jpeg", Buffer: photoJPEG(t, 256)}}))
	click(t, button(page, "Save changes"))
	must(t, expect.Locator(page.GetByTestId("settings-notice")).ToContainText("Sent to WhatsApp"))
	// The webhook confirms it; the card follows live.
	must(t, expect.Locator(card).ToHaveAttribute("data-photo", "set"))
	must(t, expect.Locator(card).ToHaveJSProperty("naturalWidth", 256))
	must(t, expect.Locator(page.GetByTestId("photo-pending")).ToHaveCount(0))
	// The live refresh replaced only the card: the form is still whole.
	must(t, expect.Locator(page.GetByLabel("New group photo")).ToBeVisible())
	must(t, expect.Locator(button(page, "Save changes")).ToBeVisible())
	screenshot(t, page, "group-photo-settings")

	must(t, gotoPath(page, fmt.Sprintf("/groups/%d", g.ID)))
	must(t, expect.Locator(header).ToHaveJSProperty("naturalWidth", 256))
	if n := naturalWidth(t, header); n != 256 {
		t.Fatalf("header photo naturalWidth %d", n)
	}
	screenshot(t, page, "group-photo-header")
}
