//go:build e2e

package e2e

import (
	"fmt"
	"testing"
	"time"

	"github.com/mxschmitt/playwright-go"

	"groupdeck/internal/testutil"
)

// oneLine waits until a locator's text takes exactly one line on screen
// (a live list may re-render under the measurement).
func oneLine(t *testing.T, l playwright.Locator, what string) {
	t.Helper()
	testutil.Eventually(t, 5*time.Second, func() error {
		v, err := l.Evaluate(`el => { const r = document.createRange(); r.selectNodeContents(el);
			return new Set(Array.from(r.getClientRects()).filter(x => x.width > 0).map(x => Math.round(x.top))).size; }`, nil)
		if err != nil {
			return err
		}
		if v != 1 {
			return fmt.Errorf("%s takes %v lines", what, v)
		}
		return nil
	})
}

// splitWords lists the words of a locator's text that the layout breaks
// across lines.
func splitWords(t *testing.T, l playwright.Locator) string {
	t.Helper()
	v, err := l.Evaluate(`el => { const out = [];
		const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
		for (let n = walk.nextNode(); n; n = walk.nextNode()) {
			for (const m of n.data.matchAll(/\S+/g)) {
				const r = document.createRange(); r.setStart(n, m.index); r.setEnd(n, m.index + m[0].length);
				const tops = new Set(Array.from(r.getClientRects()).filter(x => x.width > 0).map(x => Math.round(x.top)));
				if (tops.size > 1) out.push(m[0]);
			}
		}
		return out.join(" "); }`, nil)
	must(t, err)
	return fmt.Sprint(v)
}

// TestGroupsListOnAPhone: at 390 px the groups list keeps its essential
// columns (subject, status, people, requests) with whole words, instead
// of squeezing seven columns until "Active" breaks into letters; the
// times return at desktop width. The templates table fits the phone too
// (and uses the page's width at desktop), and buttons in tables keep
// whole words.
func TestGroupsListOnAPhone(t *testing.T) {
	a := startApp(t)
	fleetGroups(t, a, 2)
	page := newPage(t, a)
	must(t, page.SetViewportSize(390, 844))
	login(t, page)
	must(t, gotoPath(page, "/groups"))
	rows := page.GetByTestId("group-row")
	must(t, expect.Locator(rows).ToHaveCount(2))
	header := func(name string) playwright.Locator {
		return page.GetByRole("columnheader", playwright.PageGetByRoleOptions{Name: name, Exact: playwright.Bool(true)})
	}
	for _, h := range []string{"Subject", "Status", "People", "Requests"} {
		must(t, expect.Locator(header(h)).ToBeVisible())
		oneLine(t, header(h), "header "+h)
	}
	for _, h := range []string{"Last activity", "Last confirmed"} {
		must(t, expect.Locator(header(h)).ToBeHidden())
	}
	badge := rows.First().Locator(".badge")
	must(t, expect.Locator(badge).ToHaveText("Active"))
	oneLine(t, badge, "the status badge")
	oneLine(t, rows.First().GetByRole("link"), "the subject")
	noSideScroll(t, page)

	// The templates table scrolls inside its box, not the whole page.
	must(t, gotoPath(page, "/templates"))
	must(t, expect.Locator(page.GetByTestId("templates").GetByRole("row").Nth(1)).ToBeVisible())
	noSideScroll(t, page)

	// Buttons in a table keep whole words: "Suspend Tuesday runners", not
	// "Suspen d Tuesda y runners".
	newGroupForm(t, page, "Tuesday runners", false)
	must(t, gotoPath(page, "/sandbox"))
	suspend := page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Suspend Tuesday runners"})
	must(t, expect.Locator(suspend).ToBeVisible())
	if w := splitWords(t, suspend); w != "" {
		t.Errorf("the button breaks %q across lines", w)
	}
	noSideScroll(t, page)

	must(t, gotoPath(page, "/groups"))
	must(t, page.SetViewportSize(1280, 900))
	for _, h := range []string{"Last activity", "Last confirmed"} {
		must(t, expect.Locator(header(h)).ToBeVisible())
	}
	must(t, expect.Locator(rows.First().GetByTestId("confirmed")).ToBeVisible())
	must(t, expect.Locator(rows).ToHaveCount(3))

	// At desktop width the templates page uses the page's width, not the
	// 640 px of a form column, and its table's words stay whole.
	must(t, gotoPath(page, "/templates"))
	table := page.GetByTestId("templates")
	must(t, expect.Locator(table.GetByRole("row").Nth(1)).ToBeVisible())
	box, err := table.Locator("xpath=..").BoundingBox()
	must(t, err)
	if box.Width < 1000 {
		t.Errorf("the templates table's box is %.0f px wide at 1280 px", box.Width)
	}
	if w := splitWords(t, table); w != "" {
		t.Errorf("the templates table breaks %q across lines", w)
	}
}
