//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"regexp"
	"testing"
	"time"

	"github.com/mxschmitt/playwright-go"

	"groupdeck/app"
	"groupdeck/internal/testutil"
	"groupdeck/store"
	"groupdeck/wasim"
	"groupdeck/whatsapp"
)

// TestMessaging sends a text and an image to a group, lets a simulated
// participant read them and reply, and watches the receipts and the reply
// arrive without reloading; then sends one message to ten groups at once
// and watches the job's progress bar.
func TestMessaging(t *testing.T) {
	a := startApp(t)
	a.Sim.Configure(func(c *wasim.Config) { c.ManualRead = true })
	staff := newPage(t, a)
	login(t, staff)

	must(t, gotoPath(staff, "/groups/new"))
	must(t, staff.GetByLabel("Subject (up to 128 characters)").Fill("Launch crew"))
	must(t, staff.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Create group"}).Click())
	link := staff.GetByTestId("invite-link")
	must(t, expect.Locator(link).ToHaveValue(regexp.MustCompile(`^https://chat\.whatsapp\.com/\S+$`)))
	inviteURL, err := link.InputValue()
	must(t, err)
	must(t, expect.Locator(staff.GetByTestId("send-waiting")).ToContainText("131020"))

	phone := newPage(t, a)
	login(t, phone)
	must(t, gotoPath(phone, "/sandbox"))
	must(t, phone.GetByLabel("Name").Fill("Bea Lima"))
	must(t, phone.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Add a person"}).Click())
	must(t, phone.GetByLabel("Invite link").Fill(inviteURL))
	must(t, phone.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Open link"}).Click())
	must(t, expect.Locator(phone.GetByTestId("phone-notice")).ToContainText("You joined"))

	// The refusal turns into the (closed) service window, live.
	must(t, expect.Locator(staff.GetByTestId("window-warning")).ToContainText("charged once for every participant"))

	must(t, staff.GetByLabel("Message to the group").Fill("Welcome aboard!"))
	must(t, expect.Locator(staff.Locator("#message-count")).ToHaveText("15"))
	must(t, staff.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Send", Exact: playwright.Bool(true)}).Click())
	must(t, expect.Locator(staff.GetByTestId("composer-notice")).ToContainText("Queued"))
	text := staff.GetByTestId("message").Filter(playwright.LocatorFilterOptions{HasText: "Welcome aboard!"})
	must(t, expect.Locator(text.GetByTestId("receipts")).ToHaveText("Delivered 1 · Read 0"))

	must(t, staff.GetByLabel("Photo, video, audio, document or sticker").Check())
	must(t, expectSelect(staff.GetByLabel("Type"), "image"))
	must(t, staff.GetByLabel("File").SetInputFiles([]playwright.InputFile{{Name: "poster.png", MimeType: "image/png", Buffer: pngImage(t)}}))
	must(t, staff.GetByLabel("Caption (images, videos and documents; up to 1024 characters)").Fill("Our launch poster"))
	must(t, staff.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Send", Exact: playwright.Bool(true)}).Click())
	img := staff.GetByTestId("message").Filter(playwright.LocatorFilterOptions{HasText: "Our launch poster"})
	must(t, expect.Locator(img.GetByTestId("media-kind")).ToHaveText("Image"))
	must(t, expect.Locator(img.GetByTestId("receipts")).ToHaveText("Delivered 1 · Read 0"))

	// The per-participant view, open while the participant reads.
	must(t, text.GetByTestId("receipts-link").Click())
	row := staff.GetByTestId("receipts-panel").GetByTestId("receipt-row")
	must(t, expect.Locator(row).ToContainText("+1 555"))
	must(t, expect.Locator(row.GetByTestId("receipt-delivered")).Not().ToHaveText("not yet"))
	must(t, expect.Locator(row.GetByTestId("receipt-read")).ToHaveText("not yet"))

	// The participant reads (the latest message, which reads the earlier
	// one too) and replies; the staff page follows without a reload.
	must(t, gotoPath(phone, "/sandbox"))
	must(t, expect.Locator(phone.GetByTestId("inbox-item")).ToHaveCount(2))
	must(t, phone.GetByTestId("inbox-item").Filter(playwright.LocatorFilterOptions{HasText: "Our launch poster"}).
		GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Mark read"}).Click())
	must(t, expect.Locator(phone.GetByTestId("phone-notice")).ToContainText("Marked as read"))
	must(t, expect.Locator(text.GetByTestId("receipts")).ToHaveText("Delivered 1 · Read 1"))
	must(t, expect.Locator(img.GetByTestId("receipts")).ToHaveText("Delivered 1 · Read 1"))

	must(t, phone.GetByLabel("Write in Launch crew").Fill("Thanks, see you there"))
	must(t, phone.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Send", Exact: playwright.Bool(true)}).Click())
	reply := staff.GetByTestId("message").Filter(playwright.LocatorFilterOptions{HasText: "Thanks, see you there"})
	must(t, expect.Locator(reply.GetByTestId("sender")).ToHaveText("Bea Lima"))
	must(t, expect.Locator(staff.GetByTestId("window-open")).ToContainText("window open until"))

	// A photo and an unsupported message from the participant: the photo
	// downloads through the app.
	must(t, phone.GetByLabel("Write in Launch crew").Fill("My ticket"))
	must(t, phone.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Send as a photo caption"}).Click())
	must(t, expect.Locator(phone.GetByTestId("phone-notice")).ToContainText("Sent"))
	must(t, phone.GetByLabel("Write in Launch crew").Fill("a poll"))
	must(t, phone.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Send as an unsupported message"}).Click())
	photo := staff.GetByTestId("message").Filter(playwright.LocatorFilterOptions{HasText: "My ticket"})
	must(t, expect.Locator(photo.GetByTestId("media-kind")).ToHaveText("Image"))
	must(t, expect.Locator(staff.GetByTestId("unsupported")).ToHaveCount(1))
	// The photo and the poster sent earlier show as thumbnails the browser
	// really decodes (served through the app).
	for _, msg := range []playwright.Locator{photo, staff.GetByTestId("message").Filter(playwright.LocatorFilterOptions{HasText: "Our launch poster"})} {
		thumb := msg.GetByTestId("media-thumb")
		must(t, expect.Locator(thumb).ToBeVisible())
		w, err := thumb.Evaluate("el => el.decode().then(() => el.naturalWidth)", nil)
		must(t, err)
		if n, ok := w.(int); !ok || n == 0 {
			t.Errorf("thumbnail width %v", w)
		}
	}
	dl, err := staff.ExpectDownload(func() error { return photo.GetByTestId("media-download").Click() })
	must(t, err)
	path, err := dl.Path()
	must(t, err)
	if info, err := os.Stat(path); err != nil || info.Size() == 0 {
		t.Errorf("downloaded photo: %v %v", info, err)
	}

	must(t, expect.Locator(row.GetByTestId("receipt-read")).Not().ToHaveText("not yet"))
	must(t, expect.Locator(row).ToContainText("Bea Lima")) // the name came with the reply
	must(t, staff.GetByTestId("receipts-panel").GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Close"}).Click())
	must(t, expect.Locator(staff.GetByTestId("receipts-panel")).ToHaveCount(0))

	// Send to many: ten groups with one participant each.
	fleet := fleetGroups(t, a, 10)
	must(t, gotoPath(staff, "/messages/broadcast?status=active&q=Fleet"))
	must(t, expect.Locator(staff.GetByText("All 10 groups matching the filter above")).ToBeVisible())
	must(t, staff.GetByTestId("select-all").Check())
	must(t, staff.GetByLabel("Message to the group").Fill("Doors open at nine"))
	must(t, staff.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Send to the chosen groups"}).Click())
	must(t, expect.Locator(staff.GetByTestId("review-summary")).ToHaveText("This queues the message in 10 groups, reaching 10 people."))
	must(t, staff.GetByTestId("confirm-send").Click())
	bar := staff.GetByTestId("job-progress")
	must(t, expect.Locator(bar).ToHaveAttribute("max", "10"))
	must(t, expect.Locator(bar).ToHaveAttribute("value", "10"))
	must(t, expect.Locator(staff.GetByTestId("job-counts")).ToContainText("10 done"))
	must(t, expect.Locator(staff.GetByTestId("job-item")).ToHaveCount(10))
	for _, g := range fleet {
		ms, err := a.Store.Messages(context.Background(), g, 10)
		must(t, err)
		if len(ms) != 1 || ms[0].Body != "Doors open at nine" || ms[0].State != store.MsgSent {
			t.Errorf("group %d: %+v", g, ms)
		}
	}
}

func expectSelect(l playwright.Locator, value string) error {
	_, err := l.SelectOption(playwright.SelectOptionValues{Values: playwright.StringSlice(value)})
	return err
}

func pngImage(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 16, 16))
	for x := range 16 {
		img.Set(x, x, color.RGBA{200, 30, 30, 255})
	}
	var b bytes.Buffer
	must(t, png.Encode(&b, img))
	return b.Bytes()
}

// fleetGroups creates n groups the way the app does, and has a simulated
// person join each through its invite link; it returns their ids once the
// app knows every participant.
func fleetGroups(t *testing.T, a *app.App, n int) []int64 {
	t.Helper()
	ctx := context.Background()
	var ids []int64
	for i := range n {
		g := &store.Group{Subject: fmt.Sprintf("Fleet %02d", i+1), JoinApprovalMode: "auto_approve"}
		must(t, a.Store.CreateGroup(ctx, g))
		req, err := a.WA.CreateGroup(ctx, whatsapp.CreateGroupRequest{Subject: g.Subject, JoinApprovalMode: g.JoinApprovalMode})
		must(t, err)
		_, err = a.Handler.Ingest.GroupRequested(ctx, g.ID, req)
		must(t, err)
		ids = append(ids, g.ID)
	}
	for i, id := range ids {
		g := waitGroup(t, a, id, func(g *store.Group) bool { return g.InviteLink != "" })
		u := a.Sim.AddUser(wasim.User{WaID: fmt.Sprintf("1555000%04d", i), Name: fmt.Sprintf("Member %d", i)})
		_, err := a.Sim.Tap(u.WaID, g.InviteLink)
		must(t, err)
	}
	for _, id := range ids {
		waitGroup(t, a, id, func(g *store.Group) bool { return g.ParticipantCount == 1 })
	}
	return ids
}

// waitGroup waits for the webhooks that bring a group to the wanted state.
func waitGroup(t *testing.T, a *app.App, id int64, ok func(*store.Group) bool) *store.Group {
	t.Helper()
	var g *store.Group
	testutil.Eventually(t, 15*time.Second, func() error {
		var err error
		g, err = a.Store.GroupByID(context.Background(), id)
		must(t, err)
		if !ok(g) {
			return fmt.Errorf("group %d never reached the wanted state: %+v", id, g)
		}
		return nil
	})
	return g
}
