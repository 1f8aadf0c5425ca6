package wasim

import (
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// The /_sim/ API drives simulated users and switches over HTTP for the
// standalone simulator and browser tests. It is a test hook and must
// never be reachable from the internet; with Config.ControlToken set (the
// app's sandbox always sets one) it also refuses every request that does
// not carry that token, so other local users and web pages cannot drive it.

type simRequest struct {
	WaID      string `json:"wa_id"`
	Name      string `json:"name"`
	UserID    string `json:"user_id"`
	Username  string `json:"username"`
	Hidden    bool   `json:"phone_hidden"`
	Link      string `json:"link"`
	GroupID   string `json:"group_id"`
	Type      string `json:"type"`
	Text      string `json:"text"`
	MessageID string `json:"message_id"`
	Suspended bool   `json:"suspended"`
	Op        string `json:"op"`
	Subject   string `json:"subject"`
}

// ControlTokenHeader carries Config.ControlToken on /_sim/ requests.
const ControlTokenHeader = "X-Sim-Control-Token"

func (s *Server) serveSim(w http.ResponseWriter, r *http.Request, path string) {
	path = strings.Trim(path, "/")
	fail := func(status int, msg string) { writeJSON(w, status, map[string]any{"error": msg}) }
	ok := func(v any) { writeJSON(w, http.StatusOK, v) }
	if want := s.cfg.ControlToken; want != "" &&
		subtle.ConstantTimeCompare([]byte(r.Header.Get(ControlTokenHeader)), []byte(want)) != 1 {
		fail(http.StatusUnauthorized, "the control API needs the "+ControlTokenHeader+" header with this simulator's control token")
		return
	}
	if r.Method == http.MethodGet {
		q := r.URL.Query()
		switch path {
		case "users":
			ok(s.Users())
		case "groups":
			if wa := q.Get("wa_id"); wa != "" {
				ok(s.GroupsOf(wa))
				return
			}
			ok(s.Groups())
		case "inbox":
			ok(s.Inbox(q.Get("wa_id")))
		case "config":
			ok(s.simConfig())
		case "sent":
			ok(s.Sent())
		case "pending":
			ok(map[string]any{"pending": s.Pending()})
		default:
			fail(http.StatusNotFound, "unknown simulator endpoint")
		}
		return
	}
	if r.Method != http.MethodPost {
		fail(http.StatusMethodNotAllowed, "use GET or POST")
		return
	}
	if path == "verify" {
		var v struct {
			VerifyToken string `json:"verify_token"`
		}
		if err := json.NewDecoder(r.Body).Decode(&v); err != nil {
			fail(http.StatusBadRequest, "body must be JSON: "+err.Error())
			return
		}
		if err := s.VerifyWebhook(r.Context(), v.VerifyToken); err != nil {
			fail(http.StatusConflict, err.Error())
			return
		}
		ok(map[string]any{"ok": true})
		return
	}
	if path == "config" {
		var c simConfig
		if err := json.NewDecoder(r.Body).Decode(&c); err != nil {
			fail(http.StatusBadRequest, "body must be JSON: "+err.Error())
			return
		}
		s.Configure(c.apply)
		ok(s.simConfig())
		return
	}
	var req simRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		fail(http.StatusBadRequest, "body must be JSON: "+err.Error())
		return
	}
	var err error
	var out any = map[string]any{"ok": true}
	if req.WaID == "" && req.UserID != "" && path != "users" {
		// Username users have no phone the business sees: drive them by BSUID.
		req.WaID = s.WaIDOf(req.UserID)
	}
	switch path {
	case "users":
		if req.WaID == "" && req.Username == "" {
			fail(http.StatusBadRequest, "wa_id or username is required")
			return
		}
		out = s.AddUser(User{WaID: req.WaID, Name: req.Name, UserID: req.UserID, Username: req.Username, PhoneHidden: req.Hidden})
	case "change_user_id":
		out, err = s.ChangeUserID(req.WaID)
	case "tap":
		var res TapResult
		res, err = s.Tap(req.WaID, req.Link)
		out = map[string]any{"result": res}
	case "cancel":
		err = s.CancelRequest(req.WaID, req.GroupID)
	case "leave":
		err = s.Leave(req.WaID, req.GroupID)
	case "say":
		var id string
		kind := req.Type
		if kind == "" {
			kind = "text"
		}
		id, err = s.Say(req.WaID, req.GroupID, kind, req.Text)
		out = map[string]any{"message_id": id}
	case "read":
		err = s.Read(req.WaID, req.MessageID)
	case "suspend":
		err = s.SetSuspended(req.GroupID, req.Suspended)
	case "force":
		err = s.simForce(req)
	default:
		fail(http.StatusNotFound, "unknown simulator endpoint")
		return
	}
	if err != nil {
		// 409: the request was understood but the simulated world refused it.
		fail(http.StatusConflict, err.Error())
		return
	}
	ok(out)
}

func (s *Server) simForce(req simRequest) error {
	switch req.Op {
	case "remove":
		return s.ForceRemoveParticipant(req.GroupID, req.WaID)
	case "add":
		return s.ForceAddParticipant(req.GroupID, User{WaID: req.WaID, Name: req.Name})
	case "subject":
		return s.ForceSubject(req.GroupID, req.Subject)
	case "delete":
		return s.ForceDelete(req.GroupID)
	}
	return errString("op must be remove, add, subject or delete")
}

type errString string

func (e errString) Error() string { return string(e) }

// simConfig is the JSON form of the runtime switches; durations are in
// milliseconds and absent fields stay unchanged.
type simConfig struct {
	WebhookURL             *string `json:"webhook_url,omitempty"`
	WebhookDelayMS         *int64  `json:"webhook_delay_ms,omitempty"`
	SentDelayMS            *int64  `json:"sent_delay_ms,omitempty"`
	DeliverDelayMS         *int64  `json:"deliver_delay_ms,omitempty"`
	ReadDelayMS            *int64  `json:"read_delay_ms,omitempty"`
	AutoRead               *bool   `json:"auto_read,omitempty"`
	RetryBaseMS            *int64  `json:"retry_base_ms,omitempty"`
	MaxAttempts            *int    `json:"max_attempts,omitempty"`
	GroupCap               *int    `json:"group_cap,omitempty"`
	OpsPerWindow           *int    `json:"ops_per_window,omitempty"`
	OpsWindowMS            *int64  `json:"ops_window_ms,omitempty"`
	DuplicateDelivery      *bool   `json:"duplicate_delivery,omitempty"`
	Reorder                *bool   `json:"reorder,omitempty"`
	BatchWindowMS          *int64  `json:"batch_window_ms,omitempty"`
	AggregateStatuses      *bool   `json:"aggregate_statuses,omitempty"`
	ReadSkipsDelivered     *bool   `json:"read_skips_delivered,omitempty"`
	ParticipantRecipientID *bool   `json:"participant_recipient_id,omitempty"`
	ConversationObject     *bool   `json:"conversation_object,omitempty"`
	DeleteReturnsRequestID *bool   `json:"delete_returns_request_id,omitempty"`
	SyncPhotoErrors        *bool   `json:"sync_photo_errors,omitempty"`
	BSUID                  *bool   `json:"bsuid,omitempty"`
	ParentBSUID            *bool   `json:"parent_bsuid,omitempty"`
	Ineligible             *bool   `json:"ineligible,omitempty"`
	CreationDisabled       *bool   `json:"creation_disabled,omitempty"`
	FailCreates            *bool   `json:"fail_creates,omitempty"`
	MessagesPerSecond      *int    `json:"messages_per_second,omitempty"`
	PairBurst              *int    `json:"pair_burst,omitempty"`
	PairIntervalMS         *int64  `json:"pair_interval_ms,omitempty"`
	Unsubscribed           *bool   `json:"unsubscribed,omitempty"`
}

func (c simConfig) apply(cfg *Config) {
	set := func(dst *bool, v *bool) {
		if v != nil {
			*dst = *v
		}
	}
	ms := func(dst *time.Duration, v *int64) {
		if v != nil {
			*dst = time.Duration(*v) * time.Millisecond
			if *v <= 0 {
				*dst = -1 // explicit 0 ms means "no delay", not "default"
			}
		}
	}
	num := func(dst *int, v *int) {
		if v != nil {
			*dst = *v
		}
	}
	if c.WebhookURL != nil {
		cfg.WebhookURL = *c.WebhookURL
	}
	ms(&cfg.WebhookDelay, c.WebhookDelayMS)
	ms(&cfg.SentDelay, c.SentDelayMS)
	ms(&cfg.DeliverDelay, c.DeliverDelayMS)
	ms(&cfg.ReadDelay, c.ReadDelayMS)
	ms(&cfg.RetryBase, c.RetryBaseMS)
	ms(&cfg.OpsWindow, c.OpsWindowMS)
	if c.BatchWindowMS != nil {
		cfg.BatchWindow = time.Duration(*c.BatchWindowMS) * time.Millisecond
	}
	if c.AutoRead != nil {
		cfg.AutoRead, cfg.ManualRead = *c.AutoRead, !*c.AutoRead
	}
	num(&cfg.MaxAttempts, c.MaxAttempts)
	num(&cfg.GroupCap, c.GroupCap)
	num(&cfg.OpsPerWindow, c.OpsPerWindow)
	num(&cfg.MessagesPerSecond, c.MessagesPerSecond)
	num(&cfg.PairBurst, c.PairBurst)
	ms(&cfg.PairInterval, c.PairIntervalMS)
	set(&cfg.Unsubscribed, c.Unsubscribed)
	set(&cfg.DuplicateDelivery, c.DuplicateDelivery)
	set(&cfg.Reorder, c.Reorder)
	set(&cfg.AggregateStatuses, c.AggregateStatuses)
	set(&cfg.ReadSkipsDelivered, c.ReadSkipsDelivered)
	set(&cfg.ParticipantRecipientID, c.ParticipantRecipientID)
	set(&cfg.ConversationObject, c.ConversationObject)
	set(&cfg.DeleteReturnsRequestID, c.DeleteReturnsRequestID)
	set(&cfg.SyncPhotoErrors, c.SyncPhotoErrors)
	set(&cfg.BSUID, c.BSUID)
	set(&cfg.ParentBSUID, c.ParentBSUID)
	set(&cfg.Ineligible, c.Ineligible)
	set(&cfg.CreationDisabled, c.CreationDisabled)
	set(&cfg.FailCreates, c.FailCreates)
}

func (s *Server) simConfig() simConfig {
	cfg := s.Config()
	msp := func(d time.Duration) *int64 { v := d.Milliseconds(); return &v }
	b := func(v bool) *bool { return &v }
	n := func(v int) *int { return &v }
	return simConfig{
		WebhookURL: &cfg.WebhookURL, WebhookDelayMS: msp(cfg.webhookDelay()), SentDelayMS: msp(cfg.sentDelay()),
		DeliverDelayMS: msp(cfg.deliverDelay()), ReadDelayMS: msp(cfg.readDelay()), AutoRead: b(!cfg.ManualRead),
		RetryBaseMS: msp(cfg.retryBase()), MaxAttempts: n(cfg.MaxAttempts), GroupCap: n(cfg.GroupCap),
		OpsPerWindow: n(cfg.OpsPerWindow), OpsWindowMS: msp(cfg.opsWindow()),
		DuplicateDelivery: b(cfg.DuplicateDelivery), Reorder: b(cfg.Reorder), BatchWindowMS: msp(cfg.BatchWindow),
		AggregateStatuses: b(cfg.AggregateStatuses), ReadSkipsDelivered: b(cfg.ReadSkipsDelivered),
		ParticipantRecipientID: b(cfg.ParticipantRecipientID), ConversationObject: b(cfg.ConversationObject), DeleteReturnsRequestID: b(cfg.DeleteReturnsRequestID),
		SyncPhotoErrors: b(cfg.SyncPhotoErrors), BSUID: b(cfg.BSUID), ParentBSUID: b(cfg.ParentBSUID), Ineligible: b(cfg.Ineligible),
		CreationDisabled: b(cfg.CreationDisabled), FailCreates: b(cfg.FailCreates),
		MessagesPerSecond: n(cfg.MessagesPerSecond), PairBurst: n(cfg.PairBurst),
		PairIntervalMS: msp(effective(cfg.PairInterval, 6*time.Second)), Unsubscribed: b(cfg.Unsubscribed),
	}
}
