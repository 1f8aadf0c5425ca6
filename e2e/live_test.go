//go:build e2e

package e2e

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/mxschmitt/playwright-go"

	"groupdeck/app"
	"groupdeck/internal/testutil"
	"groupdeck/store"
	"groupdeck/wasim"
)

// createGroup creates a group through the UI and returns its WhatsApp
// id and invite link once the create webhook arrived.
func createGroup(t *testing.T, page playwright.Page, a *app.App, subject string) (string, string) {
	t.Helper()
	must(t, gotoPath(page, "/groups/new"))
	must(t, page.GetByLabel("Subject (up to 128 characters)").Fill(subject))
	must(t, page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Create group"}).Click())
	link := page.GetByTestId("invite-link")
	must(t, expect.Locator(link).ToBeVisible())
	invite, err := link.InputValue()
	must(t, err)
	for _, g := range a.Sim.Groups() {
		if g.Subject == subject {
			return g.ID, invite
		}
	}
	t.Fatalf("simulator has no group %q", subject)
	return "", ""
}

// TestLiveJoinLeaveAndReconnect: with the group page and the home page
// open, a participant joins and leaves and both pages follow without a
// reload; then the group page's stream is cut, a second person joins
// while it is down, and the page catches up once it reconnects.
func TestLiveJoinLeaveAndReconnect(t *testing.T) {
	a := startApp(t)
	staff := newPage(t, a)
	login(t, staff)
	waGroup, invite := createGroup(t, staff, a, "Live cohort")
	must(t, expect.Locator(staff.GetByTestId("participant-count")).ToHaveText("0"))

	home := newPage(t, a)
	login(t, home)
	must(t, gotoPath(home, "/"))
	must(t, expect.Locator(home.GetByTestId("counter-groups")).ToHaveText("1"))
	// Server-side conditions are polled; pages use web-first assertions.
	testutil.Eventually(t, 10*time.Second, func() error {
		if a.Hub.Count("global") < 1 || a.Hub.Count("group:1") < 1 {
			return errors.New("both pages never subscribed")
		}
		return nil
	})

	a.Sim.AddUser(wasim.User{WaID: "15550001001", Name: "Ana Souza"})
	if _, err := a.Sim.Tap("15550001001", invite); err != nil {
		t.Fatal(err)
	}
	must(t, expect.Locator(staff.GetByTestId("participant-count")).ToHaveText("1"))
	must(t, expect.Locator(staff.GetByTestId("participant")).ToContainText("+1 555 000 1001"))
	must(t, expect.Locator(home.GetByTestId("counter-joins")).ToHaveText("1"))
	must(t, expect.Locator(home.GetByTestId("counter-participants")).ToHaveText("1"))
	joinItem := home.Locator(`[data-testid="activity-item"][data-kind="join"]`)
	must(t, expect.Locator(joinItem).ToContainText("Live cohort"))

	must(t, a.Sim.Leave("15550001001", waGroup))
	must(t, expect.Locator(staff.GetByTestId("participant-count")).ToHaveText("0"))
	must(t, expect.Locator(home.GetByTestId("counter-participants")).ToHaveText("0"))
	must(t, expect.Locator(home.Locator(`[data-testid="activity-item"][data-kind="leave"]`)).ToBeVisible())
	must(t, expect.Locator(staff.Locator(`#group-activity [data-kind="leave"]`)).ToBeVisible())

	// Cut the group page's stream: refuse reconnects, then end the open
	// streams from the server. Nothing is published to it meanwhile.
	allowConsole(staff, "net::ERR_FAILED") // the aborted reconnects
	must(t, staff.Route("**/events?group=*", func(r playwright.Route) { _ = r.Abort() }))
	admin, err := a.Store.UserByEmail(context.Background(), adminEmail)
	must(t, err)
	a.Hub.DropOwner(admin.ID)
	testutil.Eventually(t, 10*time.Second, func() error {
		if n := a.Hub.Count("group:1"); n != 0 {
			return fmt.Errorf("the group stream is not gone: %d subscribers", n)
		}
		return nil
	})
	// The page says its live updates stopped, instead of going silently stale.
	must(t, expect.Locator(staff.GetByTestId("live-status")).ToContainText("Reconnecting…"))

	a.Sim.AddUser(wasim.User{WaID: "15550001002", Name: "Bruno Lima"})
	if _, err := a.Sim.Tap("15550001002", invite); err != nil {
		t.Fatal(err)
	}
	waitGroup(t, a, 1, func(g *store.Group) bool { return g.ParticipantCount == 1 })
	must(t, expect.Locator(staff.GetByTestId("participant-count")).ToHaveText("0")) // it missed the event

	must(t, expect.Locator(home.GetByTestId("live-status")).ToBeHidden()) // its stream came back at once
	must(t, staff.Unroute("**/events?group=*"))
	must(t, expect.Locator(staff.GetByTestId("live-status")).ToBeHidden())
	must(t, expect.Locator(staff.GetByTestId("participant-count")).ToHaveText("1"))
	must(t, expect.Locator(staff.GetByTestId("participant")).ToContainText("+1 555 000 1002"))
	// The home page reconnected too and shows the join it missed.
	must(t, expect.Locator(home.GetByTestId("counter-joins")).ToHaveText("2"))
}

// TestEventLogPage: an administrator opens the event log, filters it and
// reads a delivery's raw JSON.
func TestEventLogPage(t *testing.T) {
	a := startApp(t)
	page := newPage(t, a)
	login(t, page)
	createGroup(t, page, a, "Logged group")
	openMenu(t, page, "admin", "Event log")
	must(t, expect.Locator(page.GetByTestId("delivery-row").First()).ToContainText("group_lifecycle_update"))
	_, err := page.GetByLabel("Outcome").SelectOption(playwright.SelectOptionValues{Values: &[]string{"failed"}})
	must(t, err)
	must(t, page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Filter"}).Click())
	must(t, expect.Locator(page.GetByTestId("eventlog-empty")).ToBeVisible())
	must(t, gotoPath(page, "/events/log?field=group_lifecycle_update"))
	must(t, page.GetByTestId("delivery-row").First().GetByRole("link", playwright.LocatorGetByRoleOptions{Name: "Raw JSON"}).Click())
	must(t, expect.Locator(page.GetByTestId("raw-json")).ToContainText(`"type": "group_create"`))
}

// TestSyncNowHealsDrift: a participant disappears behind the app's back;
// "Sync now" on the home page finds and fixes it, and the open group page
// follows.
func TestSyncNowHealsDrift(t *testing.T) {
	a := startApp(t)
	staff := newPage(t, a)
	login(t, staff)
	waGroup, invite := createGroup(t, staff, a, "Drifting")
	a.Sim.AddUser(wasim.User{WaID: "15550002001", Name: "Caio"})
	if _, err := a.Sim.Tap("15550002001", invite); err != nil {
		t.Fatal(err)
	}
	must(t, expect.Locator(staff.GetByTestId("participant-count")).ToHaveText("1"))
	must(t, a.Sim.ForceRemoveParticipant(waGroup, "15550002001"))
	must(t, a.Sim.ForceSubject(waGroup, "Drifted"))

	home := newPage(t, a)
	login(t, home)
	must(t, gotoPath(home, "/"))
	must(t, home.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Sync now"}).Click())
	must(t, expect.Locator(home.GetByTestId("sync-report")).ToContainText("fixed 2 differences"))
	must(t, expect.Locator(home.Locator(`[data-testid="activity-item"][data-kind="drift"]`).First()).ToBeVisible())
	must(t, expect.Locator(staff.GetByTestId("participant-count")).ToHaveText("0"))
	must(t, expect.Locator(staff.GetByTestId("group-subject")).ToHaveText("Drifted"))
	must(t, gotoPath(home, "/groups"))
	must(t, expect.Locator(home.GetByTestId("confirmed").First()).Not().ToHaveText("never"))
}
