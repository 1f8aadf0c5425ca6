// Package app assembles groupdeck from its parts: configuration, store,
// Cloud API client (or the in-process simulator), handlers and workers.
// main and the end-to-end tests both start it through here.
package app

import (
	"crypto/sha512"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"time"

	"groupdeck/phone"
)

// Config is groupdeck's configuration. Names follow the configuration
// contract in the README: flags fall back to environment variables, and
// secrets come only from the environment.
type Config struct {
	Addr     string
	DB       string
	BaseURL  string
	GraphURL string
	// GraphVersion is the Graph API version in GraphURL's default and in
	// the sandbox; an explicit GraphURL carries its own.
	GraphVersion string

	AdminEmail    string
	AdminPassword string
	SessionKey    []byte // 64 bytes derived from GROUPDECK_SESSION_KEY; nil = kept in the database
	// AllowSharedDB lets groupdeck start on a database file that other
	// users may read (GROUPDECK_ALLOW_SHARED_DB=1); by default it refuses.
	AllowSharedDB bool

	AccessToken   string
	PhoneNumberID string
	WABAID        string
	AppSecret     string
	VerifyToken   string

	LogFormat string
	LogLevel  string

	// SessionIdle ends a session unused for this long; SessionLifetime
	// ends any session this old (the cookie's lifetime too).
	SessionIdle     time.Duration
	SessionLifetime time.Duration
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the client; empty: the connecting address is the client.
	TrustedProxies []netip.Prefix

	// SyncInterval is how often reconciliation runs; 0 disables it.
	SyncInterval time.Duration
	// TemplateRefresh is how often the account's templates are re-listed.
	TemplateRefresh time.Duration
	// ActivityRetention is how long activity feed lines are kept; 0 keeps
	// them forever.
	ActivityRetention time.Duration
	// Keep is the retention of webhook bookkeeping (config_retention.go).
	Keep Retention
	// InviteTemplate and InviteLanguage name the approved group-invite-link
	// template that campaign invite sends use.
	InviteTemplate string
	InviteLanguage string
	// DefaultRegion is the country (two letters, e.g. US, PT, FR) whose
	// rules read phone numbers typed without a country code.
	DefaultRegion string
	// ScheduleGrace is how late a scheduled send may still go out after
	// the app was down when it was due; older ones are marked missed.
	ScheduleGrace time.Duration
	// Template rates per delivered participant, for the estimates shown
	// before a send to many groups (docs/pricing.md).
	RateMarketing float64
	RateUtility   float64
	RateCurrency  string
	// APIRateLimit is how many requests one API token may make a minute.
	APIRateLimit int
	// SendRate is the business number's messaging throughput, in
	// messages per second: the outbox never sends faster.
	SendRate int

	// MetricsToken turns /metrics on: scrapers send it as a bearer
	// token. Empty (the default) serves no metrics.
	MetricsToken string

	// Sandbox is true when no access token is set: the simulator runs
	// in-process and the client talks to it.
	Sandbox bool
	// SimFast shortens the simulator's delays (tests).
	SimFast bool

	baseDerived bool // BaseURL came from Addr, so follows the real port
}

// A business number's messaging throughput (docs/cloud-api.md#rate-limits-and-throughput):
// 80 messages/s by default, raised to 1,000/s by Meta's upgrade.
const (
	DefaultSendRate = 80
	MaxSendRate     = 1000
)

// Sandbox defaults, used when the WA_* variables are not set.
const (
	SandboxPhoneNumberID = "100000000000001"
	SandboxWABAID        = "200000000000001"
	SandboxAppSecret     = "sandbox-app-secret"
	SandboxVerifyToken   = "sandbox-verify-token"
	SandboxToken         = "sandbox-access-token"
	// DefaultGraphVersion is the Graph API version groupdeck speaks
	// unless told otherwise: v26.0 is current (July 2026), v23.0 works
	// until 8 October 2027 (docs/cloud-api.md#versions).
	DefaultGraphVersion = "v26.0"
	// GraphHost is the real Graph API, without a version.
	GraphHost = "https://graph.facebook.com"
	// DefaultGraphURL is the real Graph API with the default version.
	DefaultGraphURL = GraphHost + "/" + DefaultGraphVersion
)

var graphVersion = regexp.MustCompile(`^v[0-9]{1,3}\.[0-9]{1,2}$`)

// ParseConfig reads flags (args) with environment fallbacks (getenv).
// Invalid values produce one clear error naming the setting.
func ParseConfig(args []string, getenv func(string) string, stderr io.Writer) (*Config, error) {
	env := func(k, def string) string {
		if v := getenv(k); v != "" {
			return v
		}
		return def
	}
	c := &Config{}
	fs := flag.NewFlagSet("groupdeck serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.Addr, "addr", env("GROUPDECK_ADDR", "127.0.0.1:8080"), "listen address (GROUPDECK_ADDR)")
	fs.StringVar(&c.DB, "db", env("GROUPDECK_DB", "groupdeck.db"), "SQLite file (GROUPDECK_DB)")
	fs.StringVar(&c.BaseURL, "base-url", env("GROUPDECK_BASE_URL", ""), "public URL (GROUPDECK_BASE_URL); default from -addr")
	fs.StringVar(&c.GraphURL, "graph-url", env("WA_GRAPH_URL", ""), "Graph API base URL with version (WA_GRAPH_URL)")
	fs.StringVar(&c.GraphVersion, "graph-version", env("WA_GRAPH_VERSION", DefaultGraphVersion), "Graph API version such as v26.0 (WA_GRAPH_VERSION)")
	fs.StringVar(&c.LogFormat, "log-format", env("GROUPDECK_LOG_FORMAT", "text"), "log format: text or json")
	fs.StringVar(&c.LogLevel, "log-level", env("GROUPDECK_LOG_LEVEL", "info"), "log level: debug, info, warn or error")
	syncEnv := env("GROUPDECK_SYNC_INTERVAL", "15m")
	defSync, perr := time.ParseDuration(syncEnv)
	if perr != nil || defSync < 0 {
		return nil, fmt.Errorf("config: GROUPDECK_SYNC_INTERVAL %q must be a duration such as 15m, or 0 to disable", syncEnv)
	}
	fs.DurationVar(&c.SyncInterval, "sync-interval", defSync, "how often to reconcile with the Cloud API; 0 disables (GROUPDECK_SYNC_INTERVAL)")
	tplEnv := env("GROUPDECK_TEMPLATE_REFRESH", "15m")
	defTpl, perr := time.ParseDuration(tplEnv)
	if perr != nil || defTpl <= 0 {
		return nil, fmt.Errorf("config: GROUPDECK_TEMPLATE_REFRESH %q must be a positive duration such as 15m", tplEnv)
	}
	fs.DurationVar(&c.TemplateRefresh, "template-refresh", defTpl, "how often to re-list the account's message templates (GROUPDECK_TEMPLATE_REFRESH)")
	retEnv := env("GROUPDECK_ACTIVITY_RETENTION", "90d")
	if c.ActivityRetention, perr = parseRetention(retEnv); perr != nil {
		return nil, fmt.Errorf("config: GROUPDECK_ACTIVITY_RETENTION %q must be a number of days such as 90d, a duration such as 720h, or 0 to keep forever", retEnv)
	}
	fs.Func("activity-retention", "how long to keep the activity feed, e.g. 90d or 720h; 0 keeps it forever (GROUPDECK_ACTIVITY_RETENTION, default 90d)",
		func(v string) (err error) {
			c.ActivityRetention, err = parseRetention(v)
			return err
		})
	if err := retentionFlags(fs, env, &c.Keep); err != nil {
		return nil, err
	}
	if err := c.sessionFlags(fs, env); err != nil {
		return nil, err
	}
	fs.StringVar(&c.InviteTemplate, "invite-template", env("GROUPDECK_INVITE_TEMPLATE", "group_invite_link"), "name of the approved group-invite-link template (GROUPDECK_INVITE_TEMPLATE)")
	fs.StringVar(&c.DefaultRegion, "default-region", env("GROUPDECK_DEFAULT_REGION", phone.DefaultRegion), "country whose rules read phone numbers typed without a country code, e.g. US, PT, FR (GROUPDECK_DEFAULT_REGION)")
	fs.StringVar(&c.InviteLanguage, "invite-language", env("GROUPDECK_INVITE_LANGUAGE", "en_US"), "language code of that template (GROUPDECK_INVITE_LANGUAGE)")
	graceEnv := env("GROUPDECK_SCHEDULE_GRACE", "1h")
	defGrace, perr := time.ParseDuration(graceEnv)
	if perr != nil {
		return nil, fmt.Errorf("config: GROUPDECK_SCHEDULE_GRACE %q must be a duration such as 1h or 30m", graceEnv)
	}
	fs.DurationVar(&c.ScheduleGrace, "schedule-grace", defGrace, "how late a scheduled send may go out after downtime (GROUPDECK_SCHEDULE_GRACE)")
	apiEnv := env("GROUPDECK_API_RATE_LIMIT", "300")
	defAPI, perr := strconv.Atoi(apiEnv)
	if perr != nil || defAPI < 1 {
		return nil, fmt.Errorf("config: GROUPDECK_API_RATE_LIMIT %q must be a number of requests per minute such as 300", apiEnv)
	}
	fs.IntVar(&c.APIRateLimit, "api-rate-limit", defAPI, "requests per minute one API token may make (GROUPDECK_API_RATE_LIMIT)")
	sendEnv := env("GROUPDECK_SEND_RATE", strconv.Itoa(DefaultSendRate))
	defSend, perr := strconv.Atoi(sendEnv)
	if perr != nil {
		return nil, fmt.Errorf("config: GROUPDECK_SEND_RATE %q must be a whole number of messages per second from %d to %d, such as %d", sendEnv, 1, MaxSendRate, DefaultSendRate)
	}
	fs.IntVar(&c.SendRate, "send-rate", defSend, "messages per second the outbox may send: the number's throughput (GROUPDECK_SEND_RATE)")
	fs.Float64Var(&c.RateMarketing, "rate-marketing", 0, "marketing template price per delivered participant (GROUPDECK_RATE_MARKETING, default 0.0250)")
	fs.Float64Var(&c.RateUtility, "rate-utility", 0, "utility template price per delivered participant (GROUPDECK_RATE_UTILITY, default 0.0040)")
	fs.StringVar(&c.RateCurrency, "rate-currency", env("GROUPDECK_RATE_CURRENCY", "USD"), "currency of those rates (GROUPDECK_RATE_CURRENCY)")
	for _, r := range []struct {
		key string
		def float64
		to  *float64
	}{{"GROUPDECK_RATE_MARKETING", 0.025, &c.RateMarketing}, {"GROUPDECK_RATE_UTILITY", 0.004, &c.RateUtility}} {
		*r.to = r.def
		if v := getenv(r.key); v != "" {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || f < 0 {
				return nil, fmt.Errorf("config: %s %q must be a price such as 0.025 (in GROUPDECK_RATE_CURRENCY)", r.key, v)
			}
			*r.to = f
		}
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("config: unexpected argument %q", fs.Arg(0))
	}
	switch v := getenv("GROUPDECK_ALLOW_SHARED_DB"); v {
	case "", "0", "false":
	case "1", "true":
		c.AllowSharedDB = true
	default:
		return nil, fmt.Errorf("config: GROUPDECK_ALLOW_SHARED_DB %q must be 1 or 0", v)
	}
	c.AdminEmail = getenv("GROUPDECK_ADMIN_EMAIL")
	c.AdminPassword = getenv("GROUPDECK_ADMIN_PASSWORD")
	c.AccessToken = getenv("WA_ACCESS_TOKEN")
	c.Sandbox = c.AccessToken == ""
	c.PhoneNumberID = env("WA_PHONE_NUMBER_ID", SandboxPhoneNumberID)
	c.WABAID = env("WA_WABA_ID", SandboxWABAID)
	c.AppSecret = env("WA_APP_SECRET", SandboxAppSecret)
	c.VerifyToken = env("WA_VERIFY_TOKEN", SandboxVerifyToken)
	c.MetricsToken = getenv("GROUPDECK_METRICS_TOKEN")
	if c.MetricsToken != "" && len(c.MetricsToken) < 16 {
		return nil, errors.New("config: GROUPDECK_METRICS_TOKEN must have at least 16 characters")
	}
	if k := getenv("GROUPDECK_SESSION_KEY"); k != "" {
		if len(k) < 32 {
			return nil, errors.New("config: GROUPDECK_SESSION_KEY must have at least 32 characters")
		}
		sum := sha512.Sum512([]byte(k))
		c.SessionKey = sum[:]
	}
	return c, c.validate()
}

func (c *Config) validate() error {
	host, port, err := net.SplitHostPort(c.Addr)
	if err != nil || port == "" {
		return fmt.Errorf("config: GROUPDECK_ADDR (-addr) %q must be host:port, e.g. 127.0.0.1:8080", c.Addr)
	}
	if c.DB == "" {
		return errors.New("config: GROUPDECK_DB (-db) must name a file")
	}
	if c.BaseURL == "" {
		if host == "" || host == "0.0.0.0" || host == "::" {
			host = "127.0.0.1"
		}
		c.BaseURL = "http://" + net.JoinHostPort(host, port)
		c.baseDerived = true
	}
	if err := checkURL(c.BaseURL); err != nil {
		return fmt.Errorf("config: GROUPDECK_BASE_URL (-base-url) %q %s", c.BaseURL, err)
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if !graphVersion.MatchString(c.GraphVersion) {
		return fmt.Errorf("config: WA_GRAPH_VERSION (-graph-version) %q must look like v26.0", c.GraphVersion)
	}
	if c.GraphURL != "" {
		if err := checkURL(c.GraphURL); err != nil {
			return fmt.Errorf("config: WA_GRAPH_URL (-graph-url) %q %s", c.GraphURL, err)
		}
	} else if !c.Sandbox {
		c.GraphURL = GraphHost + "/" + c.GraphVersion
	}
	if (c.AdminEmail == "") != (c.AdminPassword == "") {
		return errors.New("config: set both GROUPDECK_ADMIN_EMAIL and GROUPDECK_ADMIN_PASSWORD, or neither")
	}
	if c.AdminEmail != "" && !strings.Contains(c.AdminEmail, "@") {
		return fmt.Errorf("config: GROUPDECK_ADMIN_EMAIL %q is not an e-mail address", c.AdminEmail)
	}
	if c.AdminPassword != "" && len(c.AdminPassword) < 10 {
		return errors.New("config: GROUPDECK_ADMIN_PASSWORD must have at least 10 characters")
	}
	if !c.Sandbox && c.AppSecret == SandboxAppSecret {
		return errors.New("config: WA_APP_SECRET must be set when WA_ACCESS_TOKEN is (webhooks could not be verified)")
	}
	if c.TemplateRefresh <= 0 {
		return errors.New("config: GROUPDECK_TEMPLATE_REFRESH (-template-refresh) must be positive")
	}
	if c.SessionIdle <= 0 || c.SessionLifetime <= 0 || c.SessionIdle > c.SessionLifetime {
		return errors.New("config: GROUPDECK_SESSION_IDLE must be positive and no longer than GROUPDECK_SESSION_LIFETIME")
	}
	if !c.Sandbox && c.VerifyToken == SandboxVerifyToken {
		// The sandbox value is printed in this README: anyone could
		// point a Meta app's webhook subscription at this server.
		return errors.New("config: WA_VERIFY_TOKEN must be set to a secret of your own when WA_ACCESS_TOKEN is (the default is public)")
	}
	if c.ScheduleGrace < time.Minute {
		return fmt.Errorf("config: GROUPDECK_SCHEDULE_GRACE %s must be at least 1m", c.ScheduleGrace)
	}
	if c.SyncInterval < 0 {
		return errors.New("config: GROUPDECK_SYNC_INTERVAL (-sync-interval) must not be negative")
	}
	if c.SendRate < 1 || c.SendRate > MaxSendRate {
		return fmt.Errorf("config: GROUPDECK_SEND_RATE (-send-rate) %d must be from 1 to %d messages per second (Meta: %d by default, up to %d after an upgrade)",
			c.SendRate, MaxSendRate, DefaultSendRate, MaxSendRate)
	}
	if c.APIRateLimit < 1 {
		return errors.New("config: GROUPDECK_API_RATE_LIMIT (-api-rate-limit) must be at least 1 request per minute")
	}
	if c.ActivityRetention < 0 || (c.ActivityRetention > 0 && c.ActivityRetention < 24*time.Hour) {
		// Under a day would also empty the home page's "joins today".
		return errors.New("config: GROUPDECK_ACTIVITY_RETENTION (-activity-retention) must be at least 1d, or 0 to keep the activity feed forever")
	}
	if !phone.ValidRegion(c.DefaultRegion) {
		return fmt.Errorf("config: GROUPDECK_DEFAULT_REGION (-default-region) %q must be a two-letter country code such as US, PT or FR", c.DefaultRegion)
	}
	c.DefaultRegion = strings.ToUpper(c.DefaultRegion)
	if err := c.Keep.validate(); err != nil {
		return err
	}
	if strings.TrimSpace(c.InviteTemplate) == "" {
		return errors.New("config: GROUPDECK_INVITE_TEMPLATE (-invite-template) must name a template")
	}
	if strings.TrimSpace(c.InviteLanguage) == "" {
		return errors.New("config: GROUPDECK_INVITE_LANGUAGE (-invite-language) must be a language code such as en_US")
	}
	if c.RateMarketing < 0 || c.RateUtility < 0 {
		return errors.New("config: GROUPDECK_RATE_MARKETING and GROUPDECK_RATE_UTILITY must not be negative")
	}
	if strings.TrimSpace(c.RateCurrency) == "" {
		return errors.New("config: GROUPDECK_RATE_CURRENCY (-rate-currency) must name a currency such as USD")
	}
	switch c.LogFormat {
	case "text", "json":
	default:
		return fmt.Errorf("config: GROUPDECK_LOG_FORMAT (-log-format) %q must be text or json", c.LogFormat)
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("config: GROUPDECK_LOG_LEVEL (-log-level) %q must be debug, info, warn or error", c.LogLevel)
	}
	return nil
}

// SecureCookies reports whether cookies must be marked Secure.
func (c *Config) SecureCookies() bool { return strings.HasPrefix(c.BaseURL, "https://") }

// Timeouts for the HTTP server.
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = 60 * time.Second // event streams clear their own deadline
	idleTimeout       = 120 * time.Second
)
