package loadgen

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"

	"groupdeck/store"
)

// The credentials the app and the separately running simulator share in
// the send-to-many runs: live mode, so the simulator is not inside the
// process that is killed.
const (
	simToken       = "loadgen-access-token"
	simAppSecret   = "loadgen-app-secret"
	simVerifyToken = "loadgen-verify-token"
)

// SendToMany is a "send to many" run: the app sends one text message to
// each of Groups groups through its real job runner, outbox and Cloud
// API client, to the simulator running as its own process (so a kill -9
// of the app leaves WhatsApp's side, and its count, intact).
type SendToMany struct {
	Bin    string // the groupdeck binary, which also runs the simulator
	Dir    string // for the database and the simulator's state
	Groups int
	Rate   int // GROUPDECK_SEND_RATE; 0 leaves the app's default
	// KillAt lists fractions of Groups (0 < f < 1): when the simulator
	// has counted that many sends, the app is killed with SIGKILL and
	// started again.
	KillAt []float64
	Log    func(string)
}

// SendResult is what the simulator received, and what the app says of
// the groups the simulator got nothing for.
type SendResult struct {
	At       []time.Time    // when the simulator accepted each send, in order
	PerGroup map[string]int // sends per WhatsApp group id
	Twice    int            // groups that got more than one message
	Missing  []string       // groups that got none
	// InDoubt are the app's messages left unconfirmed by a kill: claimed
	// when the process died, so perhaps sent; never resent blindly.
	InDoubt int
	// Unmatched counts simulator messages whose id no app message has.
	Unmatched int
	Killed    int
	Elapsed   time.Duration // from the job's start to the last send
}

// MaxInWindow is the most sends the simulator accepted within any
// window of length w.
func (r SendResult) MaxInWindow(w time.Duration) int {
	best := 0
	j := 0
	for i := range r.At {
		for r.At[i].Sub(r.At[j]) >= w {
			j++
		}
		best = max(best, i-j+1)
	}
	return best
}

// Rate is sends per second from the first to the last one before the
// first kill (or to the last one at all).
func (r SendResult) Rate(until int) float64 {
	until = min(until, len(r.At))
	if until < 2 {
		return 0
	}
	return float64(until-1) / r.At[until-1].Sub(r.At[0]).Seconds()
}

// Run prepares both worlds, starts the simulator and the app, queues the
// job, kills and restarts the app as told, and waits until every group's
// message is settled (sent, or in doubt after a kill).
func (s SendToMany) Run(ctx context.Context) (SendResult, error) {
	log := s.Log
	if log == nil {
		log = func(string) {}
	}
	db := s.Dir + "/send.db"
	state := s.Dir + "/send.sim.json"
	if err := prepareSend(ctx, db, state, s.Groups); err != nil {
		return SendResult{}, err
	}
	addr, err := freeAddr()
	if err != nil {
		return SendResult{}, err
	}
	sim, err := startCmd(ctx, exec.Command(s.Bin, "sim", "-addr", "127.0.0.1:0", "-webhook-url", "http://"+addr+"/webhook",
		"-token", simToken, "-app-secret", simAppSecret, "-state", state), "simulator listening on ", false)
	if err != nil {
		return SendResult{}, err
	}
	defer sim.Stop()
	simBase := strings.TrimSuffix(sim.URL, "/v26.0")
	env := []string{"WA_ACCESS_TOKEN=" + simToken, "WA_GRAPH_URL=" + sim.URL, "WA_APP_SECRET=" + simAppSecret,
		"WA_VERIFY_TOKEN=" + simVerifyToken, "GROUPDECK_SYNC_INTERVAL=0"}
	if s.Rate > 0 {
		env = append(env, "GROUPDECK_SEND_RATE="+strconv.Itoa(s.Rate))
	}
	app, err := StartOn(ctx, s.Bin, addr, db, env...)
	if err != nil {
		return SendResult{}, err
	}
	defer func() { app.Stop() }()
	if err := queueSendJob(ctx, db, s.Groups); err != nil {
		return SendResult{}, err
	}
	t0 := time.Now()
	log(fmt.Sprintf("send to many: %d groups queued", s.Groups))
	var res SendResult
	for _, f := range s.KillAt {
		want := int(f * float64(s.Groups))
		if err := waitSent(ctx, simBase, want, 60*time.Second); err != nil {
			return res, fmt.Errorf("%w (%s); app log:\n%s", err, sendState(ctx, db), app.Dump())
		}
		app.Kill()
		res.Killed++
		log(fmt.Sprintf("send to many: killed the app with SIGKILL after %d sends", want))
		if app, err = StartOn(ctx, s.Bin, addr, db, env...); err != nil {
			return res, err
		}
	}
	if err := waitSettled(ctx, db, s.Groups, 120*time.Second); err != nil {
		return res, fmt.Errorf("%w (%s); app log:\n%s", err, sendState(ctx, db), app.Logs())
	}
	sent, err := simSent(ctx, simBase)
	if err != nil {
		return res, err
	}
	res.PerGroup = map[string]int{}
	for _, m := range sent {
		res.At = append(res.At, m.At)
		res.PerGroup[m.GroupID]++
	}
	slices.SortFunc(res.At, func(a, b time.Time) int { return a.Compare(b) })
	if len(res.At) > 0 {
		res.Elapsed = res.At[len(res.At)-1].Sub(t0)
	}
	for g := 1; g <= s.Groups; g++ {
		switch n := res.PerGroup[WAGroupID(g)]; {
		case n == 0:
			res.Missing = append(res.Missing, WAGroupID(g))
		case n > 1:
			res.Twice++
		}
	}
	res.InDoubt, res.Unmatched, err = crossCheck(ctx, db, sent)
	return res, err
}

// freeAddr picks a loopback port for the app, which the simulator must
// know before the app starts.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

type simMessage struct {
	ID      string    `json:"id"`
	GroupID string    `json:"group_id"`
	At      time.Time `json:"at"`
}

func simSent(ctx context.Context, base string) ([]simMessage, error) {
	res, err := plain.Get(base + "/_sim/sent")
	if err != nil {
		return nil, fmt.Errorf("loadgen: simulator sends: %w", err)
	}
	defer res.Body.Close()
	var out []simMessage
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		return nil, fmt.Errorf("loadgen: simulator sends: %w", err)
	}
	return out, nil
}

func waitSent(ctx context.Context, base string, n int, limit time.Duration) error {
	for deadline := time.Now().Add(limit); ; time.Sleep(20 * time.Millisecond) {
		sent, err := simSent(ctx, base)
		if err != nil {
			return err
		}
		if len(sent) >= n {
			return nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("loadgen: the simulator counted %d sends after %s, want %d", len(sent), limit, n)
		}
	}
}

// waitSettled waits until no message is queued or being sent without
// doubt: each is sent, failed, or in doubt.
func waitSettled(ctx context.Context, db string, groups int, limit time.Duration) error {
	r, err := sql.Open("sqlite", "file:"+db+"?_pragma=query_only(ON)&_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer r.Close()
	for deadline := time.Now().Add(limit); ; time.Sleep(100 * time.Millisecond) {
		var all, open int
		err := r.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(state IN ('queued', 'sending') AND in_doubt = 0), 0)
			FROM messages WHERE direction = 'out'`).Scan(&all, &open)
		if err != nil {
			return err
		}
		if all == groups && open == 0 {
			return nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("loadgen: after %s, %d of %d messages queued, %d still open", limit, all, groups, open)
		}
	}
}

// crossCheck counts the app's in-doubt messages, and the simulator's
// messages no app message carries the id of.
func crossCheck(ctx context.Context, db string, sent []simMessage) (inDoubt, unmatched int, err error) {
	r, err := sql.Open("sqlite", "file:"+db+"?_pragma=query_only(ON)&_pragma=busy_timeout(10000)")
	if err != nil {
		return 0, 0, err
	}
	defer r.Close()
	if err := r.QueryRowContext(ctx, `SELECT count(*) FROM messages WHERE direction = 'out' AND in_doubt = 1 AND wamid IS NULL`).Scan(&inDoubt); err != nil {
		return 0, 0, err
	}
	for _, m := range sent {
		var n int
		if err := r.QueryRowContext(ctx, `SELECT count(*) FROM messages WHERE wamid = ?`, m.ID).Scan(&n); err != nil {
			return 0, 0, err
		}
		if n != 1 {
			unmatched++
		}
	}
	return inDoubt, unmatched, nil
}

// prepareSend seeds the app's database with groups 1..n (one member
// each) and the simulator's state file with the same groups, members
// included: the simulator refuses sends to unknown or empty groups.
func prepareSend(ctx context.Context, db, state string, n int) error {
	if err := Fill(ctx, db, Seed{Groups: n + 1, Busy: n, Members: 1}); err != nil {
		return err
	}
	// Fill's busy groups are 2..n+1; the send goes to 1..n: group 1 gets
	// its member here.
	st, err := store.Open(ctx, db)
	if err != nil {
		return err
	}
	_, err = st.WithTx(ctx, func(tx *store.Tx) error {
		return tx.ParticipantJoined(1, store.Member{WaID: MemberWaID(1, 0)}, "invite_link", 1)
	})
	st.Close()
	if err != nil {
		return err
	}
	return writeSimState(state, n)
}

// writeSimState writes the simulator's world (wasim's state file,
// version 1): groups WAGroupID(1..n), each with its one member.
func writeSimState(path string, n int) error {
	type group struct {
		ID      string    `json:"id"`
		JID     string    `json:"jid"`
		Seq     int       `json:"seq"`
		Subject string    `json:"subject"`
		Mode    string    `json:"mode"`
		Created time.Time `json:"created"`
		Link    string    `json:"link"`
		Members []string  `json:"members"`
	}
	type user struct {
		WaID string `json:"wa_id"`
		Name string `json:"name"`
	}
	st := struct {
		Version int     `json:"version"`
		Groups  []group `json:"groups"`
		Users   []user  `json:"users"`
	}{Version: 1}
	now := time.Now().Add(-time.Hour).UTC()
	for g := 1; g <= n; g++ {
		wa := MemberWaID(g, 0)
		st.Groups = append(st.Groups, group{ID: WAGroupID(g), JID: "120363" + strconv.Itoa(900000000+g) + "@g.us", Seq: g,
			Subject: "Send group " + strconv.Itoa(g), Mode: "auto_approve", Created: now,
			Link: "https://chat.whatsapp.com/lgsend" + strconv.Itoa(g), Members: []string{wa}})
		st.Users = append(st.Users, user{WaID: wa, Name: "Member of " + strconv.Itoa(g)})
	}
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o600)
}

// queueSendJob starts the send-to-many job the Send to many page starts
// after its review: one item per group, the message in its params.
func queueSendJob(ctx context.Context, db string, n int) error {
	st, err := store.Open(ctx, db)
	if err != nil {
		return err
	}
	defer st.Close()
	targets := make([]string, n)
	for g := 1; g <= n; g++ {
		targets[g-1] = strconv.Itoa(g) + " · group " + strconv.Itoa(g)
	}
	params := []byte(`{"kind":"text","body":"The meetup moves to Thursday, 7 pm."}`)
	j := &store.Job{Kind: "broadcast", Title: fmt.Sprintf("Send to %d groups (loadgen)", n), Params: params}
	if err := st.CreateJob(ctx, j, targets); err != nil {
		return errors.Join(errors.New("loadgen: queue the send-to-many job"), err)
	}
	return nil
}

// sendState says where the messages and the job's items stand, for an
// error message.
func sendState(ctx context.Context, db string) string {
	r, err := sql.Open("sqlite", "file:"+db+"?_pragma=query_only(ON)&_pragma=busy_timeout(10000)")
	if err != nil {
		return err.Error()
	}
	defer r.Close()
	var out []string
	for _, q := range []string{
		`SELECT state || iif(in_doubt, ' in doubt', ''), count(*) FROM messages WHERE direction = 'out' GROUP BY 1`,
		`SELECT 'items ' || state, count(*) FROM job_items GROUP BY 1`,
	} {
		rows, err := r.QueryContext(ctx, q)
		if err != nil {
			return err.Error()
		}
		for rows.Next() {
			var k string
			var n int
			rows.Scan(&k, &n)
			out = append(out, fmt.Sprintf("%s: %d", k, n))
		}
		rows.Close()
	}
	return strings.Join(out, ", ")
}
