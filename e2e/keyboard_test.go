//go:build e2e

package e2e

import (
	"testing"

	"github.com/mxschmitt/playwright-go"
)

// TestEscapeCancelsAConfirmation: the confirmation panels (Reset link…,
// Delete link…, Reset password…) open with Enter from their summary and,
// like a dialog, close again on Escape from anywhere inside them, giving
// the focus back to the summary; nothing is submitted.
func TestEscapeCancelsAConfirmation(t *testing.T) {
	a := startApp(t)
	page := newPage(t, a)
	login(t, page)
	link := newGroupForm(t, page, "Keyboard club", false)

	summary := page.GetByTestId("reset-invite")
	confirm := page.GetByTestId("confirm-reset")
	must(t, summary.Focus())
	must(t, page.Keyboard().Press("Enter"))
	must(t, expect.Locator(confirm).ToBeVisible())
	must(t, page.Keyboard().Press("Tab"))
	must(t, expect.Locator(confirm).ToBeFocused())
	must(t, page.Keyboard().Press("Escape"))
	must(t, expect.Locator(confirm).ToBeHidden())
	must(t, expect.Locator(summary).ToBeFocused())
	must(t, expect.Locator(page.GetByTestId("invite-link")).ToHaveValue(link))

	must(t, gotoPath(page, "/users"))
	reset := page.GetByText("Reset password…")
	password := page.GetByLabel("New password for " + adminEmail + " (10 characters or more)")
	must(t, reset.Focus())
	must(t, page.Keyboard().Press("Enter"))
	must(t, expect.Locator(password).ToBeVisible())
	must(t, password.Focus())
	must(t, page.Keyboard().Type("half typed"))
	must(t, page.Keyboard().Press("Escape"))
	must(t, expect.Locator(password).ToBeHidden())
	must(t, expect.Locator(reset).ToBeFocused())
}

// TestFullPageErrorTakesFocus: a form sent back as a whole page with
// errors (no htmx) puts the focus on the first field to fix, as the
// in-place forms do, so a keyboard user starts where the problem is.
func TestFullPageErrorTakesFocus(t *testing.T) {
	a := startApp(t)
	page := newPage(t, a)
	login(t, page)
	allowConsole(page, "the server responded with a status of 422")
	must(t, gotoPath(page, "/users"))
	must(t, page.GetByLabel("Password (10 characters or more").Fill("short"))
	click(t, button(page, "Add account"))
	email := page.GetByLabel("E-mail", playwright.PageGetByLabelOptions{Exact: playwright.Bool(true)})
	must(t, expect.Locator(page.Locator("#new-email-error")).ToBeVisible())
	must(t, expect.Locator(email).ToHaveAttribute("aria-invalid", "true"))
	must(t, expect.Locator(email).ToBeFocused())

	// A page that loads without errors leaves the focus alone.
	must(t, gotoPath(page, "/users"))
	must(t, expect.Locator(email).Not().ToBeFocused())
}
