//go:build e2e

package e2e

import (
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mxschmitt/playwright-go"

	"groupdeck/wasim"
)

// fragmentCounter counts the fragment requests a page makes, by path
// (e.g. "/groups/3/participants").
type fragmentCounter struct {
	mu sync.Mutex
	n  map[string]int
}

func countFragments(page playwright.Page) *fragmentCounter {
	c := &fragmentCounter{n: map[string]int{}}
	page.OnRequest(func(r playwright.Request) {
		if r.Method() != "GET" {
			return
		}
		if h, _ := r.HeaderValue("hx-request"); h != "true" {
			return
		}
		u, err := url.Parse(r.URL())
		if err != nil {
			return
		}
		c.mu.Lock()
		c.n[u.Path]++
		c.mu.Unlock()
	})
	return c
}

// since returns the counts and starts counting afresh.
func (c *fragmentCounter) reset() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.n
	c.n = map[string]int{}
	return out
}

// TestLiveReceiptRefetchesOnlyItsFragments: a group page re-fetches only
// the fragments showing what changed. A participant reading a message
// (a status webhook) updates the timeline's counts and the open receipts
// panel without re-fetching the participants list, the history or the
// summary; someone joining then re-fetches the participants list.
func TestLiveReceiptRefetchesOnlyItsFragments(t *testing.T) {
	a := startApp(t)
	a.Sim.Configure(func(c *wasim.Config) { c.ManualRead = true })
	staff := newPage(t, a)
	login(t, staff)

	_, inviteURL := createGroup(t, staff, a, "Receipts only")
	must(t, expect.Locator(staff.GetByTestId("invite-link")).ToHaveValue(regexp.MustCompile(`^https://chat\.whatsapp\.com/\S+$`)))
	groupPath := strings.TrimSuffix(mustURLPath(t, staff.URL()), "/")

	phone := newPage(t, a)
	login(t, phone)
	join := func(name string) {
		t.Helper()
		must(t, gotoPath(phone, "/sandbox"))
		must(t, phone.GetByLabel("Name").Fill(name))
		must(t, phone.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Add a person"}).Click())
		must(t, phone.GetByLabel("Invite link").Fill(inviteURL))
		must(t, phone.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Open link"}).Click())
		must(t, expect.Locator(phone.GetByTestId("phone-notice")).ToContainText("You joined"))
	}
	join("Bea Lima")
	must(t, expect.Locator(staff.Locator("#participants")).ToContainText("1 of 8 places taken"))

	must(t, staff.GetByLabel("Message to the group").Fill("Read me"))
	must(t, staff.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Send", Exact: playwright.Bool(true)}).Click())
	msg := staff.GetByTestId("message").Filter(playwright.LocatorFilterOptions{HasText: "Read me"})
	must(t, expect.Locator(msg.GetByTestId("receipts")).ToHaveText("Delivered 1 · Read 0"))
	must(t, msg.GetByTestId("receipts-link").Click())
	row := staff.GetByTestId("receipts-panel").GetByTestId("receipt-row")
	must(t, expect.Locator(row.GetByTestId("receipt-read")).ToHaveText("not yet"))

	// Let the send's events and their trailing ones (250 ms) settle, then
	// count what the read makes the page fetch.
	frags := countFragments(staff)
	time.Sleep(time.Second)
	frags.reset()

	must(t, gotoPath(phone, "/sandbox"))
	must(t, phone.GetByTestId("inbox-item").Filter(playwright.LocatorFilterOptions{HasText: "Read me"}).
		GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Mark read"}).Click())
	must(t, expect.Locator(phone.GetByTestId("phone-notice")).ToContainText("Marked as read"))
	must(t, expect.Locator(msg.GetByTestId("receipts")).ToHaveText("Delivered 1 · Read 1"))
	must(t, expect.Locator(row.GetByTestId("receipt-read")).Not().ToHaveText("not yet"))
	time.Sleep(time.Second) // any trailing event, and what it would fetch
	got := frags.reset()
	if got[groupPath+"/messages"] == 0 {
		t.Errorf("the timeline was not re-fetched for the read: %v", got)
	}
	for _, part := range []string{"/participants", "/activity", "/summary", "/changes", "/window", "/campaigns", "/schedules"} {
		if n := got[groupPath+part]; n != 0 {
			t.Errorf("a read re-fetched %s %d times; fetched: %v", part, n, got)
		}
	}

	// A join re-fetches the participants list, and not the timeline.
	join("Caio Reis")
	must(t, expect.Locator(staff.Locator("#participants")).ToContainText("2 of 8 places taken"))
	time.Sleep(time.Second)
	got = frags.reset()
	if got[groupPath+"/participants"] == 0 || got[groupPath+"/messages"] != 0 {
		t.Errorf("a join fetched %v, want the participants and not the timeline", got)
	}
}

func mustURLPath(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Path
}
