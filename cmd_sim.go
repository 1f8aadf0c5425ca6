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
	addr := fs.String("addr", "127.0.0.1:9090", "listen address (port 0 picks a free port; the real address is printed)")
	hook := fs.String("webhook-url", "", "where to POST webhooks, e.g. http://127.0.0.1:8080/webhook")
	secret := fs.String("app-secret", envOr(getenv, "WA_APP_SECRET", "sandbox-app-secret"), "signs X-Hub-Signature-256")
	token := fs.String("token", envOr(getenv, "WA_ACCESS_TOKEN", ""), "bearer token to accept (empty: any)")
	control := fs.String("control-token", getenv("WASIM_CONTROL_TOKEN"), "token required on /_sim/ requests in the X-Sim-Control-Token header (WASIM_CONTROL_TOKEN; empty: open)")
	state := fs.String("state", "", "keep the simulated world in this file across restarts (empty: in memory only)")
	phone := fs.String("phone-number-id", envOr(getenv, "WA_PHONE_NUMBER_ID", "100000000000001"), "business phone number id")
	cfg := wasim.Config{}
	delays := []struct {
		dst  *time.Duration
		name string
		def  time.Duration
		use  string
	}{
		{&cfg.WebhookDelay, "webhook-delay", 300 * time.Millisecond, "delay before asynchronous outcomes (create, delete, settings, removal)"},
		{&cfg.SentDelay, "sent-delay", 100 * time.Millisecond, "delay of the group-level \"sent\" status after a send"},
		{&cfg.DeliverDelay, "deliver-delay", 500 * time.Millisecond, "delay of per-participant \"delivered\" statuses"},
		{&cfg.ReadDelay, "read-delay", 1500 * time.Millisecond, "delay of per-participant \"read\" statuses"},
		{&cfg.RetryBase, "retry-base", 100 * time.Millisecond, "first webhook retry back-off (doubles per attempt)"},
		{&cfg.BatchWindow, "batch-window", 0, "collect changes this long and POST them together (0: one change per POST)"},
		{&cfg.OpsWindow, "ops-window", time.Minute, "window of -ops-per-window"},
		{&cfg.PairInterval, "pair-interval", 6 * time.Second, "one more send to a recipient per interval once -pair-burst is spent"},
		{&cfg.SendLatency, "send-latency", 0, "hold each send's answer this long, like Meta's 200-500 ms (0: answer at once)"},
	}
	for _, d := range delays {
		fs.DurationVar(d.dst, d.name, d.def, d.use)
	}
	fs.IntVar(&cfg.MaxAttempts, "max-attempts", 8, "webhook delivery attempts before a delivery is dropped")
	fs.IntVar(&cfg.GroupCap, "group-cap", 10000, fmt.Sprintf("groups per number before %d", wasim.CodeGroupCreateLimit))
	fs.IntVar(&cfg.OpsPerWindow, "ops-per-window", 0, fmt.Sprintf("group operations per -ops-window before %d (0: unlimited)", wasim.CodeGroupRateLimit))
	fs.IntVar(&cfg.MessagesPerSecond, "messages-per-second", 0, fmt.Sprintf("sends per second before %d (0: unlimited)", wasim.CodeThroughputLimit))
	fs.IntVar(&cfg.PairBurst, "pair-burst", 0, fmt.Sprintf("sends to one recipient before %d (0: unlimited)", wasim.CodePairRateLimit))
	switches := []struct {
		dst  *bool
		name string
		use  string
	}{
		{&cfg.ManualRead, "manual-read", "participants read only when told to (POST /_sim/read)"},
		{&cfg.DuplicateDelivery, "duplicate", "POST every webhook twice"},
		{&cfg.Reorder, "reorder", "shuffle queued webhooks before sending"},
		{&cfg.AggregateStatuses, "aggregate", "aggregate delivered/read statuses into one webhook"},
		{&cfg.ReadSkipsDelivered, "read-skips-delivered", "automatic reads emit only \"read\""},
		{&cfg.ParticipantRecipientID, "participant-recipient-id", "spell the status field participant_recipient_id"},
		{&cfg.ConversationObject, "conversation", "add the <=v23.0 conversation object to priced statuses"},
		{&cfg.DeleteReturnsRequestID, "delete-request-id", "DELETE /{group} also answers a request_id"},
		{&cfg.SyncPhotoErrors, "sync-photo-errors", "group photo aspect/size errors fail the request instead of the webhook"},
		{&cfg.BSUID, "bsuid", "add business-scoped user IDs (user_id) to participants, contacts and statuses"},
		{&cfg.ParentBSUID, "parent-bsuid", "with -bsuid, also parent BSUIDs (parent_user_id, \"CC.ENT.…\")"},
		{&cfg.FailCreates, "fail-creates", "accept creations but report failure in group_create"},
		{&cfg.CreationDisabled, "creation-disabled", fmt.Sprintf("refuse creations with %d", wasim.CodeGroupCreationDisabled)},
		{&cfg.Unsubscribed, "unsubscribed", "the app starts unsubscribed from the WABA: no webhooks until POST subscribed_apps"},
		{&cfg.Ineligible, "ineligible", fmt.Sprintf("refuse every Groups API call with %d", wasim.CodeNumberNotEligible)},
	}
	for _, s := range switches {
		fs.BoolVar(s.dst, s.name, false, s.use)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil // -h printed the flags; that is not a failure
		}
		return err
	}
	if *hook == "" {
		return errors.New("sim: -webhook-url is required")
	}
	// On the command line 0 means "no delay"; in wasim.Config it means
	// "default", and a negative value means none.
	for _, d := range delays {
		if *d.dst <= 0 && d.def > 0 {
			*d.dst = -1
		}
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	cfg.PhoneNumberID, cfg.AccessToken, cfg.AppSecret, cfg.WebhookURL, cfg.Logger = *phone, *token, *secret, *hook, log
	cfg.ControlToken = *control
	sim := wasim.New(cfg)
	if *state != "" {
		if err := sim.Persist(*state, time.Second); err != nil {
			return fmt.Errorf("sim: %w", err)
		}
	}
	sim.Start()
	defer sim.Close()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("sim: listen: %w", err)
	}
	srv := &http.Server{Handler: sim, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(stdout, "simulator listening on http://%s/v26.0 (webhooks to %s; test hooks under /_sim/)\n", ln.Addr(), *hook)
	go func() { <-ctx.Done(); srv.Close() }()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
