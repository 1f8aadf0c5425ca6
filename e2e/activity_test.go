//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/mxschmitt/playwright-go"

	"groupdeck/app"
	"groupdeck/internal/testutil"
	"groupdeck/store"
	"groupdeck/wasim"
	"groupdeck/whatsapp"
)

// staffGroup creates a group as a staff user would (created_by set), the
// way the app does, and waits for WhatsApp to confirm it.
func staffGroup(t *testing.T, a *app.App, subject string, userID int64) *store.Group {
	t.Helper()
	ctx := context.Background()
	g := &store.Group{Subject: subject, JoinApprovalMode: "auto_approve", CreatedBy: userID}
	must(t, a.Store.CreateGroup(ctx, g))
	req, err := a.WA.CreateGroup(ctx, whatsapp.CreateGroupRequest{Subject: g.Subject, JoinApprovalMode: g.JoinApprovalMode})
	must(t, err)
	_, err = a.Handler.Ingest.GroupRequested(ctx, g.ID, req)
	must(t, err)
	return waitGroup(t, a, g.ID, func(g *store.Group) bool { return g.InviteLink != "" })
}

// TestActivityFeed: groups created by one person fold into one line, the
// feed pages, filters by kind and by one group (a link), and new lines
// arrive live under the filters without disturbing the pages below.
func TestActivityFeed(t *testing.T) {
	a := startApp(t)
	ctx := context.Background()
	admin, err := a.Store.UserByEmail(ctx, adminEmail)
	must(t, err)
	by := admin.Name
	if by == "" {
		by = admin.Email
	}
	var choir []*store.Group
	for i := range 3 {
		choir = append(choir, staffGroup(t, a, fmt.Sprintf("Choir %d", i+1), admin.ID))
	}
	fleet := fleetGroups(t, a, 1) // Fleet 01, joined by Member 0
	g, err := a.Store.GroupByID(ctx, fleet[0])
	must(t, err)
	bea := a.Sim.AddUser(wasim.User{WaID: "15550008888", Name: "Bea Lima"})
	_, err = a.Sim.Tap(bea.WaID, g.InviteLink)
	must(t, err)
	waitGroup(t, a, g.ID, func(g *store.Group) bool { return g.ParticipantCount == 2 })
	// 60 messages, two people taking turns (so no burst folds them).
	for i := range 60 {
		from := "15550000000"
		if i%2 == 1 {
			from = bea.WaID
		}
		_, err := a.Sim.Say(from, g.WaGroupID, "text", fmt.Sprintf("note %02d", i))
		must(t, err)
	}
	testutil.Eventually(t, 15*time.Second, func() error {
		items, _, err := a.Store.ActivityPage(ctx, store.ActivityQuery{Kind: store.ActMessage, Limit: 100})
		must(t, err)
		if len(items) < 60 {
			return fmt.Errorf("%d message lines so far", len(items))
		}
		return nil
	})

	page := newPage(t, a)
	login(t, page)
	must(t, gotoPath(page, "/"))
	items := page.GetByTestId("activity-item")
	must(t, expect.Locator(items).ToHaveCount(50))
	must(t, expect.Locator(items.First()).ToContainText("note 59"))
	// The next page holds the rest, down to the creations.
	click(t, page.GetByTestId("activity-older"))
	burst := page.GetByTestId("burst-summary")
	must(t, expect.Locator(burst).ToHaveText("3 groups created by "+by))
	must(t, expect.Locator(page.GetByTestId("activity-older")).ToHaveCount(0))
	click(t, burst)
	for _, c := range choir {
		must(t, expect.Locator(page.GetByTestId("activity-burst").GetByRole("link", playwright.LocatorGetByRoleOptions{Name: c.Subject})).ToBeVisible())
	}

	// By kind: only the creations, and the address is a link to this view.
	_, err = page.Locator("#feed-kind").SelectOption(playwright.SelectOptionValues{Labels: playwright.StringSlice("Groups created")})
	must(t, err)
	// Two lines: the burst, and Fleet 01 (made outside the app's forms).
	must(t, expect.Locator(page.Locator("#activity > ol.feed > li")).ToHaveCount(2))
	must(t, expect.Locator(page.GetByTestId("burst-summary")).ToHaveText("3 groups created by "+by))
	must(t, expect.Page(page).ToHaveURL(regexp.MustCompile(`/\?kind=created$`)))
	must(t, page.Locator("#activity-h").ScrollIntoViewIfNeeded())
	screenshot(t, page, "activity-feed")
	must(t, page.SetViewportSize(390, 844))
	must(t, page.EmulateMedia(playwright.PageEmulateMediaOptions{ColorScheme: playwright.ColorSchemeDark}))
	noSideScroll(t, page)
	screenshot(t, page, "activity-feed-phone-dark")
	must(t, page.SetViewportSize(1280, 800))
	must(t, page.EmulateMedia(playwright.PageEmulateMediaOptions{ColorScheme: playwright.ColorSchemeLight}))

	// By one group, chosen with the picker: Fleet 01's messages only.
	_, err = page.Locator("#feed-kind").SelectOption(playwright.SelectOptionValues{Labels: playwright.StringSlice("Messages")})
	must(t, err)
	filter := page.GetByTestId("feed-group-filter")
	must(t, filter.GetByLabel("In group").Fill("Fleet"))
	option := filter.GetByTestId("picker-option").Filter(playwright.LocatorFilterOptions{HasText: "Fleet 01"})
	must(t, expect.Locator(option).ToHaveCount(1))
	click(t, option)
	must(t, expect.Page(page).ToHaveURL(regexp.MustCompile(fmt.Sprintf(`/\?group_id=%d&kind=message$`, g.ID))))
	must(t, expect.Locator(page.GetByTestId("activity-item")).ToHaveCount(50))
	click(t, page.GetByTestId("activity-older"))
	must(t, expect.Locator(page.GetByTestId("activity-item")).ToHaveCount(60))

	// Live, under the filters: a join elsewhere stays out, a message in
	// Fleet 01 comes in on top, and the pages below neither repeat nor
	// lose a line.
	cara := a.Sim.AddUser(wasim.User{WaID: "15550006666", Name: "Cara Diaz"})
	_, err = a.Sim.Tap(cara.WaID, choir[0].InviteLink)
	must(t, err)
	waitGroup(t, a, choir[0].ID, func(g *store.Group) bool { return g.ParticipantCount == 1 })
	_, err = a.Sim.Say(bea.WaID, g.WaGroupID, "text", "live hello")
	must(t, err)
	must(t, expect.Locator(page.GetByTestId("activity-item").First()).ToContainText("live hello"))
	must(t, expect.Locator(page.GetByTestId("activity-item")).ToHaveCount(61))
	must(t, expect.Locator(page.Locator(`[data-testid=activity-item][data-kind=join]`)).ToHaveCount(0))

	// The link opens the same view.
	_, err = page.Reload()
	must(t, err)
	must(t, expect.Locator(filter.Locator(fmt.Sprintf(`input[name=group_id][value="%d"]`, g.ID))).ToBeChecked())
	must(t, expect.Locator(page.Locator("#feed-kind")).ToHaveValue("message"))
	must(t, expect.Locator(page.GetByTestId("activity-item").First()).ToContainText("live hello"))
}
