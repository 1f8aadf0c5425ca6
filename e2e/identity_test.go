//go:build e2e

package e2e

import (
	"testing"

	"github.com/mxschmitt/playwright-go"

	"groupdeck/wasim"
)

// TestUsernameMemberIsOnePerson watches a member who adopted a username
// and shares no phone number (BSUID rollout) join, write, read a message,
// have WhatsApp regenerate their business-scoped user id, and leave: the
// group page names them "@kai.m" throughout and never lists them twice.
// Then the Sandbox phone adds a username person who joins the same way.
func TestUsernameMemberIsOnePerson(t *testing.T) {
	a := startApp(t)
	a.Sim.Configure(func(c *wasim.Config) { c.BSUID, c.ParentBSUID, c.ManualRead = true, true, true })
	staff := newPage(t, a)
	login(t, staff)
	waGroup, invite := createGroup(t, staff, a, "Usernames welcome")
	must(t, expect.Locator(staff.GetByTestId("participant-count")).ToHaveText("0"))

	u := a.Sim.AddUser(wasim.User{Username: "kai.m"})
	if _, err := a.Sim.Tap(u.WaID, invite); err != nil {
		t.Fatal(err)
	}
	people := staff.GetByTestId("participant")
	must(t, expect.Locator(staff.GetByTestId("participant-count")).ToHaveText("1"))
	must(t, expect.Locator(people).ToHaveCount(1))
	must(t, expect.Locator(people.GetByTestId("participant-name")).ToHaveText("@kai.m"))

	// Their message opens the service window and names them the same way.
	if _, err := a.Sim.Say(u.WaID, waGroup, "text", "hi all"); err != nil {
		t.Fatal(err)
	}
	reply := staff.GetByTestId("message").Filter(playwright.LocatorFilterOptions{HasText: "hi all"})
	must(t, expect.Locator(reply.GetByTestId("sender")).ToHaveText("@kai.m"))
	must(t, expect.Locator(staff.GetByTestId("window-open")).ToContainText("window open until"))

	must(t, staff.GetByLabel("Message to the group").Fill("Welcome, Kai"))
	must(t, staff.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Send", Exact: playwright.Bool(true)}).Click())
	text := staff.GetByTestId("message").Filter(playwright.LocatorFilterOptions{HasText: "Welcome, Kai"})
	must(t, expect.Locator(text.GetByTestId("receipts")).ToHaveText("Delivered 1 · Read 0"))

	// WhatsApp regenerates their BSUID before they read: the read status
	// names only the new id, and still lands on the same person.
	if _, err := a.Sim.ChangeUserID(u.WaID); err != nil {
		t.Fatal(err)
	}
	inbox := a.Sim.Inbox(u.WaID)
	if len(inbox) == 0 {
		t.Fatal("the member received nothing")
	}
	must(t, a.Sim.Read(u.WaID, inbox[len(inbox)-1].ID))
	must(t, expect.Locator(text.GetByTestId("receipts")).ToHaveText("Delivered 1 · Read 1"))
	must(t, text.GetByTestId("receipts-link").Click())
	rows := staff.GetByTestId("receipts-panel").GetByTestId("receipt-row")
	must(t, expect.Locator(rows).ToHaveCount(1))
	must(t, expect.Locator(rows.GetByTestId("receipt-person")).ToHaveText("@kai.m"))
	must(t, expect.Locator(rows.GetByTestId("receipt-read")).Not().ToHaveText("not yet"))
	must(t, expect.Locator(people).ToHaveCount(1))

	// They leave on their own, named by the new BSUID only.
	must(t, a.Sim.Leave(u.WaID, waGroup))
	must(t, expect.Locator(staff.GetByTestId("participant-count")).ToHaveText("0"))
	must(t, expect.Locator(people).ToHaveCount(0))
	left := staff.Locator(`#group-activity [data-kind="leave"]`)
	must(t, expect.Locator(left).ToContainText("@kai.m"))

	// The Sandbox phone makes such a person too.
	phone := newPage(t, a)
	login(t, phone)
	must(t, gotoPath(phone, "/sandbox"))
	must(t, phone.GetByLabel("WhatsApp @handle (optional)").Fill("lia_p"))
	must(t, phone.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Add a person"}).Click())
	must(t, expect.Locator(phone.GetByTestId("phone-notice")).ToContainText("@lia_p is ready"))
	must(t, expect.Locator(phone.GetByLabel("Simulated person")).ToContainText("@lia_p (no number shared)"))
	must(t, phone.GetByLabel("Invite link").Fill(invite))
	must(t, phone.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Open link"}).Click())
	must(t, expect.Locator(phone.GetByTestId("phone-notice")).ToContainText("You joined"))
	must(t, expect.Locator(people).ToHaveCount(1))
	must(t, expect.Locator(people.GetByTestId("participant-name")).ToHaveText("@lia_p"))
}
