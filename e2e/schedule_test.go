//go:build e2e

package e2e

import (
	"fmt"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/mxschmitt/playwright-go"
)

// TestScheduledWeekly schedules a weekly message to a saved filter from a
// browser in Berlin, moves the sandbox clock to the send, and watches the
// message reach each group with its receipts; the schedule then points a
// week later, still at the same local time.
func TestScheduledWeekly(t *testing.T) {
	a := startApp(t)
	ids := fleetGroups(t, a, 2)
	bctx, err := browser.NewContext(playwright.BrowserNewContextOptions{BaseURL: playwright.String(a.URL),
		TimezoneId: playwright.String("Europe/Berlin")})
	must(t, err)
	t.Cleanup(func() { bctx.Close() })
	page, err := bctx.NewPage()
	must(t, err)
	page.SetDefaultTimeout(15000)
	page.OnConsole(func(m playwright.ConsoleMessage) {
		if m.Type() == "error" {
			t.Errorf("browser console error: %s", m.Text())
		}
	})
	login(t, page)

	openMenu(t, page, "messaging", "Scheduled")
	must(t, expect.Locator(page.GetByTestId("schedules-empty")).ToContainText("Nothing is scheduled"))
	must(t, page.GetByTestId("new-schedule").Click())
	// The time zone comes from the browser.
	must(t, expect.Locator(page.GetByLabel("Time zone", playwright.PageGetByLabelOptions{Exact: playwright.Bool(true)})).ToHaveValue("Europe/Berlin"))
	berlin, err := time.LoadLocation("Europe/Berlin")
	must(t, err)
	start := time.Now().In(berlin).Add(3 * time.Hour).Truncate(time.Minute)
	must(t, page.GetByLabel("Message to the group").Fill("Weekly running plan"))
	must(t, page.GetByLabel("First send (date and time)").Fill(start.Format("2006-01-02T15:04")))
	must(t, page.Locator(`input[name=freq][value=weekly]`).Check())
	must(t, page.Locator(`input[name=weekday][value="`+strconv.Itoa(int(start.Weekday()))+`"]`).Check())
	must(t, page.GetByTestId("target-filter").Check())
	must(t, page.GetByLabel("Subject starts with").Fill("Fleet"))
	must(t, page.GetByTestId("schedule-save").Click())
	must(t, expect.Locator(page.GetByTestId("schedule-notice")).ToContainText("Scheduled. The first send is "+start.Format("Mon 2 Jan 2006 15:04")))
	must(t, expect.Locator(page.GetByTestId("schedule-rule")).ToContainText("Every week on "+start.Weekday().String()[:3]+" at "+start.Format("15:04")+" (Europe/Berlin)"))

	// The group page lists it among its upcoming scheduled messages.
	must(t, gotoPath(page, fmt.Sprintf("/groups/%d", ids[0])))
	must(t, expect.Locator(page.GetByTestId("group-schedules")).ToContainText("Weekly running plan"))

	must(t, gotoPath(page, "/schedules"))
	must(t, expect.Locator(page.GetByTestId("schedule-count")).ToHaveText("(2 groups now)"))
	must(t, page.GetByTestId("clock-next").Click())
	must(t, expect.Locator(page.GetByTestId("schedule-notice")).ToContainText("jumped to the next scheduled send"))

	// Each group's timeline shows the message, then its receipts as the
	// simulated participant receives and reads it.
	for _, id := range ids {
		must(t, gotoPath(page, fmt.Sprintf("/groups/%d", id)))
		msg := page.GetByTestId("message").Filter(playwright.LocatorFilterOptions{HasText: "Weekly running plan"})
		must(t, expect.Locator(msg.GetByTestId("receipts")).ToHaveText("Delivered 1 · Read 1"))
	}

	// The occurrence is recorded, and the next send is a week later at the
	// same local time.
	must(t, gotoPath(page, "/schedules"))
	must(t, page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Weekly running plan"}).Click())
	must(t, expect.Locator(page.GetByTestId("occurrence-outcome")).ToHaveText("sent"))
	must(t, expect.Locator(page.GetByTestId("occurrence")).ToContainText("Fleet 02"))
	next := start.AddDate(0, 0, 7)
	must(t, expect.Locator(page.GetByTestId("schedule-upcoming").Locator("li").First()).ToHaveText(
		regexp.MustCompile("^"+regexp.QuoteMeta(next.Format("Mon 2 Jan 2006 15:04")))))
}

// TestScheduleFormShowsOnlyWhatIsChosen: the schedule form, like the
// composer, shows the fields of the chosen kind of message only, and the
// days of the week, the day of the month, the end date and the number of
// sends only once the choice that uses them is made.
func TestScheduleFormShowsOnlyWhatIsChosen(t *testing.T) {
	a := startApp(t)
	page := newPage(t, a)
	login(t, page)
	must(t, gotoPath(page, "/schedules/new"))
	body := page.GetByLabel("Message to the group")
	file := page.Locator("#media-file")
	tmpl := page.GetByTestId("marketing-warning")
	days := page.GetByTestId("sched-weekdays")
	monthDay := page.GetByLabel("Day of the month (monthly; a shorter month uses its last day)")
	until := page.GetByLabel("End date")
	count := page.GetByLabel("Number of sends")
	must(t, expect.Locator(body).ToBeVisible())
	for _, l := range []playwright.Locator{file, tmpl, days, monthDay, until, count} {
		must(t, expect.Locator(l).ToBeHidden())
	}
	must(t, page.GetByLabel("Photo, video, audio, document or sticker").Check())
	must(t, expect.Locator(file).ToBeVisible())
	must(t, expect.Locator(body).ToBeHidden())
	must(t, page.GetByLabel("Approved template").Check())
	must(t, expect.Locator(tmpl).ToBeVisible())
	must(t, expect.Locator(file).ToBeHidden())

	must(t, page.Locator(`input[name=freq][value=weekly]`).Check())
	must(t, expect.Locator(days).ToBeVisible())
	must(t, expect.Locator(monthDay).ToBeHidden())
	must(t, page.Locator(`input[name=freq][value=monthly]`).Check())
	must(t, expect.Locator(monthDay).ToBeVisible())
	must(t, expect.Locator(days).ToBeHidden())
	must(t, page.Locator(`input[name=end][value=until]`).Check())
	must(t, expect.Locator(until).ToBeVisible())
	must(t, expect.Locator(count).ToBeHidden())
	must(t, page.Locator(`input[name=end][value=count]`).Check())
	must(t, expect.Locator(count).ToBeVisible())
	must(t, expect.Locator(until).ToBeHidden())

	// A form sent back with an error keeps the choices, and with them the
	// fields they use.
	must(t, page.GetByLabel("Text", playwright.PageGetByLabelOptions{Exact: playwright.Bool(true)}).Check())
	must(t, body.Fill("Monthly plan"))
	allowConsole(page, "the server responded with a status of 422")
	must(t, count.Fill("3"))
	must(t, page.GetByTestId("schedule-save").Click())
	must(t, expect.Locator(page.Locator("#target-error")).ToHaveText("Choose who gets the message: a saved filter or these groups."))
	// The error is at the bottom of a long form: the top says so, and the
	// focus goes to the first choice under "To", the error in view.
	must(t, expect.Locator(page.GetByTestId("schedule-errors")).ToHaveText("Please correct the fields marked below."))
	must(t, expect.Locator(page.GetByTestId("target-filter")).ToBeFocused())
	must(t, expect.Locator(page.Locator("#target-error")).ToBeInViewport())
	must(t, expect.Locator(count).ToHaveValue("3"))
	must(t, expect.Locator(monthDay).ToBeVisible())
	must(t, expect.Locator(body).ToHaveValue("Monthly plan"))
	must(t, expect.Locator(tmpl).ToBeHidden())
}

// TestScheduleFormTarget: under "To" nothing is chosen at first and
// neither choice's controls show; each choice shows only its own (the
// filter fields, or the group search), and a filter that narrows nothing
// comes back with its error, its fields in view and the summary on top.
func TestScheduleFormTarget(t *testing.T) {
	a := startApp(t)
	page := newPage(t, a)
	login(t, page)
	must(t, gotoPath(page, "/schedules/new"))
	filter, groups := page.GetByTestId("target-filter"), page.GetByTestId("target-groups")
	prefix := page.GetByLabel("Subject starts with")
	search := page.GetByTestId("group-multipicker")
	must(t, expect.Locator(filter).Not().ToBeChecked())
	must(t, expect.Locator(groups).Not().ToBeChecked())
	must(t, expect.Locator(prefix).ToBeHidden())
	must(t, expect.Locator(search).ToBeHidden())

	must(t, groups.Check())
	must(t, expect.Locator(search).ToBeVisible())
	must(t, expect.Locator(prefix).ToBeHidden())
	must(t, filter.Check())
	must(t, expect.Locator(prefix).ToBeVisible())
	must(t, expect.Locator(page.GetByLabel("Pool", playwright.PageGetByLabelOptions{Exact: playwright.Bool(true)})).ToBeVisible())
	must(t, expect.Locator(search).ToBeHidden())

	// A filter must narrow: sent as is, it comes back (422) with the
	// filter still chosen, its fields shown and the focus in them.
	must(t, page.GetByLabel("Message to the group").Fill("Filter plan"))
	allowConsole(page, "the server responded with a status of 422")
	must(t, page.GetByTestId("schedule-save").Click())
	must(t, expect.Locator(page.Locator("#target-error")).ToContainText("a filter must narrow the groups down"))
	must(t, expect.Locator(page.GetByTestId("schedule-errors")).ToBeVisible())
	must(t, expect.Locator(filter).ToBeChecked())
	must(t, expect.Locator(prefix).ToBeVisible())
	must(t, expect.Locator(prefix).ToBeFocused())
	must(t, expect.Locator(search).ToBeHidden())
	must(t, prefix.Fill("Fleet"))
	must(t, page.GetByTestId("schedule-save").Click())
	must(t, expect.Locator(page.GetByTestId("schedule-notice")).ToContainText("Scheduled."))
}
