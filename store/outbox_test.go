package store

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestClaimMessage(t *testing.T) {
	tests := []struct {
		name string
		// run queues and claims; it returns the ids claimed in order (0
		// for "nothing due") and the ids expected.
		run func(t *testing.T, s *Store, g int64, advance func(int64)) (got, want []int64)
	}{
		{"one group: oldest first, one at a time", func(t *testing.T, s *Store, g int64, _ func(int64)) ([]int64, []int64) {
			a, b, c := queueText(t, s, g), queueText(t, s, g), queueText(t, s, g)
			var got []int64
			for _, id := range []int64{a, b, c} {
				got = append(got, claimID(t, s), claimID(t, s))
				sent(t, s, id)
			}
			return append(got, claimID(t, s)), []int64{a, 0, b, 0, c, 0, 0}
		}},
		{"other groups go while one is being sent", func(t *testing.T, s *Store, g int64, _ func(int64)) ([]int64, []int64) {
			g2 := activeGroup(t, s, "W2")
			a, _, c := queueText(t, s, g), queueText(t, s, g), queueText(t, s, g2)
			return []int64{claimID(t, s), claimID(t, s), claimID(t, s)}, []int64{a, c, 0}
		}},
		{"a message backing off holds its group's later ones", func(t *testing.T, s *Store, g int64, advance func(int64)) ([]int64, []int64) {
			a := queueText(t, s, g)
			claimID(t, s)
			must(t, s.RequeueMessage(t.Context(), a, "pair rate", s.now()+6000))
			b := queueText(t, s, g)
			held := claimID(t, s)
			advance(6000)
			first := claimID(t, s)
			sent(t, s, a)
			return []int64{held, first, claimID(t, s)}, []int64{0, a, b}
		}},
		{"an unconfirmed send does not hold its group", func(t *testing.T, s *Store, g int64, _ func(int64)) ([]int64, []int64) {
			a := queueText(t, s, g)
			claimID(t, s)
			if _, err := s.MessageInDoubt(t.Context(), a, ReasonNoAnswer); err != nil {
				t.Fatal(err)
			}
			b := queueText(t, s, g)
			return []int64{claimID(t, s)}, []int64{b}
		}},
		{"an unclaimed message is claimed again, its attempt not counted", func(t *testing.T, s *Store, g int64, _ func(int64)) ([]int64, []int64) {
			a := queueText(t, s, g)
			claimID(t, s)
			must(t, s.UnclaimMessage(t.Context(), a))
			again := claimID(t, s)
			if n := message(t, s, g, a).Attempts; n != 1 {
				t.Errorf("attempts after unclaim and claim: %d, want 1", n)
			}
			return []int64{again}, []int64{a}
		}},
		{"a claimed message is not claimed again", func(t *testing.T, s *Store, g int64, _ func(int64)) ([]int64, []int64) {
			a := queueText(t, s, g)
			first := claimID(t, s)
			return []int64{first, claimID(t, s)}, []int64{a, 0}
		}},
		{"requeued waits for its time", func(t *testing.T, s *Store, g int64, advance func(int64)) ([]int64, []int64) {
			a := queueText(t, s, g)
			claimID(t, s)
			must(t, s.RequeueMessage(t.Context(), a, "rate limited", s.now()+5000))
			early := claimID(t, s)
			advance(4999)
			stillEarly := claimID(t, s)
			advance(1)
			return []int64{early, stillEarly, claimID(t, s)}, []int64{0, 0, a}
		}},
		{"a requeued message does not jump the queue", func(t *testing.T, s *Store, g int64, advance func(int64)) ([]int64, []int64) {
			a := queueText(t, s, g)
			claimID(t, s)
			must(t, s.RequeueMessage(t.Context(), a, "busy", s.now()))
			b := queueText(t, s, g)
			first := claimID(t, s)
			sent(t, s, a)
			return []int64{first, claimID(t, s)}, []int64{a, b}
		}},
		{"failed is not claimed until retried", func(t *testing.T, s *Store, g int64, _ func(int64)) ([]int64, []int64) {
			a := queueText(t, s, g)
			claimID(t, s)
			must(t, s.MessageFailed(t.Context(), a, "refused"))
			none := claimID(t, s)
			must(t, s.RetryMessage(t.Context(), g, a))
			return []int64{none, claimID(t, s)}, []int64{0, a}
		}},
		{"in doubt is never claimed again", func(t *testing.T, s *Store, g int64, advance func(int64)) ([]int64, []int64) {
			a := queueText(t, s, g)
			claimID(t, s)
			if _, err := s.MessageInDoubt(t.Context(), a, ReasonNoAnswer); err != nil {
				t.Fatal(err)
			}
			advance(60_000)
			return []int64{claimID(t, s)}, []int64{0}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustOpen(t)
			advance := clockAt(s, 1_000_000)
			got, want := tt.run(t, s, activeGroup(t, s, "W1"), advance)
			if !slices.Equal(got, want) {
				t.Errorf("claimed %v, want %v", got, want)
			}
		})
	}
}

func TestClaimCountsAttempts(t *testing.T) {
	s := mustOpen(t)
	clockAt(s, 1000)
	g := activeGroup(t, s, "W1")
	a := queueText(t, s, g)
	for range 3 {
		claimID(t, s)
		must(t, s.RequeueMessage(t.Context(), a, "busy", 0))
	}
	if got := message(t, s, g, a).Attempts; got != 3 {
		t.Errorf("attempts %d, want 3", got)
	}
	must(t, s.MessageFailed(t.Context(), a, "refused"))
	must(t, s.RetryMessage(t.Context(), g, a))
	if m := message(t, s, g, a); m.Attempts != 0 || m.State != MsgQueued || m.Error != "" {
		t.Errorf("after retry: attempts %d, state %s, error %q", m.Attempts, m.State, m.Error)
	}
}

func TestUnconfirmedSends(t *testing.T) {
	const claimedAt = 10_000_000
	tests := []struct {
		name      string
		statusAt  int64 // when an unknown "sent" status arrived; 0 for none
		expireAt  int64 // ExpireDoubt cut-off
		wantState string
		wantWamid string
	}{
		{"a status inside the window settles it as sent", claimedAt + 1000, claimedAt + 1, MsgSent, "wamid.X"},
		{"a status a little before the claim still counts (clock skew)", claimedAt - clockSkew, claimedAt + 1, MsgSent, "wamid.X"},
		{"a status too long before the claim is another send's", claimedAt - clockSkew - 1, claimedAt + 1, MsgFailed, ""},
		{"a status after the window is another send's", claimedAt + matchWindow + 1, claimedAt + 1, MsgFailed, ""},
		{"no status: expired after the grace period", 0, claimedAt + 1, MsgFailed, ""},
		{"no status: kept while the grace period runs", 0, claimedAt, MsgSending, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustOpen(t)
			clockAt(s, claimedAt)
			g := activeGroup(t, s, "W1")
			a := queueText(t, s, g)
			claimID(t, s)
			if _, err := s.MessageInDoubt(t.Context(), a, ReasonNoAnswer); err != nil {
				t.Fatal(err)
			}
			if tt.statusAt != 0 {
				withTx(t, s, func(tx *Tx) error { return tx.MatchSend("wamid.X", "W1", tt.statusAt) })
			}
			if _, err := s.ExpireDoubt(t.Context(), tt.expireAt); err != nil {
				t.Fatal(err)
			}
			m := message(t, s, g, a)
			if m.State != tt.wantState || m.WAMID != tt.wantWamid {
				t.Errorf("state %s wamid %q, want %s %q", m.State, m.WAMID, tt.wantState, tt.wantWamid)
			}
			if tt.wantState == MsgFailed && (m.Error != ReasonUnconfirmed || !m.InDoubt) {
				t.Errorf("expired message: error %q in doubt %v", m.Error, m.InDoubt)
			}
		})
	}
}

func TestUnknownStatusWaitsForNormalSend(t *testing.T) {
	// While another message of the group is being sent normally, an
	// unknown status may be that send's own: the in-doubt one must wait.
	s := mustOpen(t)
	clockAt(s, 5000)
	g := activeGroup(t, s, "W1")
	a, b := queueText(t, s, g), queueText(t, s, g)
	claimID(t, s)
	if _, err := s.MessageInDoubt(t.Context(), a, ReasonNoAnswer); err != nil {
		t.Fatal(err)
	}
	claimID(t, s) // b is being sent, no answer yet
	withTx(t, s, func(tx *Tx) error { return tx.MatchSend("wamid.B", "W1", 5000) })
	if m := message(t, s, g, a); m.WAMID != "" {
		t.Fatalf("in-doubt message took %q while another send was open", m.WAMID)
	}
	// b's answer names another id: the unknown status was a's after all.
	if _, err := s.MessageSent(t.Context(), b, "wamid.other"); err != nil {
		t.Fatal(err)
	}
	if m := message(t, s, g, a); m.State != MsgSent || m.WAMID != "wamid.B" {
		t.Errorf("a: state %s wamid %q, want sent wamid.B", m.State, m.WAMID)
	}
}

func sent(t *testing.T, s *Store, id int64) {
	t.Helper()
	if _, err := s.MessageSent(t.Context(), id, fmt.Sprintf("wamid.%d", id)); err != nil {
		t.Fatal(err)
	}
}

// The claim runs for every send, on the writer: it and NextAttempt must
// read only the small partial indexes of queued and sending messages,
// never the whole messages table.
func TestClaimQueriesUseIndexes(t *testing.T) {
	s := mustOpen(t)
	for name, q := range map[string]string{"claim": claimNext, "next attempt": nextDue} {
		rows, err := s.r.QueryContext(t.Context(), "EXPLAIN QUERY PLAN "+q, 0)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		joined := strings.Join(plan, "\n")
		if !strings.Contains(joined, "INDEX messages_group_pending") || strings.Contains(joined, "SCAN") {
			t.Errorf("%s plan:\n%s", name, joined)
		}
	}
}
