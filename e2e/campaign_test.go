//go:build e2e

package e2e

import (
	"regexp"
	"testing"

	"github.com/mxschmitt/playwright-go"
)

// TestCampaignFunnel runs a campaign end to end: create a group and a
// campaign link, open the link from the Sandbox phone (it follows the
// redirect to the current invite link), join, and watch the campaign's
// funnel, people and chart move without a reload; then send an invite
// to a number and watch it get delivered.
func TestCampaignFunnel(t *testing.T) {
	a := startApp(t)
	staff := newPage(t, a)
	login(t, staff)

	must(t, gotoPath(staff, "/groups/new"))
	must(t, staff.GetByLabel("Subject (up to 128 characters)").Fill("Spring cohort"))
	must(t, staff.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Create group"}).Click())
	must(t, expect.Locator(staff.GetByTestId("invite-link")).ToHaveValue(regexp.MustCompile(`^https://chat\.whatsapp\.com/`)))

	must(t, staff.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Campaigns", Exact: playwright.Bool(true)}).Click())
	must(t, expect.Locator(staff.GetByTestId("campaigns-empty")).ToBeVisible())
	must(t, staff.GetByLabel("Name (for you").Fill("Library poster"))
	// The target picker searches as you type and tells groups apart.
	must(t, staff.GetByLabel("A group (search by subject)").PressSequentially("nothing like it"))
	must(t, expect.Locator(staff.GetByTestId("picker-empty")).ToContainText("No active group’s subject contains"))
	must(t, staff.GetByLabel("A group (search by subject)").Fill(""))
	must(t, staff.GetByLabel("A group (search by subject)").PressSequentially("spring"))
	option := staff.GetByTestId("picker-option")
	must(t, expect.Locator(option).ToHaveCount(1))
	must(t, expect.Locator(option).ToContainText(regexp.MustCompile(`Spring cohort\s*0/8 · active · #\d+ · \S+`)))
	must(t, staff.GetByRole("radio", playwright.PageGetByRoleOptions{Name: "Spring cohort"}).Check())
	var err error
	must(t, staff.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Create campaign link"}).Click())
	must(t, expect.Locator(staff.GetByTestId("campaign-name")).ToHaveText("Library poster"))
	link := staff.GetByTestId("campaign-link")
	must(t, expect.Locator(link).ToHaveValue(regexp.MustCompile(`/j/library-poster-[a-z0-9]{5}$`)))
	campaignURL, err := link.InputValue()
	must(t, err)
	must(t, expect.Locator(staff.GetByTestId("funnel-visits")).ToHaveText("0"))
	must(t, expect.Locator(staff.GetByTestId("campaign-qr")).ToBeVisible())

	phone := newPage(t, a)
	login(t, phone)
	must(t, gotoPath(phone, "/sandbox"))
	must(t, phone.GetByLabel("Name").Fill("Ana Souza"))
	must(t, phone.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Add a person"}).Click())
	must(t, expect.Locator(phone.GetByTestId("phone-notice")).ToContainText("Ana Souza is ready"))
	must(t, phone.GetByLabel("Invite link").Fill(campaignURL))
	must(t, phone.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Open link"}).Click())
	must(t, expect.Locator(phone.GetByTestId("phone-notice")).ToContainText("You joined"))

	// The staff page was not reloaded: the funnel, people and chart follow.
	must(t, expect.Locator(staff.GetByTestId("funnel-visits")).ToHaveText("1"))
	must(t, expect.Locator(staff.GetByTestId("funnel-joins")).ToHaveText("1"))
	must(t, expect.Locator(staff.GetByTestId("campaign-person")).ToContainText("link visit just before"))
	must(t, expect.Locator(staff.GetByTestId("chart-summary")).ToHaveText("1 join and 0 leaves in the last 14 days."))

	// Reset the group's invite link: the campaign link follows it.
	grp := newPage(t, a)
	login(t, grp)
	must(t, gotoPath(grp, "/groups"))
	must(t, grp.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Spring cohort"}).Click())
	oldLink, err := grp.GetByTestId("invite-link").InputValue()
	must(t, err)
	must(t, grp.GetByTestId("reset-invite").Click())
	must(t, grp.GetByTestId("confirm-reset").Click())
	must(t, expect.Locator(grp.GetByTestId("invite-link")).Not().ToHaveValue(oldLink))
	must(t, expect.Locator(grp.GetByTestId("group-campaign")).ToContainText("Library poster"))
	must(t, phone.GetByLabel("Name").Fill("Bo Chen"))
	must(t, phone.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Add a person"}).Click())
	must(t, expect.Locator(phone.GetByTestId("phone-notice")).ToContainText("Bo Chen is ready"))
	must(t, phone.GetByLabel("Invite link").Fill(campaignURL))
	must(t, phone.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Open link"}).Click())
	must(t, expect.Locator(phone.GetByTestId("phone-notice")).ToContainText("You joined"))
	must(t, expect.Locator(staff.GetByTestId("funnel-joins")).ToHaveText("2"))
	must(t, expect.Locator(grp.GetByTestId("attributed-person")).ToHaveCount(2))

	// The home page's chart counts every group.
	home := newPage(t, a)
	login(t, home)
	must(t, gotoPath(home, "/"))
	must(t, expect.Locator(home.GetByTestId("chart-summary")).ToHaveText("2 joins and 0 leaves in the last 14 days."))
	must(t, home.GetByRole("button", playwright.PageGetByRoleOptions{Name: "By hour"}).Click())
	must(t, expect.Locator(home.GetByTestId("chart-summary")).ToHaveText("2 joins and 0 leaves in the last 48 hours."))

	// An invite to a number: a background job, then delivery by webhook.
	must(t, staff.GetByTestId("send-invites").Click())
	// Numbers typed in local format are read with the chosen country's
	// rules (libphonenumber) and shown in international format.
	region := staff.GetByLabel("Country of numbers written without a country code")
	for _, tt := range []struct{ region, typed, shown string }{
		{"PT", "912 345 678", "+351 912 345 678"},
		{"FR", "06 12 34 56 78", "+33 6 12 34 56 78"},
	} {
		_, err := region.SelectOption(playwright.SelectOptionValues{Values: &[]string{tt.region}})
		must(t, err)
		must(t, staff.GetByLabel("Phone numbers, one per line").Fill(tt.typed))
		must(t, staff.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Check the list"}).Click())
		must(t, expect.Locator(staff.GetByTestId("invite-line-number")).ToHaveText(tt.shown))
	}
	if _, err := region.SelectOption(playwright.SelectOptionValues{Values: &[]string{"US"}}); err != nil {
		t.Fatal(err)
	}
	must(t, staff.GetByLabel("Phone numbers, one per line").Fill("+1 555 010 0200\n+1 (555) 010-0200\n12"))
	must(t, staff.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Check the list"}).Click())
	must(t, expect.Locator(staff.GetByTestId("invite-summary")).ToHaveText("1 number ready to send; 1 line needs fixing."))
	must(t, staff.GetByLabel("Skip the lines that need fixing").Check())
	must(t, staff.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Send invites"}).Click())
	must(t, expect.Locator(staff.GetByTestId("review-summary")).ToContainText("to 1 number,"))
	must(t, staff.GetByTestId("confirm-invites").Click())
	must(t, expect.Locator(staff.GetByTestId("job-state")).ToHaveText("Finished"))
	must(t, expect.Locator(staff.GetByTestId("job-counts")).ToContainText("1 done"))
	must(t, gotoPath(staff, "/campaigns"))
	must(t, staff.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Library poster"}).Click())
	must(t, expect.Locator(staff.GetByTestId("funnel-invited")).ToHaveText("1"))
	must(t, expect.Locator(staff.GetByTestId("funnel-delivered")).ToHaveText("1"))
}
