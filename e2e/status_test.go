//go:build e2e

package e2e

import (
	"testing"
	"time"

	"github.com/mxschmitt/playwright-go"

	"groupdeck/wasim"
)

// TestCreatingBecomesActiveLive: WhatsApp confirms the group a little
// later than usual; the page opened while it was creating follows it to
// Active without a reload — status, invite link, composer, Edit settings
// and Delete — and the composer follows the first join.
func TestCreatingBecomesActiveLive(t *testing.T) {
	a := startApp(t)
	// Long enough for the page to load first even on a busy machine.
	a.Sim.Configure(func(c *wasim.Config) { c.WebhookDelay = 4 * time.Second })
	page := newPage(t, a)
	login(t, page)
	must(t, gotoPath(page, "/groups/new"))
	must(t, page.GetByLabel("Subject (up to 128 characters)").Fill("Slow to confirm"))
	click(t, button(page, "Create group"))

	status := page.GetByTestId("status")
	must(t, expect.Locator(status).ToHaveText("Creating…"))
	must(t, expect.Locator(page.GetByTestId("send-refused")).ToContainText("not active"))
	must(t, expect.Locator(button(page, "Send")).ToBeDisabled())
	must(t, expect.Locator(button(page, "Edit settings")).ToBeDisabled())
	must(t, expect.Locator(button(page, "Delete group…")).ToBeDisabled())
	must(t, expect.Locator(page.GetByTestId("tools-reason")).ToContainText("WhatsApp has not confirmed this group yet"))

	// The create webhook arrives: everything follows, no reload.
	must(t, expect.Locator(status).ToHaveText("Active"))
	must(t, expect.Locator(page.GetByTestId("invite-link")).ToBeVisible())
	must(t, expect.Locator(page.GetByTestId("send-waiting")).ToContainText("Share the invite link"))
	must(t, expect.Locator(page.GetByTestId("send-refused")).ToHaveCount(0)) // a next step, not an error
	must(t, expect.Locator(page.GetByTestId("edit-settings")).ToBeEnabled())
	must(t, expect.Locator(page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Delete group…"})).ToBeVisible())
	must(t, expect.Locator(page.GetByTestId("tools-reason")).ToHaveCount(0))
	must(t, expect.Locator(button(page, "Reset link…")).ToHaveCount(0)) // a summary, not a button
	must(t, expect.Locator(page.GetByTestId("reset-invite")).ToBeVisible())

	link, err := page.GetByTestId("invite-link").InputValue()
	must(t, err)
	a.Sim.AddUser(wasim.User{WaID: "15550003001", Name: "Dora"})
	if _, err := a.Sim.Tap("15550003001", link); err != nil {
		t.Fatal(err)
	}
	must(t, expect.Locator(page.GetByTestId("send-waiting")).ToHaveCount(0))
	must(t, expect.Locator(button(page, "Send")).ToBeEnabled())
	must(t, page.GetByLabel("Message to the group").Fill("Welcome, Dora"))
	click(t, button(page, "Send"))
	must(t, expect.Locator(page.GetByTestId("composer-notice")).ToBeVisible())
}

// TestOneStatusAndHonestControls: a suspended group shows one status,
// Suspended, and every control WhatsApp would refuse is disabled with the
// reason, live, and back when the suspension is lifted; a deleted group
// and a group whose creation failed offer nothing that cannot work.
func TestOneStatusAndHonestControls(t *testing.T) {
	a := startApp(t)
	page := newPage(t, a)
	login(t, page)
	waGroup, invite := createGroup(t, page, a, "Reported group")
	a.Sim.AddUser(wasim.User{WaID: "15550004001", Name: "Eli"})
	if _, err := a.Sim.Tap("15550004001", invite); err != nil {
		t.Fatal(err)
	}
	must(t, expect.Locator(page.GetByTestId("participant-count")).ToHaveText("1"))
	status := page.GetByTestId("status")
	must(t, expect.Locator(status).ToHaveText("Active"))
	must(t, expect.Locator(button(page, "Send")).ToBeEnabled())

	must(t, a.Sim.SetSuspended(waGroup, true))
	must(t, expect.Locator(status).ToHaveText("Suspended"))
	must(t, expect.Locator(status).ToHaveCount(1))
	must(t, expect.Locator(page.Locator("#group-summary .badge", playwright.PageLocatorOptions{HasText: "Active"})).ToHaveCount(0))
	must(t, expect.Locator(page.GetByTestId("suspended-banner")).ToBeVisible())
	must(t, expect.Locator(page.GetByTestId("tools-reason")).ToContainText("131207"))
	must(t, expect.Locator(button(page, "Edit settings")).ToBeDisabled())
	must(t, expect.Locator(button(page, "Delete group…")).ToBeDisabled())
	must(t, expect.Locator(page.GetByTestId("reset-invite")).ToHaveCount(0))
	must(t, expect.Locator(page.GetByTestId("invite-reason")).ToContainText("suspended"))
	must(t, expect.Locator(page.GetByTestId("invite-link")).ToBeVisible()) // still shown: people may know it
	must(t, expect.Locator(button(page, "Send")).ToBeDisabled())
	must(t, expect.Locator(page.GetByTestId("send-refused")).ToContainText("131207"))
	must(t, expect.Locator(page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Remove +1 555 000 4001"})).ToHaveCount(0))

	// The server refuses too, whatever the page shows.
	res, err := page.Request().Get("/groups/1/settings")
	must(t, err)
	if res.Status() != 409 {
		t.Errorf("settings of a suspended group: %d, want 409", res.Status())
	}

	must(t, a.Sim.SetSuspended(waGroup, false))
	must(t, expect.Locator(status).ToHaveText("Active"))
	must(t, expect.Locator(page.GetByTestId("suspended-banner")).ToHaveCount(0))
	must(t, expect.Locator(page.GetByTestId("edit-settings")).ToBeEnabled())
	must(t, expect.Locator(page.GetByTestId("reset-invite")).ToBeVisible())
	must(t, expect.Locator(button(page, "Send")).ToBeEnabled())

	// Deleted: the page follows and offers nothing that cannot work.
	click(t, page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Delete group…"}))
	must(t, page.GetByTestId("delete-subject").Fill("Reported group"))
	click(t, page.GetByTestId("confirm-delete"))
	must(t, expect.Locator(status).ToHaveText("Deleted"))
	must(t, expect.Locator(page.GetByTestId("tools-reason")).ToContainText("deleted"))
	must(t, expect.Locator(button(page, "Edit settings")).ToBeDisabled())
	must(t, expect.Locator(page.GetByTestId("invite-link")).ToHaveCount(0))
	must(t, expect.Locator(button(page, "Send")).ToBeDisabled())
	must(t, expect.Locator(page.GetByTestId("send-refused")).ToBeVisible())

	// Failed creation: the reason, and no control that cannot work.
	a.Sim.Configure(func(c *wasim.Config) { c.FailCreates = true })
	must(t, gotoPath(page, "/groups/new"))
	must(t, page.GetByLabel("Subject (up to 128 characters)").Fill("Never made"))
	click(t, button(page, "Create group"))
	must(t, expect.Locator(status).ToHaveText("Failed"))
	must(t, expect.Locator(page.GetByTestId("failure")).ToBeVisible())
	must(t, expect.Locator(page.GetByTestId("tools-reason")).ToContainText("could not create"))
	must(t, expect.Locator(button(page, "Delete group…")).ToBeDisabled())
	must(t, expect.Locator(button(page, "Send")).ToBeDisabled())
}
