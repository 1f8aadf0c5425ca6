//go:build e2e

package e2e

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"groupdeck/hooks"
	"groupdeck/internal/testutil"
)

func count(what string, n *atomic.Int32) error {
	if n.Load() != 1 {
		return fmt.Errorf("%s events received: %d, want 1", what, n.Load())
	}
	return nil
}

// TestOutgoingWebhooksPage: an admin is refused a loopback endpoint,
// allows private targets, adds the endpoint, sends a test event and sees
// it in the delivery log; then a group created in the sandbox reaches
// the endpoint too.
func TestOutgoingWebhooksPage(t *testing.T) {
	a := startApp(t)
	var created, tests atomic.Int32
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Header.Get("X-Groupdeck-Event") {
		case hooks.TestEvent:
			tests.Add(1)
		case hooks.GroupCreated:
			created.Add(1)
		}
		w.Write([]byte("received"))
	}))
	defer recv.Close()
	page := newPage(t, a)
	login(t, page)
	openMenu(t, page, "admin", "Outgoing webhooks")
	must(t, expect.Locator(page.GetByTestId("hooks-empty")).ToBeVisible())

	must(t, page.GetByLabel("URL (https recommended)").Fill(recv.URL+"/in"))
	must(t, page.GetByLabel("group.created").Check())
	allowConsole(page, "the server responded with a status of 422") // the refused form, as designed
	click(t, button(page, "Add endpoint"))
	must(t, expect.Locator(page.Locator("#hook-url-error")).ToContainText("private, loopback"))
	must(t, expect.Locator(page.GetByLabel("URL (https recommended)")).ToHaveValue(recv.URL+"/in"))

	must(t, page.GetByLabel("Allow private, loopback").Check())
	click(t, button(page, "Save"))
	must(t, expect.Locator(page.GetByTestId("hooks-notice")).ToContainText("private targets allowed"))
	must(t, page.GetByLabel("URL (https recommended)").Fill(recv.URL+"/in"))
	must(t, page.GetByLabel("group.created").Check())
	click(t, button(page, "Add endpoint"))
	must(t, expect.Locator(page.GetByTestId("hook-notice")).ToContainText("Endpoint added"))
	must(t, expect.Locator(page.GetByTestId("hook-log-empty")).ToBeVisible())

	click(t, page.GetByTestId("hook-test"))
	must(t, expect.Locator(page.GetByTestId("hook-notice")).ToContainText("Test event queued"))
	testutil.Eventually(t, 10*time.Second, func() error { return count("test", &tests) })
	must(t, gotoPath(page, page.URL()))
	row := page.GetByTestId("hook-attempt").First()
	must(t, expect.Locator(row).ToContainText("200"))
	must(t, expect.Locator(row).ToContainText("received"))

	createGroup(t, page, a, "Hooked group")
	testutil.Eventually(t, 10*time.Second, func() error { return count("group.created", &created) })
}
