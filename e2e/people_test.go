//go:build e2e

package e2e

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mxschmitt/playwright-go"
)

// TestPersonPageLabelSearchExport: a person joins a group, writes, leaves
// and rejoins from the Sandbox phone; staff open their page from the
// participants list (both joins and the leave in the history), see a
// label refused as too long (the typed note kept), save a label and note,
// see the label in the participants list, find the person on the People
// page by typing part of the note, and export both CSVs with the label.
// Screenshots of the person page at desktop and 390 px, light and dark.
func TestPersonPageLabelSearchExport(t *testing.T) {
	a := startApp(t)
	staff := newPage(t, a)
	must(t, staff.SetViewportSize(1280, 900))
	login(t, staff)
	_, invite := createGroup(t, staff, a, "Trail runners")
	groupPath := staff.URL()[len(a.URL):]

	phone := newPage(t, a)
	login(t, phone)
	person(t, phone, "Ana Souza")
	tap(t, phone, invite)
	must(t, expect.Locator(phone.GetByTestId("phone-notice")).ToContainText("You joined"))
	joinedAt := time.Now()
	must(t, phone.GetByLabel("Write in Trail runners").Fill("Morning run at 7?"))
	click(t, phone.GetByTestId("phone-group").GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Send", Exact: playwright.Bool(true)}))

	// She leaves and comes back (the group page follows live).
	row := staff.GetByTestId("participant").Filter(playwright.LocatorFilterOptions{HasText: "Ana Souza"})
	must(t, expect.Locator(row).ToHaveCount(1))
	click(t, button(phone, "Leave Trail runners"))
	must(t, expect.Locator(row).ToHaveCount(0))
	// Meta's participant webhooks carry no id and time in whole seconds:
	// a rejoin within the second of the first join has the very body of
	// that join, which ingest must treat as Meta's retry of it (README,
	// "Duplicates"). No person can leave and rejoin that fast; a test can.
	time.Sleep(time.Until(joinedAt.Truncate(time.Second).Add(time.Second)))
	tap(t, phone, invite)
	must(t, expect.Locator(phone.GetByTestId("phone-notice")).ToContainText("You joined"))
	must(t, expect.Locator(row).ToHaveCount(1))

	// From the participants list to the person page.
	click(t, row.GetByTestId("participant-name"))
	must(t, expect.Page(staff).ToHaveURL(regexp.MustCompile(`/people/[^/]+$`)))
	personURL := staff.URL()
	must(t, expect.Locator(staff.GetByTestId("person-name")).ToContainText("Ana Souza"))
	must(t, expect.Locator(staff.GetByTestId("person-phone")).ToHaveText(regexp.MustCompile(`^\+1 `)))
	must(t, expect.Locator(staff.GetByTestId("person-group")).ToContainText("Trail runners"))
	// Her whole history, newest first: both joins and the leave between.
	history := staff.GetByTestId("history-line")
	must(t, expect.Locator(history).ToHaveCount(3))
	must(t, expect.Locator(history.Nth(0)).ToContainText("Joined via the invite link: Trail runners"))
	must(t, expect.Locator(history.Nth(1)).ToContainText("Left: Trail runners"))
	must(t, expect.Locator(history.Nth(2)).ToContainText("Joined via the invite link: Trail runners"))
	must(t, expect.Locator(staff.GetByTestId("person-no-requests")).ToBeVisible())
	must(t, expect.Locator(staff.GetByTestId("person-message")).ToContainText("Morning run at 7?"))
	must(t, expect.Locator(staff.GetByTestId("person-no-campaign")).ToBeVisible())

	// No label yet: nothing beside the name, not an empty pill.
	must(t, expect.Locator(staff.GetByTestId("person-label")).ToBeHidden())

	// Too long a label: refused with the reason, the typed note kept,
	// focus on the field to fix. (Chromium logs the 422 itself.)
	allowConsole(staff, "the server responded with a status of 422")
	label := staff.GetByLabel("Label", playwright.PageGetByLabelOptions{Exact: playwright.Bool(true)})
	note := staff.GetByLabel("Note", playwright.PageGetByLabelOptions{Exact: playwright.Bool(true)})
	must(t, label.Fill(strings.Repeat("Pacer ", 12)))
	must(t, note.Fill("Leads the Sunday group from the park gate"))
	click(t, button(staff, "Save label and note"))
	must(t, expect.Locator(staff.Locator("#label-error")).ToContainText("at most 64"))
	must(t, expect.Locator(note).ToHaveValue("Leads the Sunday group from the park gate"))
	must(t, expect.Locator(label).ToHaveAttribute("aria-invalid", "true"))
	must(t, expect.Locator(label).ToBeFocused())

	must(t, label.Fill("Pacer"))
	click(t, button(staff, "Save label and note"))
	must(t, expect.Locator(staff.GetByTestId("label-saved")).ToHaveText("Saved"))
	must(t, expect.Locator(staff.GetByTestId("person-label")).ToHaveText("Pacer"))
	must(t, expect.Locator(staff.Locator("#label-error")).ToHaveCount(0))
	fullScreenshot(t, staff, "person-desktop-light")
	must(t, staff.EmulateMedia(playwright.PageEmulateMediaOptions{ColorScheme: playwright.ColorSchemeDark}))
	fullScreenshot(t, staff, "person-desktop-dark")
	must(t, staff.SetViewportSize(390, 844))
	_, err := staff.Reload()
	must(t, err)
	must(t, expect.Locator(staff.GetByTestId("person-label")).ToHaveText("Pacer"))
	wide, err := staff.Evaluate(`() => document.documentElement.scrollWidth > document.documentElement.clientWidth`)
	must(t, err)
	if wide == true {
		t.Error("the person page overflows a 390 px screen")
	}
	fullScreenshot(t, staff, "person-phone-dark")
	must(t, staff.EmulateMedia(playwright.PageEmulateMediaOptions{ColorScheme: playwright.ColorSchemeLight}))
	fullScreenshot(t, staff, "person-phone-light")
	must(t, staff.SetViewportSize(1280, 900))

	// The label shows beside the name in the participants list.
	must(t, gotoPath(staff, groupPath))
	must(t, expect.Locator(row.GetByTestId("participant-label")).ToHaveText("Pacer"))

	// People page from the menu: typing part of the note finds her, no
	// button needed; the result opens by keyboard.
	openMenu(t, staff, "groups", "People")
	must(t, expect.Page(staff).ToHaveURL(a.URL+"/people"))
	must(t, expect.Locator(staff.GetByTestId("person-row")).ToHaveCount(1))
	must(t, staff.GetByLabel("Search by name, number, label or note").PressSequentially("nobody-here"))
	must(t, expect.Locator(staff.GetByTestId("people-empty")).ToContainText("Nobody matches"))
	must(t, staff.GetByLabel("Search by name, number, label or note").Fill(""))
	must(t, staff.GetByLabel("Search by name, number, label or note").PressSequentially("park gate"))
	must(t, expect.Page(staff).ToHaveURL(a.URL+"/people?q=park+gate"))
	hit := staff.GetByTestId("person-row")
	must(t, expect.Locator(hit).ToHaveCount(1))
	must(t, expect.Locator(hit).ToContainText("Ana Souza"))
	must(t, expect.Locator(hit).ToContainText("Pacer"))
	screenshot(t, staff, "people-search")
	must(t, hit.GetByTestId("person-link").Focus())
	must(t, staff.Keyboard().Press("Enter"))
	must(t, expect.Page(staff).ToHaveURL(personURL))

	// Both exports carry the label and the note.
	must(t, gotoPath(staff, "/people"))
	people := downloadCSV(t, staff, staff.GetByTestId("people-export"))
	if len(people) != 2 || people[1][0] != "Ana Souza" || people[1][6] != "Pacer" || people[1][7] != "Leads the Sunday group from the park gate" {
		t.Fatalf("people.csv %q", people)
	}
	must(t, gotoPath(staff, groupPath))
	parts := downloadCSV(t, staff, staff.GetByTestId("export-csv"))
	if n := len(parts[0]); len(parts) != 2 || parts[0][n-2] != "label" || parts[1][n-2] != "Pacer" {
		t.Fatalf("participants csv %q", parts)
	}

	// Clearing the label takes it away from beside the name at once.
	must(t, gotoPath(staff, personURL))
	must(t, expect.Locator(staff.GetByTestId("person-label")).ToBeVisible())
	must(t, label.Fill(""))
	click(t, button(staff, "Save label and note"))
	must(t, expect.Locator(staff.GetByTestId("label-saved")).ToHaveText("Saved"))
	must(t, expect.Locator(staff.GetByTestId("person-label")).ToBeHidden())
}

func downloadCSV(t *testing.T, page playwright.Page, link playwright.Locator) [][]string {
	t.Helper()
	dl, err := page.ExpectDownload(func() error { return link.Click() })
	must(t, err)
	path, err := dl.Path()
	must(t, err)
	f, err := os.Open(path)
	must(t, err)
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	must(t, err)
	return recs
}

// fullScreenshot is screenshot of the whole page, for pages whose
// sections run below the fold.
func fullScreenshot(t *testing.T, page playwright.Page, name string) {
	t.Helper()
	if os.Getenv("GROUPDECK_SCREENSHOTS") != "1" {
		return
	}
	root, err := moduleRoot()
	must(t, err)
	_, err = page.Screenshot(playwright.PageScreenshotOptions{Path: playwright.String(filepath.Join(root, "docs", "screenshots", name+".png")),
		Type: playwright.ScreenshotTypePng, FullPage: playwright.Bool(true)})
	must(t, err)
}
