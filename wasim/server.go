package wasim

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"time"
)

// Server is the simulator. All state sits behind mu; the webhook queue has its
// own lock and is only ever taken after mu, never before.
type Server struct {
	mu      stateMutex
	cfg     Config
	log     *slog.Logger
	ids     *idGen
	version string // paging cursors embed it so foreign cursors fail with 131059

	groups         map[string]*group
	order          []*group // creation order, deleted groups included
	pendingCreates int
	links          map[string]*group // live invite link ID → group
	deadLinks      map[string]string // dead invite link ID → why it's dead
	users          map[string]*simUser
	media          map[string]*mediaObject
	msgs           map[string]*sentMessage // business sends, by wamid
	sentLog        []*sentMessage          // business sends in order, for Sent
	inbound        map[string]*inboundMessage
	ops            []time.Time            // recent group operations for the 131208 limit
	sends          []time.Time            // sends in the last second, for 130429 (limits.go)
	pairs          map[string]*pairBucket // per-recipient buckets, for 131056 (limits.go)
	templates      []*simTemplate
	closed         bool
	seenBase       string // scheme://host of the latest API request

	q       *queue
	persist *persister // nil unless Persist was called
}

// New builds a simulator. It starts no goroutines: webhooks queue up until
// Start, which lets tests set things up before anything is delivered.
func New(cfg Config) *Server {
	cfg.withDefaults()
	s := &Server{
		cfg:       cfg,
		log:       cfg.Logger,
		ids:       newIDGen(cfg.Seed),
		groups:    map[string]*group{},
		links:     map[string]*group{},
		deadLinks: map[string]string{},
		users:     map[string]*simUser{},
		media:     map[string]*mediaObject{},
		msgs:      map[string]*sentMessage{},
		inbound:   map[string]*inboundMessage{},
	}
	s.version = s.ids.token(8)
	s.templates = seedTemplates(!cfg.NoInviteTemplate)
	s.q = newQueue(s)
	return s
}

// Start starts the webhook delivery worker. Calling it twice is harmless.
func (s *Server) Start() { s.q.start() }

// Close stops the delivery worker and drops every future async outcome;
// with Persist, it then writes the state a last time.
func (s *Server) Close() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.q.stop()
	if err := s.closePersist(); err != nil {
		s.log.Error("simulator state not saved", "err", err)
	}
}

// SetWebhookURL changes where webhooks go, including for queued ones.
func (s *Server) SetWebhookURL(u string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cfg.WebhookURL = u
}

var versionPrefix = regexp.MustCompile(`^/v\d+\.\d+(/|$)`)

// ServeHTTP routes /<version>/<path> and /<path> the same way.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	if loc := versionPrefix.FindStringIndex(path); loc != nil {
		path = "/" + path[loc[1]:]
	}
	if path == "/_sim" || strings.HasPrefix(path, "/_sim/") {
		s.serveSim(w, r, strings.TrimPrefix(path, "/_sim"))
		return
	}
	s.noteBase(r)
	if err := s.authorize(r); err != nil {
		s.writeError(w, err)
		return
	}
	if strings.HasPrefix(path, "/_media/") {
		s.serveMediaDownload(w, strings.TrimPrefix(path, "/_media/"))
		return
	}
	segs := strings.Split(strings.Trim(path, "/"), "/")
	status, body, apiErr := s.route(r, segs)
	if apiErr != nil {
		s.log.Debug("api error", "method", r.Method, "path", path, "code", apiErr.Code, "details", apiErr.Details)
		s.writeError(w, apiErr)
		return
	}
	writeJSON(w, status, body)
}

func (s *Server) noteBase(r *http.Request) {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	s.mu.Lock()
	s.seenBase = scheme + "://" + r.Host
	s.mu.Unlock()
}

// baseURL is where media download URLs in webhooks point; callers hold s.mu.
func (s *Server) baseURL() string {
	switch {
	case s.cfg.BaseURL != "":
		return strings.TrimRight(s.cfg.BaseURL, "/")
	case s.seenBase != "":
		return s.seenBase
	}
	return "http://localhost"
}

func (s *Server) route(r *http.Request, segs []string) (int, any, *apiError) {
	if len(segs) == 0 || segs[0] == "" {
		return 0, nil, errParam("Unsupported request: no object ID in path")
	}
	if st, body, err, ok := s.routeAccount(r, segs); ok {
		return st, body, err
	}
	id := segs[0]
	if len(segs) == 2 && id == s.phoneID() {
		switch segs[1] + " " + r.Method {
		case "groups POST":
			return s.handleCreateGroup(r)
		case "groups GET":
			return s.handleListGroups(r)
		case "messages POST":
			st, body, err := s.handleMessages(r)
			s.answerLatency(r)
			return st, body, err
		case "media POST":
			return s.handleUploadMedia(r)
		}
		return 0, nil, unsupported(r, segs)
	}
	if len(segs) == 2 && segs[1] == "message_templates" && id == s.wabaID() {
		switch r.Method {
		case http.MethodGet:
			return s.handleListTemplates(r)
		case http.MethodPost:
			return s.handleCreateTemplate(r)
		}
	}
	if len(segs) == 1 && id == "message_template_library" && r.Method == http.MethodGet {
		return s.handleTemplateLibrary(r)
	}
	if len(segs) == 1 {
		if s.isMedia(id) {
			switch r.Method {
			case http.MethodGet:
				return s.handleGetMedia(r, id)
			case http.MethodDelete:
				return s.handleDeleteMedia(id)
			}
			return 0, nil, unsupported(r, segs)
		}
		switch r.Method {
		case http.MethodGet:
			return s.handleGroupInfo(r, id)
		case http.MethodPost:
			return s.handleUpdateSettings(r, id)
		case http.MethodDelete:
			return s.handleDeleteGroup(id)
		}
		return 0, nil, unsupported(r, segs)
	}
	if len(segs) == 2 {
		switch segs[1] + " " + r.Method {
		case "invite_link GET", "invite_link POST", "invite_link DELETE":
			return s.handleInviteLink(r, id)
		case "join_requests GET":
			return s.handleListJoinRequests(r, id)
		case "join_requests POST", "join_requests DELETE":
			return s.handleDecideJoinRequests(r, id)
		case "participants DELETE":
			return s.handleRemoveParticipants(r, id)
		case "participants POST":
			return 0, nil, errParam("Adding participants is not supported: users join through the invite link")
		}
	}
	return 0, nil, unsupported(r, segs)
}

func unsupported(r *http.Request, segs []string) *apiError {
	e := errParam("Unsupported %s request. Object with ID '%s' does not exist, cannot be loaded due to missing permissions, or does not support this operation.",
		strings.ToLower(r.Method), segs[0])
	e.Subcode = SubcodeObjectDoesNotExist
	return e
}

func (s *Server) phoneID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cfg.PhoneNumberID
}

func (s *Server) wabaID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cfg.WABAID
}

func (s *Server) authorize(r *http.Request) *apiError {
	tok := ""
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, rest, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			return &apiError{Code: CodeInvalidToken, Status: http.StatusUnauthorized, Details: "Cannot parse access token"}
		}
		tok = strings.TrimSpace(rest)
	} else {
		tok = r.URL.Query().Get("access_token")
	}
	s.mu.Lock()
	want := s.cfg.AccessToken
	s.mu.Unlock()
	if tok == "" || (want != "" && tok != want) {
		return &apiError{Code: CodeInvalidToken, Status: http.StatusUnauthorized, Details: "Cannot parse access token"}
	}
	return nil
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// decodeBody reads a JSON request body. An empty body decodes to the zero
// value because several Graph calls make the body optional.
func decodeBody(r *http.Request, v any) *apiError {
	if r.Body == nil {
		return nil
	}
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<20))
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return nil
		}
		return errParam("Request body is not valid JSON: %v", err)
	}
	return nil
}

// checkProduct enforces messaging_product where Meta requires it.
func checkProduct(p string, required bool) *apiError {
	if p == "" && !required {
		return nil
	}
	if p != "whatsapp" {
		return errParam("messaging_product must be \"whatsapp\"")
	}
	return nil
}

// groupOp applies the checks every group operation shares: eligibility, the
// rate limit, existence and suspension. Callers hold s.mu.
func (s *Server) groupOp(id string, allowSuspended bool) (*group, *apiError) {
	if err := s.countOp(); err != nil {
		return nil, err
	}
	g := s.groups[id]
	if g == nil || g.deleted {
		return nil, errUnknownGroup()
	}
	if g.suspended && !allowSuspended {
		return nil, errSuspended()
	}
	return g, nil
}

// countOp enforces eligibility and the group-operation rate limit; rejected
// operations do not count against the window.
func (s *Server) countOp() *apiError {
	if s.cfg.Ineligible {
		return newErr(CodeNumberNotEligible, "This phone number is not eligible for the Groups API; it must belong to an Official Business Account.")
	}
	if s.cfg.OpsPerWindow <= 0 {
		return nil
	}
	now := s.now()
	keep := s.ops[:0]
	for _, t := range s.ops {
		if now.Sub(t) < s.cfg.opsWindow() {
			keep = append(keep, t)
		}
	}
	s.ops = keep
	if len(s.ops) >= s.cfg.OpsPerWindow {
		e := newErr(CodeGroupRateLimit, "Too many group operations from this phone number recently; try again later.")
		e.RetryAfter = s.retryAfterOps(now)
		return e
	}
	s.ops = append(s.ops, now)
	return nil
}

// after runs f with s.mu held once d has passed. The queue counts it as
// pending meanwhile so WaitIdle also waits for outcomes not yet emitted.
func (s *Server) after(d time.Duration, f func()) {
	s.q.schedule()
	run := func() {
		s.mu.Lock()
		if !s.closed {
			f()
		}
		s.mu.Unlock()
		s.q.unschedule()
	}
	if d <= 0 {
		go run()
		return
	}
	time.AfterFunc(d, run)
}

func unixStr(t time.Time) string { return itoa(t.Unix()) }

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// answerLatency holds a send's answer for Config.SendLatency, after the
// send was counted and accepted: Meta takes a few hundred milliseconds to
// answer, which a client sending one message at a time pays per message.
func (s *Server) answerLatency(r *http.Request) {
	s.mu.Lock()
	d := s.cfg.SendLatency
	s.mu.Unlock()
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-r.Context().Done():
	}
}
