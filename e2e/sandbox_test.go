//go:build e2e

package e2e

import (
	"regexp"
	"testing"

	"github.com/mxschmitt/playwright-go"
)

// TestSandboxPhoneSwitches covers what the Sandbox phone offers beyond
// joining: asking to join and withdrawing, writing an image and an
// unsupported message, and the operator's suspend switch.
func TestSandboxPhoneSwitches(t *testing.T) {
	a := startApp(t)
	staff := newPage(t, a)
	login(t, staff)
	must(t, gotoPath(staff, "/groups/new"))
	must(t, staff.GetByLabel("Subject (up to 128 characters)").Fill("VIP pod"))
	must(t, staff.GetByLabel("People ask to join and staff approve them").Check())
	must(t, staff.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Create group"}).Click())
	link := staff.GetByTestId("invite-link")
	must(t, expect.Locator(link).ToHaveValue(regexp.MustCompile(`^https://chat\.whatsapp\.com/`)))
	invite, err := link.InputValue()
	must(t, err)

	phone := newPage(t, a)
	login(t, phone)
	must(t, gotoPath(phone, "/sandbox"))
	must(t, phone.GetByLabel("Name").Fill("Bea"))
	must(t, phone.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Add a person"}).Click())
	must(t, phone.GetByLabel("Invite link").Fill(invite))
	must(t, phone.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Open link"}).Click())
	must(t, expect.Locator(phone.GetByTestId("phone-notice")).ToContainText("asked to join"))
	must(t, phone.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Withdraw my request to join VIP pod"}).Click())
	must(t, expect.Locator(phone.GetByTestId("phone-notice")).ToContainText("withdrew"))
	must(t, expect.Locator(phone.GetByTestId("phone-pending")).ToHaveCount(0))

	// The operator suspends the group: the open staff page says so live.
	must(t, phone.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Suspend VIP pod"}).Click())
	must(t, expect.Locator(phone.GetByTestId("phone-notice")).ToContainText("suspended"))
	banner := staff.GetByTestId("suspended-banner")
	must(t, expect.Locator(banner).ToBeVisible())
	must(t, phone.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Lift the suspension of VIP pod"}).Click())
	must(t, expect.Locator(banner).ToHaveCount(0))
}
