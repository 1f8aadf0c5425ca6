//go:build e2e

package e2e

import (
	"fmt"
	"testing"
	"time"

	"github.com/mxschmitt/playwright-go"

	"groupdeck/internal/testutil"
	"groupdeck/wasim"
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

// brokenWords lists the words in el that the browser broke across lines
// inside the word: a line may break at a space, after a hyphen or at a
// <wbr> (which starts a new text node), nowhere else. Cells marked
// .nowrap must hold on one line.
const brokenWords = `el => {
	const bad = [];
	const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
	for (let n; (n = walker.nextNode()); ) {
		const s = n.data;
		let prev = null;
		for (let i = 0; i < s.length; i++) {
			if (/\s/.test(s[i])) { prev = null; continue; }
			const r = document.createRange(); r.setStart(n, i); r.setEnd(n, i + 1);
			const rect = r.getClientRects()[0];
			if (!rect) continue;
			if (prev !== null && rect.top > prev + 2 && s[i - 1] !== "-") bad.push(s.trim());
			prev = rect.top;
		}
	}
	for (const c of el.querySelectorAll(".nowrap")) {
		const r = document.createRange(); r.selectNodeContents(c);
		if (new Set(Array.from(r.getClientRects()).map(x => Math.round(x.top))).size > 1) bad.push(c.innerText);
	}
	return bad;
}`

// TestEventLogWordsStayWhole: at 390 and 1280 px the event log and its
// Storage tables break field and table names after an underscore and
// keep values such as "7 days" whole, and the page does not scroll
// sideways.
func TestEventLogWordsStayWhole(t *testing.T) {
	a := startApp(t)
	page := newPage(t, a)
	login(t, page)
	_, invite := createGroup(t, page, a, "Logged group")
	a.Sim.AddUser(wasim.User{WaID: "15550001001", Name: "Ana Souza"})
	if _, err := a.Sim.Tap("15550001001", invite); err != nil {
		t.Fatal(err)
	}
	must(t, expect.Locator(page.GetByTestId("participant-count")).ToHaveText("1"))
	for _, w := range []int{390, 1280} {
		must(t, page.SetViewportSize(w, 900))
		must(t, gotoPath(page, "/events/log"))
		rows := page.GetByTestId("delivery-row")
		must(t, expect.Locator(rows.Filter(playwright.LocatorFilterOptions{HasText: "group_participants_update"})).Not().ToHaveCount(0))
		must(t, expect.Locator(page.GetByTestId("retention")).ToContainText(" days"))
		for _, id := range []string{"eventlog", "retention", "table-sizes"} {
			if n, _ := page.GetByTestId(id).Count(); n == 0 {
				continue // table sizes are measured in the background
			}
			v, err := page.GetByTestId(id).Evaluate(brokenWords, nil)
			must(t, err)
			if got := fmt.Sprint(v); got != "[]" {
				t.Errorf("at %d px, %s breaks inside these words: %s", w, id, got)
			}
		}
		// The delivery table fits its box, no scrolling needed for it.
		v, err := page.GetByTestId("eventlog").Evaluate(`t => t.parentElement.scrollWidth - t.parentElement.clientWidth`, nil)
		must(t, err)
		if fmt.Sprint(v) != "0" {
			t.Errorf("at %d px the event log is %v px wider than its box", w, v)
		}
		noSideScroll(t, page)
	}
}
