//go:build e2e

package e2e

import (
	"context"
	"regexp"
	"testing"
	"time"

	"groupdeck/app"
	"groupdeck/store"
	"groupdeck/wasim"
	"groupdeck/whatsapp"
)

// quietGroup creates a group nobody joins, the way the app does.
func quietGroup(t *testing.T, a *app.App, subject string) *store.Group {
	t.Helper()
	ctx := context.Background()
	g := &store.Group{Subject: subject, JoinApprovalMode: "auto_approve"}
	must(t, a.Store.CreateGroup(ctx, g))
	req, err := a.WA.CreateGroup(ctx, whatsapp.CreateGroupRequest{Subject: g.Subject, JoinApprovalMode: g.JoinApprovalMode})
	must(t, err)
	_, err = a.Handler.Ingest.GroupRequested(ctx, g.ID, req)
	must(t, err)
	return waitGroup(t, a, g.ID, func(g *store.Group) bool { return g.InviteLink != "" })
}

func broadcastJobs(t *testing.T, a *app.App) int {
	t.Helper()
	js, err := a.Store.Jobs(context.Background(), "broadcast", 10)
	must(t, err)
	return len(js)
}

// A send to many groups says what it will do first; a confirm after the
// set changed shows the new review instead of sending.
func TestSendToManyReviewsFirst(t *testing.T) {
	a := startApp(t)
	staff := newPage(t, a)
	login(t, staff)
	fleet := fleetGroups(t, a, 3)
	quiet := quietGroup(t, a, "Fleet 04 quiet")
	ctx := context.Background()
	frozen, err := a.Store.GroupByID(ctx, fleet[2])
	must(t, err)
	must(t, a.Sim.SetSuspended(frozen.WaGroupID, true))
	waitGroup(t, a, frozen.ID, func(g *store.Group) bool { return g.Suspended })
	// Someone wrote in Fleet 01 today: its 24-hour window is open.
	open, err := a.Store.GroupByID(ctx, fleet[0])
	must(t, err)
	_, err = a.Sim.Say("15550000000", open.WaGroupID, "text", "hello")
	must(t, err)
	deadline := time.Now().Add(15 * time.Second)
	for at, _ := a.Store.LastInbound(ctx, open.ID); at == 0; at, _ = a.Store.LastInbound(ctx, open.ID) {
		if time.Now().After(deadline) {
			t.Fatal("the inbound message never arrived")
		}
		time.Sleep(20 * time.Millisecond)
	}

	must(t, gotoPath(staff, "/messages/broadcast?status=&q=Fleet"))
	must(t, staff.GetByTestId("select-all").Check())
	must(t, staff.GetByLabel("Approved template").Check())
	must(t, expectSelect(staff.Locator("#template-choice"), "spring_offer|en_US"))
	click(t, button(staff, "Send to the chosen groups"))
	must(t, expect.Locator(staff.GetByTestId("review-summary")).ToHaveText("This queues the message in 2 groups, reaching 2 people."))
	reasons := staff.GetByTestId("review-reasons")
	must(t, expect.Locator(reasons).ToContainText("nobody joined yet: 1"))
	must(t, expect.Locator(reasons).ToContainText("suspended by WhatsApp: 1"))
	cost := staff.GetByTestId("review-cost")
	must(t, expect.Locator(cost).ToContainText("marketing template: 2 deliveries × 0.0250 USD ≈ 0.05 USD"))
	must(t, expect.Locator(cost).ToContainText("utility template: 1 delivery in groups whose 24-hour window is closed × 0.0040 USD ≈ 0.00 USD (1 group has an open window"))
	click(t, staff.GetByText("Which groups are skipped"))
	must(t, expect.Locator(staff.GetByTestId("review-skipped-groups").GetByRole("link")).ToHaveText([]string{"Fleet 03", "Fleet 04 quiet"}))
	if n := broadcastJobs(t, a); n != 0 {
		t.Fatalf("the review queued %d jobs", n)
	}

	// A person joins the quiet group before the confirm.
	u := a.Sim.AddUser(wasim.User{WaID: "15550009999", Name: "Late Comer"})
	_, err = a.Sim.Tap(u.WaID, quiet.InviteLink)
	must(t, err)
	waitGroup(t, a, quiet.ID, func(g *store.Group) bool { return g.ParticipantCount == 1 })
	click(t, staff.GetByTestId("confirm-send"))
	must(t, expect.Locator(staff.GetByTestId("review-changed")).ToContainText("you reviewed 2 groups; it now reaches 3"))
	must(t, expect.Locator(staff.GetByTestId("review-summary")).ToHaveText("This queues the message in 3 groups, reaching 3 people."))
	if n := broadcastJobs(t, a); n != 0 {
		t.Fatalf("a changed review queued %d jobs", n)
	}
	click(t, staff.GetByTestId("confirm-send"))
	must(t, expect.Locator(staff.GetByTestId("job-counts")).ToContainText("3 of 3 · 3 done"))
	for _, id := range []int64{fleet[0], fleet[1], quiet.ID} {
		ms, err := a.Store.Messages(ctx, id, 10)
		must(t, err)
		if out := outgoing(ms); len(out) != 1 || out[0].Payload.Template != "spring_offer" || out[0].Body != "Our spring offer ends on Sunday." {
			t.Errorf("group %d: %+v", id, out)
		}
	}
	if ms, _ := a.Store.Messages(ctx, frozen.ID, 10); len(outgoing(ms)) != 0 {
		t.Errorf("the suspended group got %+v", ms)
	}
}

func outgoing(ms []store.Message) []store.Message {
	var out []store.Message
	for _, m := range ms {
		if m.Direction == "out" {
			out = append(out, m)
		}
	}
	return out
}

// Bulk create numbers its errors as the textarea shows them, warns about
// repeated subjects, and its result rows say Creating… until WhatsApp
// confirms each group, live.
func TestBulkCreateReviewAndLiveRows(t *testing.T) {
	a := startApp(t)
	page := newPage(t, a)
	login(t, page)
	quietGroup(t, a, "Spring B")
	must(t, gotoPath(page, "/groups/bulk"))
	subjects := page.GetByLabel("Subjects, one per line")
	must(t, subjects.Fill("Spring A\n\nSpring B\nspring a\nSpring C"))
	click(t, button(page, "Create the groups"))
	must(t, expect.Locator(page.GetByTestId("review-summary")).ToContainText("This creates 4 groups"))
	dups := page.GetByTestId("bulk-duplicate")
	must(t, expect.Locator(dups).ToHaveText([]string{"line 4: “spring a” repeats line 1",
		"line 3: “Spring B” is already the subject of an existing group"}))

	// Back to the list, then on: nothing was created meanwhile.
	click(t, button(page, "Change the list"))
	must(t, expect.Locator(subjects).ToHaveValue("Spring A\nSpring B\nspring a\nSpring C"))
	must(t, subjects.Fill("Spring A\nSpring C"))
	click(t, button(page, "Create the groups"))
	must(t, expect.Locator(page.GetByTestId("review-summary")).ToContainText("This creates 2 groups"))
	must(t, expect.Locator(page.GetByTestId("bulk-duplicates")).ToHaveCount(0))
	// WhatsApp is slow to confirm: the rows say Creating… until it does.
	a.Sim.Configure(func(c *wasim.Config) { c.WebhookDelay = 2 * time.Second })
	click(t, page.GetByTestId("confirm-create"))
	must(t, expect.Locator(page.GetByTestId("job-counts")).ToContainText("2 of 2 · 2 done"))
	states := page.GetByTestId("created-state")
	must(t, expect.Locator(states).ToHaveText([]string{"Creating…", "Creating…"}))
	must(t, expect.Locator(states).ToHaveText([]string{"Active", "Active"}))
	links := page.GetByTestId("job-item-group")
	must(t, expect.Locator(links).ToHaveText([]string{"Spring A", "Spring C"}))
	click(t, links.First())
	must(t, expect.Page(page).ToHaveURL(regexp.MustCompile(`/groups/\d+$`)))
	must(t, expect.Locator(page.Locator("h1")).ToContainText("Spring A"))
	gs, total, err := a.Store.Groups(context.Background(), store.GroupFilter{Search: "Spring", Limit: 10})
	must(t, err)
	if total != 3 {
		t.Errorf("%d Spring groups, want 3: %+v", total, gs)
	}
}
