//go:build e2e

package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mxschmitt/playwright-go"

	"groupdeck/internal/testutil"
)

// TestConsoleWatchCatchesViolations: the console check every browser test
// relies on does see what it must fail on. An inline style swapped into a
// page is refused by the app's CSP and reported; an uncaught exception is
// reported too. (A watch that saw nothing would make every test's "clean
// console" meaningless.)
func TestConsoleWatchCatchesViolations(t *testing.T) {
	a := startApp(t)
	ctx, err := browser.NewContext(playwright.BrowserNewContextOptions{BaseURL: playwright.String(a.URL)})
	must(t, err)
	t.Cleanup(func() { ctx.Close() })
	page, err := ctx.NewPage()
	must(t, err)
	w := newConsoleWatch(page)
	must(t, gotoPath(page, "/login"))
	_, err = page.Evaluate(`() => {
		document.body.insertAdjacentHTML("beforeend", '<div style="color: red">inline</div>');
		setTimeout(() => { throw new Error("boom from the page") }, 0);
	}`)
	must(t, err)
	testutil.Eventually(t, 10*time.Second, func() error {
		var csp, thrown bool
		for _, p := range w.problems() {
			csp = csp || strings.Contains(p, "style-src")
			thrown = thrown || strings.Contains(p, "boom from the page")
		}
		if !csp || !thrown {
			return fmt.Errorf("reports so far (want a style-src violation and the thrown error): %q", w.problems())
		}
		return nil
	})
}

// TestInvalidFormIsNotAConsoleError: a form answered 422 re-renders in
// place with its field messages; that is the app working, so the console
// stays clean (htmx must not log it as a response error).
func TestInvalidFormIsNotAConsoleError(t *testing.T) {
	a := startApp(t)
	page := newPage(t, a)
	login(t, page)
	// Chromium itself logs every non-2xx response it loads; that line is
	// the browser's, not the page's, so it is the one thing allowed here.
	allowConsole(page, "the server responded with a status of 422")
	must(t, gotoPath(page, "/groups/new"))
	click(t, button(page, "Create group"))
	must(t, expect.Locator(page.Locator("#subject-error")).ToContainText("Give the group a subject"))
	must(t, expect.Locator(page.GetByLabel("Subject (up to 128 characters)")).ToBeFocused())
}
