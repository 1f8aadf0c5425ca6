package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"groupdeck/wasim"
)

// runSim runs the Cloud API simulator alone, for developing another
// client against it.
func runSim(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("groupdeck sim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:9090", "listen address")
	hook := fs.String("webhook-url", "", "where to POST webhooks, e.g. http://127.0.0.1:8080/webhook")
	secret := fs.String("app-secret", envOr(getenv, "WA_APP_SECRET", "sandbox-app-secret"), "signs X-Hub-Signature-256")
	token := fs.String("token", envOr(getenv, "WA_ACCESS_TOKEN", ""), "bearer token to accept (empty: any)")
	phone := fs.String("phone-number-id", envOr(getenv, "WA_PHONE_NUMBER_ID", "100000000000001"), "business phone number id")
	delay := fs.Duration("webhook-delay", 300*time.Millisecond, "delay before asynchronous outcomes")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *hook == "" {
		return errors.New("sim: -webhook-url is required")
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	sim := wasim.New(wasim.Config{PhoneNumberID: *phone, AccessToken: *token, AppSecret: *secret,
		WebhookURL: *hook, WebhookDelay: *delay, Logger: log})
	sim.Start()
	defer sim.Close()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("sim: listen: %w", err)
	}
	srv := &http.Server{Handler: sim, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(stdout, "simulator listening on http://%s/v23.0 (webhooks to %s; test hooks under /_sim/)\n", ln.Addr(), *hook)
	go func() { <-ctx.Done(); srv.Close() }()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
