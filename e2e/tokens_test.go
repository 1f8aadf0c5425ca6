//go:build e2e

package e2e

import (
	"net/http"
	"strings"
	"testing"

	"github.com/mxschmitt/playwright-go"
)

// apiCall calls the JSON API with a bearer token, as a tool would.
func apiCall(t *testing.T, base, tok string) int {
	t.Helper()
	req, _ := http.NewRequest("GET", base+"/api/v1/groups", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	res, err := http.DefaultClient.Do(req)
	must(t, err)
	res.Body.Close()
	return res.StatusCode
}

// TestAPITokenPage: create a token on the account page, use it against
// the API, and revoke it with the keyboard.
func TestAPITokenPage(t *testing.T) {
	a := startApp(t)
	page := newPage(t, a)
	login(t, page)
	click(t, page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "API tokens"}))
	must(t, expect.Locator(page.GetByTestId("tokens-empty")).ToBeVisible())

	// An empty name is refused with the field's message, and nothing is
	// lost. Chromium logs the 422 it loaded; that line is the browser's.
	allowConsole(page, "the server responded with a status of 422")
	_, err := page.GetByLabel("Expires after").SelectOption(playwright.SelectOptionValues{Values: &[]string{"30"}})
	must(t, err)
	click(t, button(page, "Create token"))
	must(t, expect.Locator(page.Locator("#token-name-error")).ToContainText("Name the token"))

	must(t, page.GetByLabel("Name (what uses it").Fill("n8n flows"))
	click(t, button(page, "Create token"))
	must(t, expect.Locator(page.GetByTestId("token-created")).ToContainText("shown only once"))
	tok, err := page.GetByTestId("token-value").InputValue()
	must(t, err)
	if !strings.HasPrefix(tok, "gd_") {
		t.Fatalf("token %q", tok)
	}
	if st := apiCall(t, a.URL, tok); st != 200 {
		t.Fatalf("the new token: %d", st)
	}

	must(t, gotoPath(page, "/account/tokens"))
	row := page.GetByTestId("token-row")
	must(t, expect.Locator(row).ToContainText("n8n flows"))
	must(t, expect.Locator(page.GetByTestId("token-value")).ToHaveCount(0))
	summary := row.Locator("summary")
	must(t, summary.Focus())
	must(t, page.Keyboard().Press("Enter"))
	revoke := button(page, "Revoke n8n flows")
	must(t, revoke.Focus())
	must(t, page.Keyboard().Press("Enter"))
	must(t, expect.Locator(page.GetByTestId("tokens-notice")).ToContainText("revoked"))
	must(t, expect.Locator(row).ToContainText("Revoked"))
	if st := apiCall(t, a.URL, tok); st != http.StatusUnauthorized {
		t.Fatalf("the revoked token: %d", st)
	}
}
