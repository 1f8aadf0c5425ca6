//go:build e2e

package e2e

import (
	"regexp"
	"testing"

	"github.com/mxschmitt/playwright-go"

	"groupdeck/wasim"
)

// TestConnectionPage checks the setup against the simulator in sandbox
// mode: the phone number answers, the app is not subscribed until the
// admin presses Subscribe, the sandbox's handshake was recorded, and a
// group created afterwards shows up as a signed delivery.
func TestConnectionPage(t *testing.T) {
	a := startApp(t)
	a.Sim.Configure(func(c *wasim.Config) { c.Unsubscribed = true })
	page := newPage(t, a)
	login(t, page)
	must(t, page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Connection", Exact: playwright.Bool(true)}).Click())
	must(t, expect.Page(page).ToHaveTitle(regexp.MustCompile("Connection")))

	check := func(id string) playwright.Locator { return page.GetByTestId("check-" + id) }
	must(t, expect.Locator(check("phone")).ToHaveAttribute("data-level", "ok"))
	must(t, expect.Locator(check("phone")).ToContainText("groupdeck Sandbox"))
	must(t, expect.Locator(check("handshake")).ToHaveAttribute("data-level", "ok"))
	must(t, expect.Locator(check("version")).ToContainText("v26.0"))
	must(t, expect.Locator(check("signatures")).ToHaveAttribute("data-level", "ok"))
	sub := check("subscription")
	must(t, expect.Locator(sub).ToHaveAttribute("data-level", "bad"))
	must(t, expect.Locator(sub.GetByTestId("check-fix")).ToContainText("Press Subscribe"))

	must(t, page.GetByTestId("connection-subscribe").Click())
	must(t, expect.Locator(page.GetByTestId("connection-flash")).ToContainText("now subscribed"))
	must(t, expect.Locator(sub).ToHaveAttribute("data-level", "ok"))
	must(t, expect.Locator(page.GetByTestId("connection-subscribe")).ToHaveCount(0))

	// Webhooks now flow: a new group's outcome is a signed delivery.
	must(t, gotoPath(page, "/groups/new"))
	must(t, page.GetByLabel("Subject (up to 128 characters)").Fill("Wired"))
	must(t, page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Create group"}).Click())
	must(t, expect.Locator(page.GetByTestId("invite-link")).ToHaveValue(regexp.MustCompile(`^https://chat\.whatsapp\.com/`)))
	must(t, gotoPath(page, "/connection"))
	must(t, expect.Locator(check("deliveries")).ToHaveAttribute("data-level", "ok"))
	must(t, expect.Locator(check("deliveries")).ToContainText("The last signed delivery arrived"))
}
