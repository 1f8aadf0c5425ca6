package app

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/time/rate"

	"groupdeck/bulkcreate"
	"groupdeck/campaigns"
	"groupdeck/handlers"
	"groupdeck/hooks"
	"groupdeck/ingest"
	"groupdeck/jobs"
	"groupdeck/messaging"
	"groupdeck/metrics"
	"groupdeck/notify"
	"groupdeck/outbox"
	"groupdeck/reconcile"
	"groupdeck/schedule"
	"groupdeck/store"
	"groupdeck/templates"
	"groupdeck/views"
	"groupdeck/wasim"
	"groupdeck/web"
	"groupdeck/whatsapp"
)

// App is a running groupdeck.
type App struct {
	Cfg     *Config
	Log     *slog.Logger
	Store   *store.Store
	Hub     *web.Hub
	Handler *handlers.Handler
	Echo    *echo.Echo
	WA      *whatsapp.Client
	Sim     *wasim.Server // nil unless sandbox mode
	// SimURL is where the sandbox simulator listens, and SimControl the
	// per-process token its /_sim/ control API requires.
	SimURL     string
	SimControl string
	Outbox     *outbox.Worker
	// Templates keeps the cache of the account's message templates.
	Templates *templates.Refresher
	Jobs      *jobs.Manager
	Sync      *reconcile.Syncer
	Pools     *campaigns.Keeper
	// Scheduler sends scheduled messages; Clock is its clock, which only
	// the sandbox's clock control moves ahead.
	Scheduler *schedule.Worker
	Clock     *schedule.Clock
	// Hooks posts outgoing webhooks; Metrics is nil unless
	// GROUPDECK_METRICS_TOKEN is set.
	Hooks   *hooks.Sender
	Metrics *metrics.Metrics
	// URL is where the app listens, e.g. http://127.0.0.1:8080.
	URL string

	ln     net.Listener
	srv    *http.Server
	simSrv *http.Server
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// streamBuffer is how many events an event stream may fall behind before
// the hub drops it (the page reconnects and re-fetches).
const streamBuffer = 64

// sessionKeyLen is the size of the cookie key kept in the database.
const sessionKeyLen = 64

// New opens the store, listens on cfg.Addr, and wires every part. In
// sandbox mode it also starts the simulator on its own loopback port, so
// the client reaches it over real HTTP exactly as it would reach Meta.
func New(ctx context.Context, cfg *Config, log *slog.Logger, stdout io.Writer) (_ *App, err error) {
	a := &App{Cfg: cfg, Log: log, Hub: web.NewHub(streamBuffer)}
	defer func() {
		if err != nil {
			a.Close()
		}
	}()
	if err := checkPrivate(cfg); err != nil {
		return nil, err
	}
	if a.Store, err = store.Open(ctx, cfg.DB); err != nil {
		return nil, err
	}
	if a.ln, err = net.Listen("tcp", cfg.Addr); err != nil {
		return nil, fmt.Errorf("listen on GROUPDECK_ADDR %s: %w", cfg.Addr, err)
	}
	a.URL = "http://" + a.ln.Addr().String()
	if cfg.baseDerived {
		cfg.BaseURL = a.URL
	}
	key, err := a.sessionKey(ctx)
	if err != nil {
		return nil, err
	}
	graphURL, token := cfg.GraphURL, cfg.AccessToken
	var phone handlers.Phone
	if cfg.Sandbox {
		if graphURL, err = a.startSim(); err != nil {
			return nil, err
		}
		token = SandboxToken
		phone = &sandboxPhone{sim: a.Sim}
	}
	subs := &hooks.Subs{}
	if err := subs.Load(ctx, a.Store); err != nil {
		return nil, err
	}
	// The outbox keeps up to outbox.InFlightCap sends under way: keep as
	// many connections to the Cloud API open between them (the default
	// keeps 2, so an HTTP/1.1 endpoint would get a new connection per send).
	waTransport := http.DefaultTransport.(*http.Transport).Clone()
	waTransport.MaxIdleConnsPerHost = outbox.InFlightCap
	var waRT http.RoundTripper = waTransport
	if cfg.MetricsToken != "" {
		a.Metrics = metrics.New()
		waRT = a.Metrics.Transport(waTransport)
	}
	waHTTP := whatsapp.WithHTTPClient(&http.Client{Timeout: waTimeout, Transport: waRT})
	a.WA = whatsapp.New(graphURL, cfg.PhoneNumberID, token, whatsapp.WithLogger(log), waHTTP)
	a.Hooks = a.newHooks(subs, a.Metrics)
	in := &ingest.Ingester{Store: a.Store, PhoneNumberID: cfg.PhoneNumberID, Hooks: subs, Observe: a.observeIngest(subs)}
	// Workers first, each told what to refresh through the one notifier;
	// the handler last, from complete dependencies.
	note := notify.New(a.Hub)
	var sender outbox.Sender = a.WA
	if a.Metrics != nil {
		sender = countingSender{Sender: a.WA, count: a.Metrics.OutboxSend}
		a.Metrics.Watch(metrics.Sources{Store: a.Store, DBPath: cfg.DB, SSEClients: a.Hub.Clients})
	}
	a.Outbox = outbox.New(a.Store, sender, log, note)
	a.Outbox.SetRate(cfg.SendRate)
	a.Jobs = jobs.New(a.Store, log, note)
	a.Sync = reconcile.New(a.Store, a.WA, log, cfg.SyncInterval, note)
	a.Sync.Resume = in
	a.Pools = campaigns.NewKeeper(a.Store, a.WA, in, log, note)
	a.Clock = schedule.NewClock(nil)
	a.Scheduler = schedule.New(a.Store, a.Clock, cfg.ScheduleGrace, log, note, a.Outbox.Wake)
	var sandboxClock handlers.SandboxClock
	if cfg.Sandbox {
		sandboxClock = a.Clock
	}
	invite := whatsapp.Template{Name: cfg.InviteTemplate, Language: cfg.InviteLanguage}
	a.Templates = &templates.Refresher{Store: a.Store, WA: a.WA, WABAID: cfg.WABAID, Log: log, Every: cfg.TemplateRefresh}
	a.Scheduler.Templates = a.Templates // scheduled template sends re-check approval
	a.Jobs.Register(jobs.KindBroadcast, &messaging.Broadcaster{Store: a.Store, WakeOutbox: a.Outbox.Wake, Notify: note})
	a.Jobs.Register(jobs.KindGroupsCreate, &bulkcreate.Creator{Store: a.Store, WA: a.WA, Ingest: in, Notify: note})
	a.Jobs.Register(jobs.KindCampaignInvites, &campaigns.Inviter{Store: a.Store, WA: a.WA, Template: invite,
		Limit: rate.NewLimiter(campaigns.DefaultRate, campaigns.DefaultRate), Notify: note, NoGroup: a.Pools.Wake})
	a.Handler = handlers.New(handlers.Deps{
		Log: log, Store: a.Store, Hub: a.Hub, Notify: note, Sessions: web.NewSessionsMaxAge(key, cfg.SecureCookies(), cfg.SessionLifetime),
		WA: a.WA, Media: a.WA, Ingest: in, AppSecret: cfg.AppSecret, VerifyToken: cfg.VerifyToken, Phone: phone,
		WakeOutbox: a.Outbox.Wake, Jobs: a.Jobs, Sync: a.Sync, Pools: a.Pools, BaseURL: cfg.BaseURL, InviteTemplate: invite,
		DefaultRegion: cfg.DefaultRegion,
		SessionIdle:   cfg.SessionIdle, TrustedProxies: cfg.TrustedProxies,
		Scheduler: a.Scheduler, SandboxClock: sandboxClock,
		Hooks: subs, WakeHooks: a.Hooks.Wake, Metrics: a.metricsHandler(), FragmentRendered: a.fragmentRendered(),
		Rates:   views.Rates{Marketing: cfg.RateMarketing, Utility: cfg.RateUtility, Currency: cfg.RateCurrency},
		Account: a.WA, WABAID: cfg.WABAID,
		Templates: a.Templates, TemplateLib: a.WA,
		Retention:    cfg.Keep.store(),
		APIRateLimit: cfg.APIRateLimit,
	})
	a.Echo = web.NewEcho(log)
	if cfg.SecureCookies() {
		a.Echo.Use(web.HSTS)
	}
	a.Handler.Register(a.Echo)
	a.srv = &http.Server{Handler: a.Echo, ReadHeaderTimeout: readHeaderTimeout, ReadTimeout: readTimeout,
		WriteTimeout: writeTimeout, IdleTimeout: idleTimeout, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	if err := a.bootstrapAdmin(ctx, stdout); err != nil {
		return nil, err
	}
	return a, nil
}

// The simulator's delays with Config.SimFast: short for tests, yet in
// the order the Cloud API keeps (webhook, then delivered, then read).
const (
	fastWebhookDelay = 50 * time.Millisecond
	fastDeliverDelay = 200 * time.Millisecond
	fastReadDelay    = 600 * time.Millisecond
)

// simSaveEvery bounds how often the simulator's state file is rewritten.
const simSaveEvery = time.Second

// SimStatePath is where sandbox mode keeps the simulator's state.
func SimStatePath(db string) string { return db + ".sim.json" }

func (a *App) startSim() (string, error) {
	// The control API drives simulated people; the app calls the
	// simulator in-process, so nobody else needs the token.
	a.SimControl = rand.Text()
	sc := wasim.Config{
		PhoneNumberID: a.Cfg.PhoneNumberID, WABAID: a.Cfg.WABAID, AccessToken: SandboxToken,
		AppSecret: a.Cfg.AppSecret, WebhookURL: a.URL + "/webhook", Logger: a.Log.With("component", "simulator"),
		ControlToken: a.SimControl,
	}
	if a.Cfg.SimFast {
		sc.WebhookDelay, sc.DeliverDelay, sc.ReadDelay = fastWebhookDelay, fastDeliverDelay, fastReadDelay
	}
	a.Sim = wasim.New(sc)
	// The simulated WhatsApp keeps its world next to the database, so a
	// restart does not make every group unknown to it.
	if err := a.Sim.Persist(SimStatePath(a.Cfg.DB), simSaveEvery); err != nil {
		return "", fmt.Errorf("sandbox: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("sandbox: listen: %w", err)
	}
	a.SimURL = "http://" + ln.Addr().String()
	a.simSrv = &http.Server{Handler: a.Sim, ReadHeaderTimeout: readHeaderTimeout}
	go a.simSrv.Serve(ln)
	return a.SimURL + "/" + a.Cfg.GraphVersion, nil
}

// Start serves HTTP and runs the workers in the background.
func (a *App) Start() {
	ctx, cancel := context.WithCancel(context.Background())
	a.cancel = cancel
	if a.Sim != nil {
		a.Sim.Start()
	}
	a.wg.Add(9)
	go func() { defer a.wg.Done(); a.Hooks.Run(ctx) }()
	go func() { defer a.wg.Done(); a.Scheduler.Run(ctx) }()
	go func() { defer a.wg.Done(); a.Outbox.Run(ctx) }()
	go func() { defer a.wg.Done(); a.Templates.Run(ctx) }()
	go func() { defer a.wg.Done(); a.Pools.Run(ctx) }()
	go func() { defer a.wg.Done(); a.Jobs.Run(ctx) }()
	go func() { defer a.wg.Done(); a.Sync.Run(ctx) }()
	go func() {
		defer a.wg.Done()
		pruneActivity(ctx, a.Store, a.Cfg.ActivityRetention, a.Cfg.Keep.Every, a.Log)
	}()
	a.wg.Add(1)
	go func() { defer a.wg.Done(); pruneWebhooks(ctx, a.Store, a.Cfg.Keep.store(), a.Cfg.Keep.Every, a.Log) }()
	go func() {
		defer a.wg.Done()
		if err := a.srv.Serve(a.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			a.Log.Error("server stopped", "err", err)
		}
	}()
	if a.Sim != nil {
		// Like Meta when a callback URL is saved: the simulator verifies
		// the webhook, so the Connection page shows a handshake.
		a.wg.Add(1)
		go func() {
			defer a.wg.Done()
			if err := a.Sim.VerifyWebhook(ctx, a.Cfg.VerifyToken); err != nil && ctx.Err() == nil {
				a.Log.Warn("sandbox webhook handshake failed", "err", err)
			}
		}()
	}
}

// Shutdown stops accepting requests, lets running ones finish, then
// closes everything.
func (a *App) Shutdown(ctx context.Context) error {
	a.Handler.Stop()
	err := a.srv.Shutdown(ctx)
	a.Close()
	return err
}

// Close stops everything at once; it is safe on a partly built App.
func (a *App) Close() {
	if a.srv != nil {
		a.srv.Close()
	} else if a.ln != nil {
		a.ln.Close()
	}
	if a.cancel != nil {
		a.cancel()
	}
	a.wg.Wait()
	if a.Sim != nil {
		a.Sim.Close()
	}
	if a.simSrv != nil {
		a.simSrv.Close()
	}
	if a.Store != nil {
		a.Store.Close()
	}
}

// bootstrapAdmin makes sure someone can sign in: the configured admin,
// or a one-time setup link printed (not logged: it is a secret).
func (a *App) bootstrapAdmin(ctx context.Context, stdout io.Writer) error {
	n, err := a.Store.CountUsers(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		// A setup link left from before a user existed must not work.
		return a.Store.DeleteSetting(ctx, store.SetupTokenKey)
	}
	if a.Cfg.AdminEmail != "" {
		hash, err := handlers.HashPassword(a.Cfg.AdminPassword)
		if err != nil {
			return fmt.Errorf("config: GROUPDECK_ADMIN_PASSWORD: %w", err)
		}
		if err := a.Store.CreateUser(ctx, &store.User{Email: a.Cfg.AdminEmail, PasswordHash: hash, Role: store.RoleAdmin}); err != nil {
			return err
		}
		a.Log.Info("created the first administrator", "email", a.Cfg.AdminEmail)
		return nil
	}
	tok, err := handlers.NewSetupToken(ctx, a.Store)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "No user exists yet. Create the first administrator here (the link works once):\n  %s/setup?token=%s\n", a.Cfg.BaseURL, tok)
	return nil
}
