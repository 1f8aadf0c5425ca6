//go:build e2e

package e2e

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/mxschmitt/playwright-go"
	_ "modernc.org/sqlite"

	"groupdeck/internal/testutil"
	"groupdeck/store"
	"groupdeck/wasim"
)

// TestReplayAFailedDelivery: a join arrives while the database refuses
// new participants (a trigger stands in for a failing disk or a bug), so
// its delivery is stored as failed and the person is missing. Once the
// cause is gone an administrator replays it from the event log, in the
// browser, and the join is applied: the delivery shows Applied and the
// person appears on the group page.
func TestReplayAFailedDelivery(t *testing.T) {
	a := startApp(t)
	page := newPage(t, a)
	login(t, page)
	_, invite := createGroup(t, page, a, "Replay cohort")

	db, err := sql.Open("sqlite", "file:"+a.Cfg.DB+"?"+url.Values{"_pragma": {"busy_timeout(10000)"}}.Encode())
	must(t, err)
	t.Cleanup(func() { db.Close() })
	_, err = db.Exec(`CREATE TRIGGER e2e_refuse_participants BEFORE INSERT ON participants
		BEGIN SELECT RAISE(ABORT, 'the disk is full'); END`)
	must(t, err)

	a.Sim.AddUser(wasim.User{WaID: "15550002001", Name: "Rita Replay"})
	if _, err := a.Sim.Tap("15550002001", invite); err != nil {
		t.Fatal(err)
	}
	testutil.Eventually(t, 10*time.Second, func() error {
		ds, _, err := a.Store.Deliveries(context.Background(), store.DeliveryFilter{Outcome: store.OutcomeFailed, Limit: 10})
		if err != nil || len(ds) != 1 {
			return fmt.Errorf("failed deliveries: %d, %v; want the join's", len(ds), err)
		}
		return nil
	})
	_, err = db.Exec(`DROP TRIGGER e2e_refuse_participants`)
	must(t, err)

	openMenu(t, page, "admin", "Event log")
	_, err = page.GetByLabel("Outcome").SelectOption(playwright.SelectOptionValues{Values: &[]string{"failed"}})
	must(t, err)
	must(t, page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Filter"}).Click())
	row := page.GetByTestId("delivery-row")
	must(t, expect.Locator(row).ToHaveCount(1))
	must(t, expect.Locator(row).ToContainText("the disk is full"))
	must(t, row.GetByRole("link").First().Click())
	must(t, expect.Locator(page.GetByTestId("outcome")).ToHaveText("Failed"))
	must(t, page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Replay this delivery"}).Click())
	must(t, expect.Locator(page.GetByTestId("outcome")).ToHaveText("Applied"))
	must(t, expect.Locator(page.GetByTestId("replay")).ToHaveCount(0))

	must(t, gotoPath(page, "/groups/1"))
	must(t, expect.Locator(page.GetByTestId("participant-count")).ToHaveText("1"))
	must(t, expect.Locator(page.GetByTestId("participant")).ToContainText("+1 555 000 2001"))
}
