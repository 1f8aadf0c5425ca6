//go:build e2e

package e2e

import (
	"testing"

	"github.com/mxschmitt/playwright-go"
)

// A user signed in on two browsers sees both sessions on their account
// page and ends the other one; the other browser is then signed out, and
// the back button after signing out shows no cached page.
func TestAccountSessions(t *testing.T) {
	a := startApp(t)
	here, laptop := newPage(t, a), newPage(t, a)
	// The laptop's live stream may be cut by its session ending before it
	// navigates away, and its reconnect refused.
	allowConsole(laptop, "[object Event]")
	allowConsole(laptop, "status of 401")
	login(t, laptop)
	login(t, here)
	must(t, here.GetByTestId("signed-in").Click())
	must(t, expect.Locator(here.GetByRole("heading", playwright.PageGetByRoleOptions{Name: "Your account"})).ToBeVisible())
	must(t, expect.Locator(here.GetByTestId("session-row")).ToHaveCount(2))
	must(t, expect.Locator(here.GetByText("This browser")).ToHaveCount(1))
	must(t, here.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Sign out everywhere else"}).Click())
	must(t, expect.Locator(here.GetByTestId("account-notice")).ToHaveText("Signed out everywhere else."))
	must(t, expect.Locator(here.GetByTestId("only-session")).ToBeVisible())

	must(t, gotoPath(laptop, "/groups"))
	must(t, expect.Locator(laptop.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Sign in"})).ToBeVisible())

	must(t, gotoPath(here, "/groups"))
	must(t, here.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Sign out"}).Click())
	must(t, expect.Locator(here.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Sign in"})).ToBeVisible())
	if _, err := here.GoBack(); err != nil {
		t.Fatal(err)
	}
	must(t, expect.Locator(here.GetByTestId("signed-in")).ToHaveCount(0))
}
