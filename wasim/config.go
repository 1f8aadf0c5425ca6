package wasim

import (
	"crypto/rand"
	"encoding/binary"
	"log/slog"
	"net/http"
	"time"
)

// Config configures a Server. Zero durations mean "use the default"; a
// negative duration means "no delay at all", which tests use to stay fast.
type Config struct {
	PhoneNumberID      string // default "100000000000001"
	DisplayPhoneNumber string // default "15550001111"
	WABAID             string // default "200000000000001"
	AccessToken        string // bearer token the API accepts; empty = accept any non-empty token
	AppSecret          string // HMAC key for X-Hub-Signature-256
	WebhookURL         string // where webhooks go; may be set later with SetWebhookURL
	// BaseURL is how the app reaches the simulator, used for media URLs in
	// inbound webhooks; empty = learned from the Host of API requests.
	BaseURL string

	WebhookDelay time.Duration // delay before async outcomes (create, delete, settings, removal); default 300ms
	SentDelay    time.Duration // delay of the group-level "sent" status after a send; default 100ms
	DeliverDelay time.Duration // per-participant "delivered" after a send; default 500ms
	ReadDelay    time.Duration // per-participant "read" after a send; default 1500ms

	// AutoRead is kept for callers that set it explicitly; participants read
	// automatically unless ManualRead is set, because a bool can't tell
	// "unset" from "false" and auto-read is the useful default.
	AutoRead   bool
	ManualRead bool // participants only read when Read is called

	RetryBase   time.Duration // webhook retry backoff base, default 100ms
	MaxAttempts int           // webhook delivery attempts, default 8
	GroupCap    int           // groups per number (131211), default 10000
	// OpsPerWindow limits group operations (131208, HTTP 429); 0 = unlimited.
	OpsPerWindow int
	OpsWindow    time.Duration // default 1 minute when OpsPerWindow > 0
	// Send limits (limits.go); 0 = unlimited.
	MessagesPerSecond int           // sends per second per number before 130429 (Meta: 80 by default)
	PairBurst         int           // sends to one recipient before 131056 (Meta: bursts up to 45)
	PairInterval      time.Duration // one more send per recipient per interval; default 6s
	// SendLatency holds each send's answer this long (Meta: about
	// 200–500 ms); 0 answers at once.
	SendLatency time.Duration

	// Account (account.go): the app the token belongs to, and whether it
	// is subscribed to the WABA. While Unsubscribed no webhooks are sent.
	AppID        string // default "300000000000001"
	AppName      string // default "groupdeck sandbox"
	VerifiedName string // the number's display name, default "groupdeck Sandbox"
	Unsubscribed bool

	// Delivery switches (docs/cloud-api.md#delivery-and-verification):
	// duplicates and reordering happen on the real platform, so receivers
	// must de-duplicate and not rely on order.
	DuplicateDelivery bool          // POST every delivery twice
	Reorder           bool          // shuffle the queued deliveries before sending
	BatchWindow       time.Duration // wait this long and batch queued changes (≤1000) into one POST; 0 = one change per POST

	// Status switches (docs/cloud-api.md#message-statuses).
	AggregateStatuses      bool // one webhook per message×participants (or messages×one participant)
	ReadSkipsDelivered     bool // auto-read emits only "read", as when delivery and read coincide
	ParticipantRecipientID bool // spell the field "participant_recipient_id" like two Meta samples
	ConversationObject     bool // add the ≤v23.0 "conversation" object beside pricing (omitted on v24.0+)

	// Response-shape switches for docs/cloud-api.md#where-metas-pages-disagree.
	DeleteReturnsRequestID bool // DELETE /{group} also returns request_id
	SyncPhotoErrors        bool // photo aspect/size errors fail the request (400) instead of the webhook
	BSUID                  bool // add user_id to participants, contacts and participant events
	ParentBSUID            bool // with BSUID, also parent_user_id ("CC.ENT.…"), as for managed businesses
	Ineligible             bool // every Groups API call fails with 131215
	CreationDisabled       bool // group creation fails with 131214 (too many marketing messages in windows)
	// Templates (docs/cloud-api.md#templates): NoInviteTemplate starts the
	// account without an approved group_invite_link template;
	// TemplateReview is how long a created template stays PENDING
	// (default 30s; negative: approved at once).
	NoInviteTemplate bool
	TemplateReview   time.Duration
	FailCreates      bool // creations are accepted but their group_create webhook reports failure

	// ControlToken, when set, is required on every /_sim/ request in the
	// X-Sim-Control-Token header: the control API drives simulated people
	// and switches, so only its owner may call it. Empty leaves it open
	// (a simulator run alone, for tests on this machine).
	ControlToken string

	Logger     *slog.Logger
	HTTPClient *http.Client
	Now        func() time.Time
	Seed       uint64 // id/shuffle randomness; 0 = random
}

func (c *Config) withDefaults() {
	def := func(p *string, v string) {
		if *p == "" {
			*p = v
		}
	}
	def(&c.PhoneNumberID, "100000000000001")
	def(&c.DisplayPhoneNumber, "15550001111")
	def(&c.WABAID, "200000000000001")
	switch {
	case c.TemplateReview == 0:
		c.TemplateReview = 30 * time.Second
	case c.TemplateReview < 0:
		c.TemplateReview = 0
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = 8
	}
	if c.GroupCap <= 0 {
		c.GroupCap = 10000
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Seed == 0 {
		var b [8]byte
		_, _ = rand.Read(b[:])
		c.Seed = binary.LittleEndian.Uint64(b[:]) | 1
	}
}

// Configure changes configuration at runtime (switches, delays, limits).
// Identity fields (phone number, WABA) should not be changed once in use.
func (s *Server) Configure(f func(*Config)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(&s.cfg)
	s.cfg.withDefaults()
}

// Config returns a copy of the current configuration.
func (s *Server) Config() Config {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cfg
}

func (s *Server) now() time.Time { return s.cfg.Now() }

// effective resolves a configured duration: 0 means the default, negative
// means none. Resolving at use keeps Configure from re-defaulting a zero.
func effective(d, def time.Duration) time.Duration {
	switch {
	case d == 0:
		return def
	case d < 0:
		return 0
	}
	return d
}

func (c *Config) webhookDelay() time.Duration { return effective(c.WebhookDelay, 300*time.Millisecond) }
func (c *Config) sentDelay() time.Duration    { return effective(c.SentDelay, 100*time.Millisecond) }
func (c *Config) deliverDelay() time.Duration { return effective(c.DeliverDelay, 500*time.Millisecond) }
func (c *Config) readDelay() time.Duration    { return effective(c.ReadDelay, 1500*time.Millisecond) }
func (c *Config) retryBase() time.Duration    { return effective(c.RetryBase, 100*time.Millisecond) }
func (c *Config) opsWindow() time.Duration    { return effective(c.OpsWindow, time.Minute) }
