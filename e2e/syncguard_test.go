//go:build e2e

package e2e

import (
	"testing"

	"github.com/mxschmitt/playwright-go"
)

// TestSyncGuardHoldsAWipe: the simulated WhatsApp forgets every group (as
// a wrong phone number id, another business's token or an outage would
// make it look). "Sync now" marks nothing deleted and says why, the home
// page keeps saying so, and the admin reviews the list and confirms the
// deletions explicitly.
func TestSyncGuardHoldsAWipe(t *testing.T) {
	a := startApp(t)
	staff := newPage(t, a)
	login(t, staff)
	subjects := []string{"Guard one", "Guard two", "Guard three", "Guard four"}
	var waIDs []string
	for _, s := range subjects {
		id, _ := createGroup(t, staff, a, s)
		waIDs = append(waIDs, id)
	}
	for _, id := range waIDs {
		must(t, a.Sim.ForceDelete(id))
	}

	// Another admin has the dashboard open: the warning reaches it live.
	watcher := newPage(t, a)
	login(t, watcher)
	must(t, gotoPath(watcher, "/"))
	must(t, expect.Locator(watcher.GetByTestId("counter-groups")).ToHaveText("4"))

	must(t, gotoPath(staff, "/"))
	must(t, staff.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Sync now"}).Click())
	const warning = "WhatsApp answered that 4 of 4 groups do not exist: check the phone number id and token; nothing was marked deleted"
	report := staff.GetByTestId("sync-report")
	must(t, expect.Locator(report.GetByTestId("sync-guard")).ToContainText(warning))
	must(t, expect.Locator(report).ToContainText("Checked 4 groups: nothing else differed."))
	must(t, expect.Locator(watcher.GetByTestId("sync-guard")).ToContainText(warning))

	// Nothing was marked deleted: every group is still active.
	must(t, gotoPath(staff, "/groups?status=deleted"))
	must(t, expect.Locator(staff.GetByTestId("groups-empty")).ToBeVisible())
	must(t, gotoPath(staff, "/groups?status=active"))
	must(t, expect.Locator(staff.GetByTestId("group-row")).ToHaveCount(4))

	// The home page keeps the warning after a reload, with the way to act.
	must(t, gotoPath(staff, "/"))
	must(t, expect.Locator(staff.GetByTestId("sync-guard")).ToContainText(warning))
	must(t, staff.GetByTestId("sync-guard-review").Click())
	must(t, expect.Locator(staff.GetByTestId("held-group")).ToHaveCount(4))

	// Keep one (untick it), confirm the other three.
	must(t, staff.GetByLabel("Guard four").Uncheck())
	must(t, staff.GetByTestId("held-sure").Check())
	must(t, staff.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Mark the ticked groups deleted"}).Click())
	must(t, expect.Locator(staff.GetByTestId("held-notice")).ToHaveText("3 groups marked deleted."))
	must(t, expect.Locator(staff.GetByTestId("held-group")).ToHaveCount(1))
	must(t, gotoPath(staff, "/groups?status=deleted"))
	must(t, expect.Locator(staff.GetByTestId("group-row")).ToHaveCount(3))

	// The last one is kept: the warning goes away, the group stays.
	must(t, gotoPath(staff, "/sync/held"))
	must(t, staff.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Keep every group and dismiss this warning"}).Click())
	must(t, expect.Locator(staff.GetByTestId("held-empty")).ToBeVisible())
	must(t, gotoPath(staff, "/"))
	must(t, expect.Locator(staff.GetByTestId("sync-guard")).ToHaveCount(0))
	must(t, gotoPath(staff, "/groups?status=active"))
	must(t, expect.Locator(staff.GetByTestId("group-row")).ToHaveCount(1))
}
