//go:build e2e

package e2e

import (
	"regexp"
	"testing"

	"github.com/mxschmitt/playwright-go"
)

// TestSandboxLoop is the whole loop a newcomer sees: create a group, see
// its invite link arrive live, join from the Sandbox phone, see the
// participant appear live, message the group and watch the receipts.
func TestSandboxLoop(t *testing.T) {
	a := startApp(t)
	staff := newPage(t, a)
	login(t, staff)

	must(t, gotoPath(staff, "/groups/new"))
	must(t, staff.GetByLabel("Subject (up to 128 characters)").Fill("Cohort <b>1</b>"))
	must(t, staff.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Create group"}).Click())
	must(t, expect.Locator(staff.GetByTestId("group-subject")).ToHaveText("Cohort <b>1</b>"))

	link := staff.GetByTestId("invite-link")
	must(t, expect.Locator(link).ToHaveValue(regexp.MustCompile(`^https://chat\.whatsapp\.com/\S+$`)))
	inviteURL, err := link.InputValue()
	must(t, err)
	must(t, expect.Locator(staff.GetByTestId("participant-count")).ToHaveText("0"))

	phone := newPage(t, a)
	login(t, phone)
	must(t, gotoPath(phone, "/sandbox"))
	must(t, phone.GetByLabel("Name").Fill("Ana Souza"))
	must(t, phone.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Add a person"}).Click())
	must(t, expect.Locator(phone.GetByTestId("phone-notice")).ToContainText("Ana Souza is ready"))
	must(t, phone.GetByLabel("Invite link").Fill(inviteURL))
	must(t, phone.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Open link"}).Click())
	must(t, expect.Locator(phone.GetByTestId("phone-notice")).ToContainText("You joined"))

	// The staff page was not reloaded: the participant arrives over SSE.
	must(t, expect.Locator(staff.GetByTestId("participant-count")).ToHaveText("1"))
	must(t, expect.Locator(staff.GetByTestId("participant")).ToContainText("+1 555"))

	must(t, staff.GetByLabel("Message to the group").Fill("Welcome, everyone!"))
	must(t, staff.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Send"}).Click())
	msg := staff.GetByTestId("message").Filter(playwright.LocatorFilterOptions{HasText: "Welcome, everyone!"})
	must(t, expect.Locator(msg.GetByTestId("msg-state")).ToHaveText("Sent"))
	must(t, expect.Locator(msg.GetByTestId("receipts")).ToHaveText("Delivered 1 · Read 1"))
}
