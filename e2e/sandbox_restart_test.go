//go:build e2e

package e2e

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/mxschmitt/playwright-go"

	"groupdeck/app"
	"groupdeck/internal/testutil"
)

// startAppOn runs groupdeck in sandbox mode on the given database, as
// `make run` does on groupdeck-sandbox.db; closing it is the caller's.
func startAppOn(t *testing.T, db string) *app.App {
	t.Helper()
	env := map[string]string{"GROUPDECK_ADMIN_EMAIL": adminEmail, "GROUPDECK_ADMIN_PASSWORD": adminPassword}
	cfg, err := app.ParseConfig([]string{"-addr", "127.0.0.1:0", "-db", db}, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	cfg.SimFast = true
	logs := &testutil.Buffer{}
	a, err := app.New(context.Background(), cfg, slog.New(slog.NewTextHandler(logs, nil)), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	a.Start()
	t.Cleanup(func() {
		a.Close() // a second Close is harmless
		if t.Failed() {
			t.Log("app log:\n" + logs.String())
		}
	})
	return a
}

// TestSandboxKeepsItsWorld is `make run` twice: a group made and joined in
// the first run is still on the simulated WhatsApp in the second, with its
// link and its participant, and "Sync now" finds nothing to fix.
func TestSandboxKeepsItsWorld(t *testing.T) {
	db := filepath.Join(t.TempDir(), "sandbox.db")
	a := startAppOn(t, db)
	staff := newPage(t, a)
	login(t, staff)
	_, invite := createGroup(t, staff, a, "Survivors")
	phone := newPage(t, a)
	login(t, phone)
	must(t, gotoPath(phone, "/sandbox"))
	must(t, phone.GetByLabel("Name").Fill("Dana"))
	must(t, phone.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Add a person"}).Click())
	must(t, phone.GetByLabel("Invite link").Fill(invite))
	must(t, phone.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Open link"}).Click())
	must(t, expect.Locator(phone.GetByTestId("phone-notice")).ToContainText("You joined the group."))
	must(t, expect.Locator(staff.GetByTestId("participant-count")).ToHaveText("1"))
	must(t, staff.Context().Close())
	must(t, phone.Context().Close())
	a.Close()

	a = startAppOn(t, db)
	home := newPage(t, a)
	login(t, home)
	must(t, gotoPath(home, "/"))
	must(t, home.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Sync now"}).Click())
	must(t, expect.Locator(home.GetByTestId("sync-report")).ToContainText("Checked 1 groups: everything matched WhatsApp."))
	must(t, expect.Locator(home.GetByTestId("sync-guard")).ToHaveCount(0))

	// Dana is still in the group on the simulated phone, and someone new
	// still gets in with the link shared before the restart.
	must(t, gotoPath(home, "/sandbox"))
	must(t, expect.Locator(home.GetByTestId("phone-group")).ToContainText("Survivors"))
	must(t, home.GetByLabel("Name").Fill("Eli"))
	must(t, home.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Add a person"}).Click())
	must(t, home.GetByLabel("Invite link").Fill(invite))
	must(t, home.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Open link"}).Click())
	must(t, expect.Locator(home.GetByTestId("phone-notice")).ToContainText("You joined the group."))
	must(t, gotoPath(home, "/groups"))
	must(t, home.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Survivors"}).Click())
	must(t, expect.Locator(home.GetByTestId("participant-count")).ToHaveText("2"))
}
