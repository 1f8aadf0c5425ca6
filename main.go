// Command groupdeck is a dashboard for WhatsApp Cloud API groups.
package main

//go:generate go tool templ generate

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"groupdeck/app"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "groupdeck:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, args, getenv, stdout, stderr)
	case "sim":
		return runSim(ctx, args, getenv, stdout, stderr)
	case "user":
		return runUser(ctx, args, getenv, stdout, stderr)
	case "backup":
		return runBackup(ctx, args, getenv, stdout, stderr)
	case "restore":
		return runRestore(ctx, args, getenv, stdout, stderr)
	case "help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return fmt.Errorf("unknown command %q\n%s", cmd, usage)
}

const usage = `usage:
  groupdeck [serve] [-addr host:port] [-db file] [-base-url url] [-graph-url url]
  groupdeck sim -addr host:port -webhook-url url -app-secret secret [-token t] [switches: groupdeck sim -h]
  groupdeck user add -email e -role admin|manager|viewer   (password from GROUPDECK_PASSWORD or stdin)
  groupdeck user passwd -email e                          (password from GROUPDECK_PASSWORD or stdin)
  groupdeck backup -to FILE [-db file]                    (consistent copy while the server runs)
  groupdeck restore -from FILE [-db file]                 (server stopped; checks the copy first)
`

func newLogger(cfg *app.Config, w io.Writer) *slog.Logger {
	var lvl slog.Level
	_ = lvl.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: lvl}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := app.ParseConfig(args, getenv, stderr)
	if err != nil {
		return err
	}
	log := newLogger(cfg, stderr)
	a, err := app.New(ctx, cfg, log, stdout)
	if err != nil {
		return err
	}
	a.Start()
	mode := "live: talking to " + cfg.GraphURL
	if cfg.Sandbox {
		mode = "sandbox: WhatsApp is simulated on this machine (set WA_ACCESS_TOKEN for a real number)"
	}
	fmt.Fprintf(stdout, "groupdeck is ready at %s (%s)\n", cfg.BaseURL, mode)
	if cfg.AdminEmail != "" {
		fmt.Fprintf(stdout, "Sign in as %s with the password from GROUPDECK_ADMIN_PASSWORD.\n", cfg.AdminEmail)
	}
	<-ctx.Done()
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return a.Shutdown(sctx)
}
