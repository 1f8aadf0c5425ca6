//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mxschmitt/playwright-go"

	"groupdeck/app"
	"groupdeck/internal/testutil"
	"groupdeck/store"
	"groupdeck/wasim"
)

// TestPickersForManyGroups chooses two groups with the same subject on
// Send to many with the keyboard-usable picker (told apart by fill and
// ids), sees both on the review, then hand-picks one for a schedule.
func TestPickersForManyGroups(t *testing.T) {
	a := startApp(t)
	fleetGroups(t, a, 1) // Fleet 01, one participant
	one := quietGroup(t, a, "Twins")
	two := quietGroup(t, a, "Twins")
	// One person joins the first Twins and two the second: same subject,
	// different fill.
	ctx := context.Background()
	for i, link := range []string{one.InviteLink, two.InviteLink, two.InviteLink} {
		u := a.Sim.AddUser(wasim.User{WaID: fmt.Sprintf("155500077%02d", i), Name: fmt.Sprintf("Twin %d", i)})
		_, err := a.Sim.Tap(u.WaID, link)
		must(t, err)
	}
	one = waitGroup(t, a, one.ID, func(g *store.Group) bool { return g.ParticipantCount == 1 })
	two = waitGroup(t, a, two.ID, func(g *store.Group) bool { return g.ParticipantCount == 2 })

	page := newPage(t, a)
	login(t, page)
	must(t, gotoPath(page, "/messages/broadcast"))
	picker := page.GetByTestId("group-multipicker")
	search := picker.GetByLabel("Find groups to add")
	must(t, search.Fill("Twins"))
	options := picker.GetByTestId("picker-option")
	must(t, expect.Locator(options).ToHaveCount(2))
	// Same subject, told apart by fill and id.
	must(t, expect.Locator(options.Filter(playwright.LocatorFilterOptions{HasText: fmt.Sprintf("#%d", one.ID)})).ToContainText("1/8 · active"))
	must(t, expect.Locator(options.Filter(playwright.LocatorFilterOptions{HasText: fmt.Sprintf("#%d", two.ID)})).ToContainText("2/8 · active"))
	// Keyboard: Enter in the search goes to the first result (it does not
	// submit the form), Enter adds it, ArrowDown and Enter add the second.
	must(t, search.Press("Enter"))
	must(t, page.Keyboard().Press("Enter"))
	must(t, page.Keyboard().Press("ArrowDown"))
	must(t, page.Keyboard().Press("Enter"))
	chips := picker.GetByTestId("picker-chip")
	must(t, expect.Locator(chips).ToHaveCount(2))
	must(t, expect.Locator(options.First()).ToHaveAttribute("aria-pressed", "true"))
	// A new search keeps the chips; a chip's × takes it out, Add puts it back.
	must(t, search.Fill("Fleet"))
	must(t, expect.Locator(options).ToHaveCount(1))
	click(t, options.First())
	must(t, expect.Locator(chips).ToHaveCount(3))
	click(t, picker.GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Remove Fleet 01"}))
	must(t, expect.Locator(chips).ToHaveCount(2))
	screenshot(t, page, "send-to-many-picker")
	// At phone width, dark: nothing runs off the side.
	must(t, page.SetViewportSize(390, 844))
	must(t, page.EmulateMedia(playwright.PageEmulateMediaOptions{ColorScheme: playwright.ColorSchemeDark}))
	must(t, picker.ScrollIntoViewIfNeeded())
	noSideScroll(t, page)
	screenshot(t, page, "send-to-many-picker-phone-dark")
	must(t, page.SetViewportSize(1280, 800))
	must(t, page.EmulateMedia(playwright.PageEmulateMediaOptions{ColorScheme: playwright.ColorSchemeLight}))

	// Bad input (no message) re-renders with the choice kept. Chromium
	// logs the 422 it loads; that line is the browser's own.
	allowConsole(page, "the server responded with a status of 422")
	click(t, button(page, "Send to the chosen groups"))
	must(t, expect.Locator(page.Locator("#message-error")).ToContainText("Write something to send"))
	must(t, expect.Locator(page.GetByTestId("picker-chip")).ToHaveCount(2))
	must(t, page.GetByLabel("Message to the group").Fill("Twins, meet each other"))
	click(t, button(page, "Send to the chosen groups"))
	must(t, expect.Locator(page.GetByTestId("review-summary")).ToHaveText("This queues the message in 2 groups, reaching 3 people."))
	click(t, page.GetByText("Which groups it reaches"))
	reached := page.GetByTestId("review-reached").Locator("li")
	must(t, expect.Locator(reached).ToHaveCount(2))
	must(t, expect.Locator(reached.Nth(0)).ToContainText(fmt.Sprintf("Twins 1/8 · active · #%d", one.ID)))
	must(t, expect.Locator(reached.Nth(1)).ToContainText(fmt.Sprintf("Twins 2/8 · active · #%d", two.ID)))
	click(t, page.GetByTestId("confirm-send"))
	must(t, expect.Locator(page.GetByTestId("job-counts")).ToContainText("2 of 2 · 2 done"))
	waitMessage(t, a, one.ID, "Twins, meet each other")
	waitMessage(t, a, two.ID, "Twins, meet each other")

	// A schedule to hand-picked groups: "These groups" shows the picker.
	must(t, gotoPath(page, "/schedules/new"))
	must(t, page.GetByLabel("Message to the group").Fill("Twins weekly"))
	must(t, page.GetByLabel("First send (date and time)").Fill(time.Now().Add(48*time.Hour).Format("2006-01-02T15:04")))
	must(t, page.Locator(`input[name=freq][value=once]`).Check())
	must(t, page.GetByTestId("target-groups").Check())
	sp := page.GetByTestId("group-multipicker")
	must(t, sp.GetByLabel("Find groups to add").Fill("Twins"))
	must(t, expect.Locator(sp.GetByTestId("picker-option")).ToHaveCount(2))
	click(t, sp.GetByTestId("picker-option").Filter(playwright.LocatorFilterOptions{HasText: fmt.Sprintf("#%d", two.ID)}))
	must(t, expect.Locator(page.GetByTestId("target-groups")).ToBeChecked())
	click(t, page.GetByTestId("schedule-save"))
	must(t, expect.Locator(page.GetByTestId("schedule-notice")).ToContainText("Scheduled."))
	ss, err := a.Store.Schedules(ctx, true)
	must(t, err)
	if len(ss) != 1 || len(ss[0].GroupIDs) != 1 || ss[0].GroupIDs[0] != two.ID {
		t.Fatalf("schedules: %+v", ss)
	}
	// Editing shows the hand-picked group as a chip.
	must(t, gotoPath(page, fmt.Sprintf("/schedules/%d/edit", ss[0].ID)))
	must(t, expect.Locator(page.GetByTestId("picker-chip")).ToContainText(fmt.Sprintf("#%d", two.ID)))
}

// noSideScroll fails when the page is wider than the window.
func noSideScroll(t *testing.T, page playwright.Page) {
	t.Helper()
	v, err := page.Evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
	must(t, err)
	if n := fmt.Sprint(v); n != "0" && !strings.HasPrefix(n, "-") {
		t.Errorf("the page is %s px wider than the window", n)
	}
}

// waitMessage waits until the group's timeline holds an outgoing message
// with this text, sent.
func waitMessage(t *testing.T, a *app.App, groupID int64, body string) {
	t.Helper()
	testutil.Eventually(t, 15*time.Second, func() error {
		ms, err := a.Store.Messages(context.Background(), groupID, 20)
		must(t, err)
		for _, m := range outgoing(ms) {
			if m.Body == body && m.State == store.MsgSent {
				return nil
			}
		}
		return fmt.Errorf("group %d has no sent %q: %+v", groupID, body, ms)
	})
}
