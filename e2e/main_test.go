//go:build e2e

// Package e2e drives a real Chromium against groupdeck started in-process
// with the Cloud API simulator.
package e2e

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/mxschmitt/playwright-go"

	"groupdeck/app"
	"groupdeck/internal/testutil"
)

var (
	pw      *playwright.Playwright
	browser playwright.Browser
	expect  playwright.PlaywrightAssertions
)

const (
	adminEmail    = "admin@example.com"
	adminPassword = "e2e-password-123"
)

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	root, err := moduleRoot()
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	if os.Getenv("PLAYWRIGHT_NODEJS_PATH") == "" {
		node, err := exec.LookPath("node")
		if err != nil {
			fmt.Fprintln(os.Stderr, "e2e: node not found (Node.js 20 or newer is needed)")
			return 1
		}
		os.Setenv("PLAYWRIGHT_NODEJS_PATH", node)
	}
	dir := os.Getenv("PLAYWRIGHT_DRIVER_PATH")
	if dir == "" {
		// playwright-go wants <dir>/package/cli.js: point it at npm's copy.
		dir, err = os.MkdirTemp("", "pwdriver")
		if err != nil {
			fmt.Fprintln(os.Stderr, "e2e:", err)
			return 1
		}
		defer os.RemoveAll(dir)
		if err := os.Symlink(filepath.Join(root, "node_modules", "playwright-core"), filepath.Join(dir, "package")); err != nil {
			fmt.Fprintln(os.Stderr, "e2e:", err)
			return 1
		}
	}
	opts := &playwright.RunOptions{DriverDirectory: dir, SkipInstallBrowsers: true, Stderr: os.Stderr}
	if err := playwright.Install(opts); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: playwright driver (run npm ci):", err)
		return 1
	}
	pw, err = playwright.Run(opts)
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: start playwright:", err)
		return 1
	}
	defer pw.Stop()
	exe := os.Getenv("CHROMIUM_PATH")
	if exe == "" {
		exe = "/usr/bin/chromium"
	}
	browser, err = pw.Chromium.Launch(playwright.BrowserTypeLaunchOptions{
		ExecutablePath: playwright.String(exe),
		Headless:       playwright.Bool(true),
		Args: []string{"--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
			"--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"},
		Timeout: playwright.Float(60000),
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: launch chromium:", err)
		return 1
	}
	defer browser.Close()
	expect = playwright.NewPlaywrightAssertions(15000)
	return m.Run()
}

func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the working directory")
		}
		dir = parent
	}
}

// startApp runs a fresh groupdeck in sandbox mode with its own database.
func startApp(t *testing.T) *app.App {
	t.Helper()
	env := map[string]string{"GROUPDECK_ADMIN_EMAIL": adminEmail, "GROUPDECK_ADMIN_PASSWORD": adminPassword}
	cfg, err := app.ParseConfig([]string{"-addr", "127.0.0.1:0", "-db", filepath.Join(t.TempDir(), "e2e.db"), "-log-level", "debug"},
		func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	cfg.SimFast = true
	logs := &testutil.Buffer{} // the app's log, printed only when a test fails
	a, err := app.New(context.Background(), cfg, slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	a.Start()
	t.Cleanup(func() {
		a.Close()
		if t.Failed() {
			t.Log("app log:\n" + logs.String())
		}
	})
	return a
}

// newPage opens a page in a fresh browser context (its own cookies).
// permissions are granted to the context, e.g. "clipboard-read".
func newPage(t *testing.T, a *app.App, permissions ...string) playwright.Page {
	t.Helper()
	ctx, err := browser.NewContext(playwright.BrowserNewContextOptions{BaseURL: playwright.String(a.URL), Permissions: permissions,
		AcceptDownloads: playwright.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ctx.Close() })
	page, err := ctx.NewPage()
	if err != nil {
		t.Fatal(err)
	}
	page.SetDefaultTimeout(15000)
	watchConsole(t, page)
	return page
}

// watchConsole fails the test, when it ends, on anything the page logged
// as an error, on any Content-Security-Policy report (Chromium logs those
// as errors, some as warnings) and on any uncaught exception. Every page
// of every browser test goes through it, so a clean console is part of
// each test's outcome.
func watchConsole(t *testing.T, page playwright.Page) {
	t.Helper()
	w := newConsoleWatch(page)
	t.Cleanup(func() {
		for _, p := range w.problems() {
			t.Errorf("browser %s", p)
		}
	})
}

// consoleWatch collects what a page reported that a clean run must not.
type consoleWatch struct {
	mu   sync.Mutex
	seen []string
}

func newConsoleWatch(page playwright.Page) *consoleWatch {
	w := &consoleWatch{}
	add := func(s string) {
		w.mu.Lock()
		w.seen = append(w.seen, s)
		w.mu.Unlock()
	}
	page.OnConsole(func(m playwright.ConsoleMessage) {
		text := m.Text()
		switch {
		case allowed(page, text):
		case m.Type() == "error":
			add("console error: " + text + " (" + m.Location().URL + ")")
		case cspReport(text):
			add("console " + m.Type() + ": " + text)
		}
	})
	page.OnPageError(func(err error) { add("uncaught exception: " + err.Error()) })
	return w
}

func (w *consoleWatch) problems() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.seen)
}

// expectedConsole holds, per page, console lines a test causes on purpose
// (a request it aborts makes Chromium log "net::ERR_FAILED").
var expectedConsole sync.Map // playwright.Page → []string

// allowConsole lets page log lines containing text without failing the
// test; CSP reports and uncaught exceptions still fail it.
func allowConsole(page playwright.Page, text string) {
	old, _ := expectedConsole.Load(page)
	list, _ := old.([]string)
	expectedConsole.Store(page, append(slices.Clone(list), text))
}

func allowed(page playwright.Page, text string) bool {
	if cspReport(text) {
		return false
	}
	v, _ := expectedConsole.Load(page)
	list, _ := v.([]string)
	for _, s := range list {
		if strings.Contains(text, s) {
			return true
		}
	}
	return false
}

// cspReport reports whether a console line is a Content-Security-Policy
// violation, whatever its level.
func cspReport(text string) bool {
	for _, s := range []string{"Content Security Policy", "Content-Security-Policy", "Refused to", "violates"} {
		if strings.Contains(text, s) {
			return true
		}
	}
	return false
}

func login(t *testing.T, page playwright.Page) {
	t.Helper()
	must(t, gotoPath(page, "/login"))
	must(t, page.GetByLabel("E-mail").Fill(adminEmail))
	must(t, page.GetByLabel("Password").Fill(adminPassword))
	must(t, page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Sign in"}).Click())
	must(t, expect.Locator(page.GetByTestId("signed-in")).ToContainText(adminEmail))
}

func gotoPath(page playwright.Page, path string) error {
	_, err := page.Goto(path)
	return err
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
