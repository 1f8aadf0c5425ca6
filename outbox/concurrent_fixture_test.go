package outbox

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"groupdeck/store"
	"groupdeck/whatsapp"
)

// slowWA is a Cloud API whose every send takes delay (virtual time,
// under testing/synctest). It records each call's group and start and
// end, notes two calls to one group under way at once, and answers call
// n with answer (nil: accepted).
type slowWA struct {
	fakeWA
	delay  time.Duration
	answer func(n int, group string, start time.Time) error // called with mu held

	mu       sync.Mutex
	calls    []sendCall
	inFlight map[string]int
	overlap  []string // groups that had two sends under way at once
}

type sendCall struct {
	group, body string
	start, end  time.Time
	err         error
}

func (s *slowWA) SendText(ctx context.Context, g, body string, _ bool) (*whatsapp.SendResult, error) {
	s.mu.Lock()
	n := len(s.calls)
	s.calls = append(s.calls, sendCall{group: g, body: body, start: time.Now()})
	if s.inFlight == nil {
		s.inFlight = map[string]int{}
	}
	if s.inFlight[g]++; s.inFlight[g] > 1 {
		s.overlap = append(s.overlap, g)
	}
	s.mu.Unlock()
	t := time.NewTimer(s.delay)
	defer t.Stop()
	var err error
	select {
	case <-t.C:
	case <-ctx.Done():
		err = ctx.Err() // the request went out; its answer is lost
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err == nil && s.answer != nil {
		err = s.answer(n, g, s.calls[n].start)
	}
	s.inFlight[g]--
	s.calls[n].end, s.calls[n].err = time.Now(), err
	if err != nil {
		return nil, err
	}
	return &whatsapp.SendResult{MessageID: fmt.Sprintf("wamid.%d", n+1)}, nil
}

func (s *slowWA) snapshot() []sendCall {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]sendCall(nil), s.calls...)
}

// many is an outbox with groups groups on WhatsApp (wa ids "G0", "G1",
// …), run by a worker at rate messages a second against wa. Make it
// inside a synctest bubble, and Close it there.
type many struct {
	t      *testing.T
	st     *store.Store
	w      *Worker
	groups []int64
}

func newMany(t *testing.T, groups, rate int, wa Sender) *many {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "many.db"))
	if err != nil {
		t.Fatal(err)
	}
	m := &many{t: t, st: st}
	if _, err := st.WithTx(ctx, func(tx *store.Tx) error {
		for i := range groups {
			g := &store.Group{Subject: fmt.Sprintf("S%d", i), JoinApprovalMode: "auto_approve"}
			if err := tx.CreateGroup(g); err != nil {
				return err
			}
			if err := tx.GroupCreated(store.GroupCreatedEvent{GroupID: g.ID, WaGroupID: fmt.Sprintf("G%d", i),
				InviteLink: "https://chat.whatsapp.com/L", At: time.Now().UnixMilli()}); err != nil {
				return err
			}
			m.groups = append(m.groups, g.ID)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	m.w = New(st, wa, slog.New(slog.DiscardHandler), nil)
	m.w.SetRate(rate)
	return m
}

// queue queues one text per group index given, in that order, in one
// commit; jobItem, when not 0, numbers them from it.
func (m *many) queue(jobItem int64, idx ...int) []*store.Message {
	m.t.Helper()
	var ms []*store.Message
	for i, g := range idx {
		msg := &store.Message{GroupID: m.groups[g], Kind: store.KindText, Body: fmt.Sprintf("m%02d", i)}
		if jobItem != 0 {
			msg.JobItemID = jobItem + int64(i)
		}
		ms = append(ms, msg)
	}
	if err := m.st.QueueMessages(context.Background(), ms); err != nil {
		m.t.Fatal(err)
	}
	return ms
}

func (m *many) state(g int, id int64) *store.Message {
	m.t.Helper()
	msg, err := m.st.MessageByID(context.Background(), m.groups[g], id)
	if err != nil {
		m.t.Fatal(err)
	}
	return msg
}

// maxInAnySecond is the most calls that started within one second.
func maxInAnySecond(calls []sendCall) int {
	most := 0
	for i := range calls {
		n := 0
		for _, c := range calls[i:] {
			if c.start.Sub(calls[i].start) < time.Second {
				n++
			}
		}
		most = max(most, n)
	}
	return most
}

// run runs the worker until no message is queued or being sent and no
// call is under way,
// then stops it; it returns the calls made.
func (m *many) run(wa *slowWA, during func(elapsed time.Duration)) []sendCall {
	m.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		m.w.Run(ctx)
	}()
	start := time.Now()
	for {
		time.Sleep(100 * time.Millisecond)
		if during != nil {
			during(time.Since(start))
		}
		if m.settled(wa) {
			break
		}
		if time.Since(start) > 10*time.Minute {
			m.t.Fatal("the outbox did not drain in 10 minutes")
		}
	}
	cancel()
	<-done
	return wa.snapshot()
}

func (m *many) settled(wa *slowWA) bool {
	m.t.Helper()
	o, err := m.st.Ops(context.Background())
	if err != nil {
		m.t.Fatal(err)
	}
	if o.OutboxQueued > 0 {
		return false
	}
	for _, c := range wa.snapshot() {
		if c.end.IsZero() {
			return false
		}
	}
	return true
}
