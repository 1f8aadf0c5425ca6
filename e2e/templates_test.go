//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mxschmitt/playwright-go"

	"groupdeck/internal/testutil"
	"groupdeck/store"
)

// TestTemplateNamedImageHeader picks an approved template with named
// parameters, an image header and a URL button from the account's list,
// fills its fields while the preview follows, sends it to a group and
// watches it delivered; the simulator checked every component.
func TestTemplateNamedImageHeader(t *testing.T) {
	a := startApp(t)
	ctx := context.Background()
	testutil.Eventually(t, 15*time.Second, func() error {
		ts, err := a.Store.Templates(ctx, true)
		if err != nil || len(ts) == 0 {
			return fmt.Errorf("the template list was never loaded: %v", err)
		}
		return nil
	})
	g := fleetGroups(t, a, 1)[0]
	staff := newPage(t, a)
	login(t, staff)

	// The templates page shows the account's list with review statuses.
	must(t, gotoPath(staff, "/templates"))
	rows := staff.GetByTestId("templates").Locator("tbody tr")
	must(t, expect.Locator(rows.Filter(playwright.LocatorFilterOptions{HasText: "flash_sale"})).ToContainText("pending"))
	must(t, expect.Locator(rows.Filter(playwright.LocatorFilterOptions{HasText: "win_a_prize"})).ToContainText("rejected"))

	must(t, gotoPath(staff, fmt.Sprintf("/groups/%d", g)))
	must(t, staff.GetByLabel("Approved template").Check())
	picker := staff.Locator("#template-choice")
	// Only approved templates are offered.
	must(t, expect.Locator(picker.Locator("option[value='flash_sale|en_US']")).ToHaveCount(0))
	must(t, expectSelect(picker, "event_invitation|en_US"))
	must(t, expect.Locator(staff.GetByTestId("template-cost")).ToContainText("utility"))
	must(t, expect.Locator(staff.GetByTestId("template-cost")).ToContainText("to this group's 1 participant ≈ 0.00 USD"))

	preview := staff.GetByTestId("template-preview")
	must(t, expect.Locator(preview).ToContainText("Hello {{first_name}}!"))
	must(t, staff.GetByLabel("Body {{first_name}}").Fill("Ana"))
	must(t, staff.GetByLabel("Body {{event_name}}").Fill("the launch party"))
	must(t, staff.GetByLabel("Button “See details” link {{1}}").Fill("launch-42"))
	must(t, expect.Locator(preview).ToContainText("Hello Ana! Join us for the launch party."))
	must(t, expect.Locator(preview).ToContainText("https://example.com/events/launch-42"))
	must(t, staff.GetByLabel("Upload a file").SetInputFiles([]playwright.InputFile{{Name: "poster.png", MimeType: "image/png", Buffer: pngImage(t)}}))
	must(t, staff.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Send", Exact: playwright.Bool(true)}).Click())
	must(t, expect.Locator(staff.GetByTestId("composer-notice")).ToContainText("Queued"))

	msg := staff.GetByTestId("message").Filter(playwright.LocatorFilterOptions{HasText: "Hello Ana! Join us for the launch party."})
	must(t, expect.Locator(msg).ToContainText("[image header]"))
	must(t, expect.Locator(msg.GetByTestId("receipts")).ToContainText("Delivered 1"))

	ms, err := a.Store.Messages(ctx, g, 10)
	must(t, err)
	if len(ms) != 1 || ms[0].State != store.MsgSent || ms[0].MediaID == "" {
		t.Fatalf("message: %+v", ms)
	}
	sent := a.Sim.Sent()
	if len(sent) == 0 || sent[len(sent)-1].Type != "template" || !strings.Contains(sent[len(sent)-1].Text, "event_invitation") ||
		sent[len(sent)-1].Category != "group_utility" {
		t.Fatalf("the simulator got %+v", sent)
	}
}
