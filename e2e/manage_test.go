//go:build e2e

package e2e

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mxschmitt/playwright-go"
)

// screenshot saves a README screenshot when GROUPDECK_SCREENSHOTS=1, so
// ordinary runs leave the working tree clean.
func screenshot(t *testing.T, page playwright.Page, name string) {
	t.Helper()
	if os.Getenv("GROUPDECK_SCREENSHOTS") != "1" {
		return
	}
	root, err := moduleRoot()
	must(t, err)
	dir := filepath.Join(root, "docs", "screenshots")
	must(t, os.MkdirAll(dir, 0o755))
	_, err = page.Screenshot(playwright.PageScreenshotOptions{Path: playwright.String(filepath.Join(dir, name+".png")),
		Type: playwright.ScreenshotTypePng})
	must(t, err)
}

func click(t *testing.T, l playwright.Locator) {
	t.Helper()
	must(t, l.Click())
}

func button(page playwright.Page, name string) playwright.Locator {
	return page.GetByRole("button", playwright.PageGetByRoleOptions{Name: name, Exact: playwright.Bool(true)})
}

// newGroupForm makes one group through the form and waits for its link.
func newGroupForm(t *testing.T, page playwright.Page, subject string, approval bool) string {
	t.Helper()
	must(t, gotoPath(page, "/groups/new"))
	must(t, page.GetByLabel("Subject (up to 128 characters)").Fill(subject))
	if approval {
		must(t, page.GetByLabel("People ask to join and staff approve them").Check())
	}
	click(t, button(page, "Create group"))
	link := page.GetByTestId("invite-link")
	must(t, expect.Locator(link).ToHaveValue(regexp.MustCompile(`^https://chat\.whatsapp\.com/\S+$`)))
	v, err := link.InputValue()
	must(t, err)
	return v
}

// person adds a simulated person on the Sandbox phone page.
func person(t *testing.T, phone playwright.Page, name string) {
	t.Helper()
	must(t, gotoPath(phone, "/sandbox"))
	must(t, phone.GetByLabel("Name", playwright.PageGetByLabelOptions{Exact: playwright.Bool(true)}).Fill(name))
	click(t, button(phone, "Add a person"))
	must(t, expect.Locator(phone.GetByTestId("phone-notice")).ToContainText(name+" is ready"))
}

// switchTo acts as another simulated person.
func switchTo(t *testing.T, phone playwright.Page, name string) {
	t.Helper()
	v, err := phone.Locator("#u option", playwright.PageLocatorOptions{HasText: name}).GetAttribute("value")
	must(t, err)
	_, err = phone.GetByLabel("Simulated person").SelectOption(playwright.SelectOptionValues{Values: &[]string{v}})
	must(t, err)
	click(t, button(phone, "Switch"))
}

func tap(t *testing.T, phone playwright.Page, link string) {
	t.Helper()
	must(t, phone.GetByLabel("Invite link").Fill(link))
	click(t, button(phone, "Open link"))
}

func TestBulkCreateSearchAndFilter(t *testing.T) {
	a := startApp(t)
	page := newPage(t, a)
	login(t, page)
	must(t, gotoPath(page, "/groups"))
	must(t, expect.Locator(page.GetByTestId("groups-empty")).ToContainText("No groups yet"))
	click(t, page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Create many"}))
	var lines []string
	for i := 1; i <= 20; i++ {
		kind := "Cohort"
		if i%5 == 0 {
			kind = "VIP pod"
		}
		lines = append(lines, kind+" "+string(rune('A'+i-1)))
	}
	must(t, page.GetByLabel("Subjects, one per line").Fill(strings.Join(lines, "\n")))
	must(t, page.GetByLabel("People ask to join and staff approve them").Check())
	click(t, button(page, "Create the groups"))
	must(t, expect.Locator(page.GetByTestId("review-summary")).ToContainText("This creates 20 groups"))
	click(t, page.GetByTestId("confirm-create"))
	must(t, expect.Locator(page.GetByTestId("job-counts")).ToContainText("20 of 20 · 20 done"))
	must(t, expect.Locator(page.GetByTestId("job-progress")).ToHaveAttribute("value", "20"))
	screenshot(t, page, "bulk-create")

	must(t, gotoPath(page, "/groups"))
	must(t, expect.Locator(page.GetByTestId("group-row")).ToHaveCount(20))
	// Rows turn Active live as the group_create webhooks arrive.
	must(t, expect.Locator(page.GetByTestId("status").Filter(playwright.LocatorFilterOptions{HasText: "Active"})).ToHaveCount(20))
	screenshot(t, page, "groups-list")

	must(t, page.GetByLabel("Search by subject").Fill("vip"))
	click(t, button(page, "Apply"))
	must(t, expect.Locator(page.GetByTestId("group-row")).ToHaveCount(4))
	must(t, expect.Page(page).ToHaveURL(regexp.MustCompile(`/groups\?q=vip$`)))

	_, err := page.GetByLabel("Status").SelectOption(playwright.SelectOptionValues{Values: &[]string{"failed"}})
	must(t, err)
	click(t, button(page, "Apply"))
	must(t, expect.Locator(page.GetByTestId("groups-empty")).ToContainText("No group matches"))
	// The view is in the URL: opening it afresh shows the same filters.
	must(t, gotoPath(page, "/groups?q=vip&room=room&sort=fullest"))
	must(t, expect.Locator(page.GetByTestId("group-row")).ToHaveCount(4))
	must(t, expect.Locator(page.GetByLabel("Sort by")).ToHaveValue("fullest"))

	// Phone width in dark mode: nothing runs off the side of the screen.
	must(t, page.SetViewportSize(375, 800))
	must(t, page.EmulateMedia(playwright.PageEmulateMediaOptions{ColorScheme: playwright.ColorSchemeDark}))
	for _, p := range []string{"/groups", "/groups/1", "/requests", "/groups/bulk"} {
		must(t, gotoPath(page, p))
		wide, err := page.Evaluate(`() => document.documentElement.scrollWidth > document.documentElement.clientWidth`)
		must(t, err)
		if wide == true {
			t.Errorf("%s overflows a 375 px screen", p)
		}
	}
}

func TestInviteLinkCopyResetRemoveEditExport(t *testing.T) {
	a := startApp(t)
	staff := newPage(t, a, "clipboard-read", "clipboard-write")
	login(t, staff)
	oldLink := newGroupForm(t, staff, "Deal room", false)
	groupURL := staff.URL()

	// Keyboard only: from the link field, Tab reaches Copy and Enter copies.
	must(t, staff.GetByTestId("invite-link").Focus())
	must(t, staff.Keyboard().Press("Tab"))
	must(t, expect.Locator(staff.GetByTestId("copy-invite")).ToBeFocused())
	must(t, staff.Keyboard().Press("Enter"))
	must(t, expect.Locator(staff.GetByTestId("copy-status")).ToHaveText("Copied"))
	clip, err := staff.Evaluate(`() => navigator.clipboard.readText()`)
	must(t, err)
	if clip != oldLink {
		t.Fatalf("clipboard %q, want %q", clip, oldLink)
	}
	must(t, expect.Locator(staff.GetByTestId("invite-qr")).ToBeVisible())

	phone := newPage(t, a)
	login(t, phone)
	person(t, phone, "Ana Souza")
	tap(t, phone, oldLink)
	must(t, expect.Locator(phone.GetByTestId("phone-notice")).ToContainText("You joined"))
	must(t, expect.Locator(staff.GetByTestId("participant-count")).ToHaveText("1"))
	screenshot(t, staff, "group-page")

	// Reset: the old link is refused from then on.
	_, err = staff.Reload()
	must(t, err)
	click(t, staff.GetByTestId("reset-invite"))
	must(t, expect.Locator(staff.GetByText("Every copy of the old link stops working")).ToBeVisible())
	click(t, staff.GetByTestId("confirm-reset"))
	must(t, expect.Locator(staff.GetByTestId("invite-notice")).ToContainText("stopped working"))
	newLink, err := staff.GetByTestId("invite-link").InputValue()
	must(t, err)
	if newLink == oldLink {
		t.Fatal("the link did not change")
	}
	person(t, phone, "Bruno Lima")
	tap(t, phone, oldLink)
	must(t, expect.Locator(phone.GetByTestId("phone-error")).ToContainText("no longer valid"))

	// Remove Ana: she cannot come back, even through the new link.
	click(t, staff.GetByTestId("participant").First().GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Remove"}))
	must(t, expect.Locator(staff.GetByTestId("remove-confirm")).ToContainText("cannot rejoin through any invite link"))
	click(t, staff.GetByTestId("confirm-remove"))
	must(t, expect.Locator(staff.GetByTestId("participant-count")).ToHaveText("0"))
	must(t, expect.Locator(staff.GetByTestId("change").First()).ToContainText("Confirmed"))
	switchTo(t, phone, "Ana Souza")
	tap(t, phone, newLink)
	must(t, expect.Locator(phone.GetByTestId("phone-error")).ToContainText("removed"))

	// Bruno joins through the new link; export the participants.
	switchTo(t, phone, "Bruno Lima")
	tap(t, phone, newLink)
	must(t, expect.Locator(staff.GetByTestId("participant-count")).ToHaveText("1"))
	dl, err := staff.ExpectDownload(func() error { return staff.GetByTestId("export-csv").Click() })
	must(t, err)
	path, err := dl.Path()
	must(t, err)
	f, err := os.Open(path)
	must(t, err)
	recs, err := csv.NewReader(f).ReadAll()
	f.Close()
	must(t, err)
	if len(recs) != 2 || recs[0][3] != "phone" || recs[1][1] != "Deal room" || !strings.HasPrefix(recs[1][3], "'+1 555") {
		t.Fatalf("csv %q", recs)
	}

	// Edit the subject: pending until the settings webhook confirms it.
	must(t, gotoPath(staff, groupURL[strings.Index(groupURL, "/groups/"):]+"/settings"))
	must(t, staff.GetByLabel("Subject (up to 128 characters)").Fill("Deal room — VIP"))
	click(t, button(staff, "Save changes"))
	must(t, expect.Locator(staff.GetByTestId("settings-notice")).ToContainText("Sent to WhatsApp"))
	must(t, expect.Locator(staff.GetByTestId("change").First()).ToContainText("Confirmed"))
	must(t, gotoPath(staff, groupURL[strings.Index(groupURL, "/groups/"):]))
	must(t, expect.Locator(staff.GetByTestId("group-subject")).ToHaveText("Deal room — VIP"))
}

func TestRequestsInbox(t *testing.T) {
	a := startApp(t)
	staff := newPage(t, a)
	login(t, staff)
	link := newGroupForm(t, staff, "Approval pod", true)
	groupURL := staff.URL()
	must(t, gotoPath(staff, "/requests"))
	must(t, expect.Locator(staff.GetByTestId("requests-empty")).ToBeVisible())
	phone := newPage(t, a)
	login(t, phone)
	for _, name := range []string{"Carla Dias", "Davi Rocha", "Eva Nunes"} {
		person(t, phone, name)
		tap(t, phone, link)
		must(t, expect.Locator(phone.GetByTestId("phone-notice")).ToContainText("asked to join"))
	}
	// The inbox was not reloaded: the requests arrive over SSE.
	must(t, expect.Locator(staff.GetByTestId("request")).ToHaveCount(3))
	screenshot(t, staff, "requests-inbox")
	first := staff.GetByTestId("request").First()
	click(t, first.GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Approve"}))
	must(t, expect.Locator(staff.GetByTestId("action-result")).ToContainText("Approved 1 of 1"))
	must(t, expect.Locator(staff.GetByTestId("request")).ToHaveCount(2))
	click(t, staff.GetByTestId("reject-all"))
	must(t, expect.Locator(staff.GetByTestId("decide-confirm")).ToContainText("Reject 2 join requests in 1 group?"))
	click(t, staff.GetByTestId("confirm-decide"))
	must(t, expect.Locator(staff.GetByTestId("action-result")).ToContainText("Rejected 2 of 2"))
	must(t, expect.Locator(staff.GetByTestId("requests-empty")).ToBeVisible())
	must(t, gotoPath(staff, groupURL[strings.Index(groupURL, "/groups/"):]))
	must(t, expect.Locator(staff.GetByTestId("participant-count")).ToHaveText("1"))
	// WhatsApp reports the approval as a join through the invite link;
	// the list and the feed say what happened, and the feed's join line
	// links to the person.
	must(t, expect.Locator(staff.GetByTestId("participant")).ToContainText("after their join request was approved"))
	joinLine := staff.Locator(`#group-activity [data-testid="activity-item"][data-kind="join"]`)
	must(t, expect.Locator(joinLine).ToContainText("joined after their join request was approved"))
	who := joinLine.GetByTestId("activity-person")
	must(t, who.Focus())
	must(t, staff.Keyboard().Press("Enter"))
	must(t, expect.Locator(staff.GetByTestId("person-history")).ToContainText("Joined after their join request was approved: Approval pod"))
}
