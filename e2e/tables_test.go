//go:build e2e

package e2e

import (
	"fmt"
	"testing"
	"time"

	"github.com/mxschmitt/playwright-go"

	"groupdeck/internal/testutil"
)

// wholeRow fails unless every cell of the row is as tall as the row: a
// cell that stops being a table cell (display: flex on a <td>) ends
// short, with the row's border and background broken under it.
func wholeRow(t *testing.T, row playwright.Locator, cells int) {
	t.Helper()
	testutil.Eventually(t, 5*time.Second, func() error {
		v, err := row.Evaluate(`tr => { const h = Math.round(tr.getBoundingClientRect().height);
			return [tr.cells.length].concat(Array.from(tr.cells).filter(c => Math.abs(c.getBoundingClientRect().height - h) > 1).map(c => c.innerText.slice(0, 30))); }`, nil)
		if err != nil {
			return err
		}
		got := fmt.Sprint(v)
		if want := fmt.Sprintf("[%d]", cells); got != want {
			return fmt.Errorf("cells and the ones shorter than the row: %s (want %s)", got, want)
		}
		return nil
	})
}

// TestActionCellsStayInTheirRow: the Actions column of Users and of API
// tokens lays its buttons out in a flex box inside the cell, so the cell
// stays a table cell as tall as its row, at desktop and phone width.
func TestActionCellsStayInTheirRow(t *testing.T) {
	a := startApp(t)
	page := newPage(t, a)
	login(t, page)
	must(t, gotoPath(page, "/account/tokens"))
	must(t, page.GetByLabel("Name (what uses it").Fill("CRM sync"))
	click(t, button(page, "Create token"))
	must(t, expect.Locator(page.GetByTestId("token-created")).ToBeVisible())
	for _, w := range []int{1280, 390} {
		must(t, page.SetViewportSize(w, 900))
		must(t, gotoPath(page, "/users"))
		wholeRow(t, page.GetByRole("row").Filter(playwright.LocatorFilterOptions{HasText: adminEmail}), 4)
		must(t, gotoPath(page, "/account/tokens"))
		wholeRow(t, page.GetByTestId("token-row"), 5)
	}
}
