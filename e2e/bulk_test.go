//go:build e2e

package e2e

import (
	"regexp"
	"testing"

	"github.com/mxschmitt/playwright-go"
)

// TestGroupsBulkDelete: the list searches as you type (no Apply click);
// three groups ticked in the list are deleted after a review with a typed
// confirmation; "select all matching" leads to the send-to-many composer
// with every matching group chosen. Screenshots of the bulk bar at
// desktop and phone width, light and dark.
func TestGroupsBulkDelete(t *testing.T) {
	a := startApp(t)
	page := newPage(t, a)
	must(t, page.SetViewportSize(1280, 800))
	login(t, page)
	for _, s := range []string{"Tide pool 1", "Tide pool 2", "Tide pool 3", "Book club"} {
		createGroup(t, page, a, s)
	}
	must(t, gotoPath(page, "/groups"))
	rows := page.GetByTestId("group-row")
	must(t, expect.Locator(rows).ToHaveCount(4))
	must(t, page.GetByLabel("Search by subject").PressSequentially("tide"))
	must(t, expect.Locator(rows).ToHaveCount(3))
	must(t, expect.Page(page).ToHaveURL(regexp.MustCompile(`/groups\?q=tide$`)))

	// Let the live list settle (creations confirmed) before ticking.
	must(t, expect.Locator(page.GetByTestId("status").Filter(playwright.LocatorFilterOptions{HasText: "Active"})).ToHaveCount(3))
	boxes := page.GetByTestId("select-group")
	for i := 0; i < 3; i++ {
		must(t, boxes.Nth(i).Check())
	}
	must(t, expect.Locator(page.GetByTestId("selected-count")).ToHaveText("3 groups selected"))
	screenshot(t, page, "bulk-bar-desktop-light")
	must(t, page.EmulateMedia(playwright.PageEmulateMediaOptions{ColorScheme: playwright.ColorSchemeDark}))
	screenshot(t, page, "bulk-bar-desktop-dark")
	must(t, page.SetViewportSize(390, 844))
	screenshot(t, page, "bulk-bar-phone-dark")
	must(t, page.EmulateMedia(playwright.PageEmulateMediaOptions{ColorScheme: playwright.ColorSchemeLight}))
	screenshot(t, page, "bulk-bar-phone-light")
	must(t, page.SetViewportSize(1280, 800))

	_, err := page.GetByTestId("bulk-action").SelectOption(playwright.SelectOptionValues{Values: &[]string{"delete"}})
	must(t, err)
	must(t, page.GetByTestId("bulk-go").Click())
	must(t, expect.Locator(page.GetByTestId("selection-groups").Locator("li")).ToHaveCount(3))
	confirm := page.GetByTestId("confirm-selection")
	must(t, expect.Locator(confirm).ToHaveClass(regexp.MustCompile(`\bdanger\b`)))
	// The wrong phrase is answered 422 with the page again; Chromium logs
	// that status itself, the one line allowed.
	allowConsole(page, "the server responded with a status of 422")
	must(t, page.GetByLabel("Type delete 3 groups to confirm").Fill("delete them"))
	must(t, confirm.Click())
	must(t, expect.Locator(page.GetByTestId("confirm-error")).ToContainText("Type “delete 3 groups” exactly"))
	must(t, page.GetByLabel("Type delete 3 groups to confirm").Fill("delete 3 groups"))
	must(t, page.GetByTestId("confirm-selection").Click())
	must(t, expect.Locator(page.GetByTestId("selection-done")).ToContainText("Deletion requested for 3 groups"))
	must(t, expect.Locator(page.GetByTestId("selection-results").Locator(".bad-text")).ToHaveCount(0))

	// WhatsApp confirms: the three are gone from the list, Book club stays.
	must(t, gotoPath(page, "/groups"))
	must(t, expect.Locator(rows).ToHaveCount(1))
	must(t, expect.Locator(rows).ToContainText("Book club"))
	left := 0
	for _, g := range a.Sim.Groups() {
		if !g.Deleted {
			left++
		}
	}
	if left != 1 {
		t.Fatalf("the simulator still has %d groups, want 1", left)
	}

	// Select all matching → the send-to-many composer with that group chosen.
	must(t, page.GetByTestId("select-all-matching").Check())
	must(t, expect.Locator(page.GetByTestId("selected-count")).ToHaveText("All 1 matching group selected"))
	must(t, page.GetByTestId("bulk-go").Click())
	must(t, expect.Page(page).ToHaveURL(regexp.MustCompile(`/messages/broadcast\?group=\d+$`)))
}

// TestBulkBarOnlyWithGroups: with no group listed (none yet, or none
// matching the search) the bulk bar stays away; it appears with the
// first row, live, when another page creates a group.
func TestBulkBarOnlyWithGroups(t *testing.T) {
	a := startApp(t)
	page := newPage(t, a)
	login(t, page)
	must(t, gotoPath(page, "/groups"))
	bar := page.GetByTestId("bulk-bar")
	must(t, expect.Locator(page.GetByTestId("groups-empty")).ToContainText("No groups yet"))
	must(t, expect.Locator(bar).ToBeHidden())

	other := newPage(t, a)
	login(t, other)
	newGroupForm(t, other, "Harbour swimmers", false)
	must(t, expect.Locator(page.GetByTestId("group-row")).ToHaveCount(1))
	must(t, expect.Locator(bar).ToBeVisible())

	must(t, page.GetByLabel("Search by subject").Fill("no such group"))
	must(t, expect.Locator(page.GetByTestId("groups-empty")).ToContainText("No group matches"))
	must(t, expect.Locator(bar).ToBeHidden())
}
