//go:build e2e

package e2e

import (
	"testing"

	"github.com/mxschmitt/playwright-go"
)

// openMenu follows a link of one of the main menu's submenus (groups,
// messaging, admin), the way a person does: open it, then click.
func openMenu(t *testing.T, page playwright.Page, menu, link string) {
	t.Helper()
	sub := page.GetByTestId("menu-" + menu)
	must(t, sub.Locator("summary").Click())
	must(t, sub.GetByRole("link", playwright.LocatorGetByRoleOptions{Name: link, Exact: playwright.Bool(true)}).Click())
}

// TestNavigation: at desktop width the menu is one line of five entries
// with submenus; at 390 px it folds behind a Menu button that works with
// the keyboard; Sandbox phone sits under Admin. Screenshots in light and
// dark.
func TestNavigation(t *testing.T) {
	a := startApp(t)
	page := newPage(t, a)
	must(t, page.SetViewportSize(1280, 800))
	login(t, page)
	nav := page.GetByTestId("main-nav")
	top := nav.Locator(".menu > li")
	must(t, expect.Locator(top).ToHaveCount(5))
	must(t, expect.Locator(page.GetByTestId("menu-button")).ToBeHidden())
	// One line: every top-level entry starts at the same height.
	first, err := top.First().BoundingBox()
	must(t, err)
	last, err := top.Last().BoundingBox()
	must(t, err)
	if first.Y != last.Y {
		t.Fatalf("the menu wraps at 1280 px: first entry at y=%v, last at y=%v", first.Y, last.Y)
	}
	admin := page.GetByTestId("menu-admin")
	must(t, admin.Locator("summary").Click())
	for _, name := range []string{"Users", "Audit log", "Event log", "Connection", "Sandbox phone"} {
		must(t, expect.Locator(admin.GetByRole("link", playwright.LocatorGetByRoleOptions{Name: name})).ToBeVisible())
	}
	screenshot(t, page, "nav-desktop-light")
	must(t, page.EmulateMedia(playwright.PageEmulateMediaOptions{ColorScheme: playwright.ColorSchemeDark}))
	screenshot(t, page, "nav-desktop-dark")
	must(t, page.EmulateMedia(playwright.PageEmulateMediaOptions{ColorScheme: playwright.ColorSchemeLight}))
	// Opening another submenu closes this one; Escape closes it too.
	must(t, page.GetByTestId("menu-messaging").Locator("summary").Click())
	must(t, expect.Locator(admin.GetByRole("link", playwright.LocatorGetByRoleOptions{Name: "Users"})).ToBeHidden())
	must(t, page.Keyboard().Press("Escape"))
	must(t, expect.Locator(page.GetByTestId("menu-messaging").GetByRole("link", playwright.LocatorGetByRoleOptions{Name: "Scheduled"})).ToBeHidden())
	openMenu(t, page, "admin", "Audit log")
	must(t, expect.Page(page).ToHaveURL(a.URL+"/audit"))

	// Phone width: one short header line; the menu opens from the button,
	// by keyboard as well.
	must(t, page.SetViewportSize(390, 844))
	must(t, gotoPath(page, "/"))
	btn := page.GetByTestId("menu-button")
	must(t, expect.Locator(btn).ToBeVisible())
	must(t, expect.Locator(nav).ToBeHidden())
	header, err := page.Locator("header.top").BoundingBox()
	must(t, err)
	if header.Height > 80 {
		t.Fatalf("the closed header is %v px tall at 390 px", header.Height)
	}
	must(t, btn.Focus())
	must(t, page.Keyboard().Press("Enter"))
	must(t, expect.Locator(btn).ToHaveAttribute("aria-expanded", "true"))
	must(t, expect.Locator(nav).ToBeVisible())
	must(t, page.GetByTestId("menu-groups").Locator("summary").Focus())
	must(t, page.Keyboard().Press("Enter"))
	screenshot(t, page, "nav-phone-light")
	must(t, page.EmulateMedia(playwright.PageEmulateMediaOptions{ColorScheme: playwright.ColorSchemeDark}))
	screenshot(t, page, "nav-phone-dark")
	must(t, page.GetByTestId("menu-groups").GetByRole("link", playwright.LocatorGetByRoleOptions{Name: "All groups"}).Click())
	must(t, expect.Page(page).ToHaveURL(a.URL+"/groups"))
	must(t, expect.Locator(nav).ToBeHidden())
	must(t, btn.Click())
	must(t, page.Keyboard().Press("Escape"))
	must(t, expect.Locator(nav).ToBeHidden())
	must(t, expect.Locator(btn).ToBeFocused())
}
