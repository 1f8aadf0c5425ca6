package contract

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"groupdeck/wasim"
	"groupdeck/whatsapp"
)

const (
	token   = "contract-token"
	secret  = "contract-secret"
	phoneID = "100000000000042"
	wabaID  = "200000000000042"
)

// env is one simulator, one signed-webhook receiver and one client wired
// together over loopback HTTP.
type env struct {
	t    *testing.T
	sim  *wasim.Server
	api  *httptest.Server
	hook *receiver
	c    *whatsapp.Client
}

// newEnv starts a simulator with every delay off, so async outcomes follow
// at once and settle() is all a test needs to wait for them.
func newEnv(t *testing.T, mods ...func(*wasim.Config)) *env {
	t.Helper()
	rc := &receiver{t: t}
	hook := httptest.NewServer(rc)
	t.Cleanup(hook.Close)
	cfg := wasim.Config{
		PhoneNumberID: phoneID, WABAID: wabaID, AccessToken: token, AppSecret: secret,
		WebhookURL:   hook.URL + "/webhook",
		WebhookDelay: -1, SentDelay: -1, DeliverDelay: -1, ReadDelay: -1,
		RetryBase: time.Millisecond, Seed: 42,
	}
	for _, m := range mods {
		m(&cfg)
	}
	sim := wasim.New(cfg)
	api := httptest.NewServer(sim)
	sim.Start()
	// Close the simulator before the receiver so no delivery hits a closed port.
	t.Cleanup(sim.Close)
	t.Cleanup(api.Close)
	e := &env{t: t, sim: sim, api: api, hook: rc}
	e.c = e.client(token, whatsapp.WithRetry(1, 0))
	return e
}

func (e *env) client(tok string, opts ...whatsapp.Option) *whatsapp.Client {
	return whatsapp.New(e.api.URL+"/v23.0", phoneID, tok, opts...)
}

// settle waits until the simulator has delivered every webhook it owes,
// including outcomes still waiting for their (zero) delay.
func (e *env) settle() {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := e.sim.WaitIdle(ctx); err != nil {
		e.t.Fatalf("simulator never went idle: %v (pending %d)", err, e.sim.Pending())
	}
}

func ctx() context.Context { return context.Background() }

// receiver plays the app's webhook endpoint: it checks the signature on the
// raw body with the client's VerifySignature, parses with ParseWebhook and
// keeps every payload.
type receiver struct {
	t        *testing.T
	mu       sync.Mutex
	payloads []*whatsapp.Payload
	bodies   [][]byte
	posts    int
	failNext int // answer 500 to this many deliveries first
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.posts++
	if rc.failNext > 0 {
		rc.failNext--
		http.Error(w, "try again", http.StatusInternalServerError)
		return
	}
	if err := whatsapp.VerifySignature(secret, body, r.Header.Get(whatsapp.SignatureHeader)); err != nil {
		rc.t.Errorf("webhook signature: %v", err)
		http.Error(w, "bad signature", http.StatusForbidden)
		return
	}
	p, err := whatsapp.ParseWebhook(body)
	if err != nil {
		rc.t.Errorf("ParseWebhook: %v\n%s", err, body)
		http.Error(w, "bad payload", http.StatusBadRequest)
		return
	}
	if p.Object != whatsapp.ObjectWABA || len(p.Entry) == 0 {
		rc.t.Errorf("payload object %q with %d entries", p.Object, len(p.Entry))
	}
	for _, en := range p.Entry {
		if en.ID != wabaID {
			rc.t.Errorf("entry id %q, want the WABA %q", en.ID, wabaID)
		}
		for _, ch := range en.Changes {
			if ch.Value.MessagingProduct != "whatsapp" || ch.Value.Metadata.PhoneNumberID != phoneID || ch.Value.Metadata.DisplayPhoneNumber == "" {
				rc.t.Errorf("change %s: product %q metadata %+v", ch.Field, ch.Value.MessagingProduct, ch.Value.Metadata)
			}
		}
	}
	rc.payloads = append(rc.payloads, p)
	rc.bodies = append(rc.bodies, body)
}

func (rc *receiver) changes() []whatsapp.Change {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var out []whatsapp.Change
	for _, p := range rc.payloads {
		for _, en := range p.Entry {
			out = append(out, en.Changes...)
		}
	}
	return out
}

// groupEvents returns the group events of type typ, in delivery order,
// checking each arrived under the subscription field Meta uses for it.
func (e *env) groupEvents(typ string) []whatsapp.GroupEvent {
	e.t.Helper()
	field := map[string]string{
		whatsapp.EventGroupCreate: whatsapp.FieldLifecycle, whatsapp.EventGroupDelete: whatsapp.FieldLifecycle,
		whatsapp.EventParticipantsAdd: whatsapp.FieldParticipants, whatsapp.EventParticipantsRemove: whatsapp.FieldParticipants,
		whatsapp.EventJoinRequestCreated: whatsapp.FieldParticipants, whatsapp.EventJoinRequestRevoked: whatsapp.FieldParticipants,
		whatsapp.EventSettingsUpdate: whatsapp.FieldSettings,
		whatsapp.EventSuspend:        whatsapp.FieldStatus, whatsapp.EventSuspendCleared: whatsapp.FieldStatus,
	}
	var out []whatsapp.GroupEvent
	for _, ch := range e.hook.changes() {
		for _, g := range ch.Value.Groups {
			if g.Type != typ {
				continue
			}
			if ch.Field != field[typ] {
				e.t.Errorf("%s arrived under field %q, want %q", typ, ch.Field, field[typ])
			}
			if g.Timestamp.Time().IsZero() {
				e.t.Errorf("%s without timestamp", typ)
			}
			out = append(out, g)
		}
	}
	return out
}

// oneEvent returns the only event of type typ for which match holds.
func (e *env) oneEvent(typ string, match func(whatsapp.GroupEvent) bool) whatsapp.GroupEvent {
	e.t.Helper()
	var hits []whatsapp.GroupEvent
	for _, g := range e.groupEvents(typ) {
		if match == nil || match(g) {
			hits = append(hits, g)
		}
	}
	if len(hits) != 1 {
		e.t.Fatalf("want exactly one matching %s webhook, got %d: %+v", typ, len(hits), hits)
	}
	return hits[0]
}

func byRequest(id string) func(whatsapp.GroupEvent) bool {
	return func(g whatsapp.GroupEvent) bool { return g.RequestID == id }
}

func byGroup(id string) func(whatsapp.GroupEvent) bool {
	return func(g whatsapp.GroupEvent) bool { return g.GroupID == id }
}

// statuses returns the status objects about message id (all when id is "").
func (e *env) statuses(id string) []whatsapp.Status {
	var out []whatsapp.Status
	for _, ch := range e.hook.changes() {
		for _, s := range ch.Value.Statuses {
			if id == "" || s.ID == id {
				if ch.Field != whatsapp.FieldMessages {
					e.t.Errorf("status under field %q", ch.Field)
				}
				out = append(out, s)
			}
		}
	}
	return out
}

// inbound is one participant message with the contact block it came with.
type inbound struct {
	Contacts []whatsapp.Contact
	Msg      whatsapp.Message
}

func (e *env) inbound(id string) inbound {
	e.t.Helper()
	for _, ch := range e.hook.changes() {
		for _, m := range ch.Value.Messages {
			if m.ID == id {
				return inbound{Contacts: ch.Value.Contacts, Msg: m}
			}
		}
	}
	e.t.Fatalf("no inbound message %s received", id)
	return inbound{}
}

// createGroup creates a group through the client and returns the ID and
// invite link the group_create webhook announced.
func (e *env) createGroup(subject, mode string) (id, link string) {
	e.t.Helper()
	reqID, err := e.c.CreateGroup(ctx(), whatsapp.CreateGroupRequest{Subject: subject, JoinApprovalMode: mode})
	if err != nil {
		e.t.Fatalf("CreateGroup: %v", err)
	}
	if reqID == "" {
		e.t.Fatal("CreateGroup returned no request_id")
	}
	e.settle()
	ev := e.oneEvent(whatsapp.EventGroupCreate, byRequest(reqID))
	if ev.GroupID == "" || !strings.HasPrefix(ev.InviteLink, "https://chat.whatsapp.com/") {
		e.t.Fatalf("group_create webhook without group or link: %+v", ev)
	}
	return ev.GroupID, ev.InviteLink
}

// join registers the users and makes each tap link, expecting them in.
func (e *env) join(link string, waIDs ...string) {
	e.t.Helper()
	for _, wa := range waIDs {
		e.sim.AddUser(wasim.User{WaID: wa, Name: "User " + wa})
		if res, err := e.sim.Tap(wa, link); err != nil || res != wasim.TapJoined {
			e.t.Fatalf("%s tapping %s: %v %v", wa, link, res, err)
		}
	}
	e.settle()
}

// wantAPIError asserts err is a Graph error with code (and HTTP status when
// non-zero) and that the sentence shown to users names the code.
func wantAPIError(t *testing.T, err error, code, status int) *whatsapp.APIError {
	t.Helper()
	var ae *whatsapp.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("want API error %d, got %T %v", code, err, err)
	}
	if ae.Code != code || (status != 0 && ae.HTTPStatus != status) {
		t.Fatalf("want API error %d (HTTP %d), got %d (HTTP %d): %v", code, status, ae.Code, ae.HTTPStatus, err)
	}
	if h := whatsapp.Human(err); !strings.Contains(h, strconv.Itoa(code)) {
		t.Errorf("Human(%v) = %q does not name code %d", err, h, code)
	}
	if ae.Details == "" && code != 190 {
		t.Errorf("error %d has no error_data.details", code)
	}
	return ae
}

// wantValidation asserts the client refused the call before sending it.
func wantValidation(t *testing.T, err error, field string) {
	t.Helper()
	var ve *whatsapp.ValidationError
	if !errors.As(err, &ve) || ve.Field != field {
		t.Fatalf("want client-side validation error on %q, got %T %v", field, err, err)
	}
	if whatsapp.Human(err) == "" {
		t.Error("validation error has no human sentence")
	}
}

// raw calls the simulator directly, bypassing client-side validation, and
// returns the HTTP status and Graph error code (0 on success).
func (e *env) raw(method, path string, body any) (status, code int) {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, e.api.URL+"/v23.0/"+strings.TrimPrefix(path, "/"), rd)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	var env struct {
		Error *struct {
			Code int `json:"code"`
		} `json:"error"`
	}
	_ = json.NewDecoder(res.Body).Decode(&env)
	if env.Error != nil {
		code = env.Error.Code
	}
	return res.StatusCode, code
}

// wantRaw asserts a direct call fails with code and status.
func (e *env) wantRaw(method, path string, body any, wantStatus, wantCode int) {
	e.t.Helper()
	if st, code := e.raw(method, path, body); st != wantStatus || code != wantCode {
		e.t.Errorf("%s %s: got HTTP %d code %d, want HTTP %d code %d", method, path, st, code, wantStatus, wantCode)
	}
}
