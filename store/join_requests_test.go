package store

import "testing"

func TestJoinRequestCounts(t *testing.T) {
	bob, carol := Member{WaID: "15550000002"}, Member{WaID: "15550000003"}
	tests := []struct {
		name string
		run  func(t *testing.T, s *Store, g int64)
		want int // pending_requests afterwards
	}{
		{"two new requests", func(t *testing.T, s *Store, g int64) {
			withTx(t, s, func(tx *Tx) error {
				must(t, tx.JoinRequest(g, "r1", bob, JoinPending, 100))
				return tx.JoinRequest(g, "r2", carol, JoinPending, 100)
			})
		}, 2},
		{"a repeated webhook counts once", func(t *testing.T, s *Store, g int64) {
			for range 3 {
				withTx(t, s, func(tx *Tx) error { return tx.JoinRequest(g, "r1", bob, JoinPending, 100) })
			}
		}, 1},
		{"a withdrawal overtaking its creation stays withdrawn", func(t *testing.T, s *Store, g int64) {
			withTx(t, s, func(tx *Tx) error { return tx.JoinRequest(g, "r1", bob, JoinRevoked, 200) })
			withTx(t, s, func(tx *Tx) error { return tx.JoinRequest(g, "r1", bob, JoinPending, 100) })
		}, 0},
		{"joining closes the person's request", func(t *testing.T, s *Store, g int64) {
			withTx(t, s, func(tx *Tx) error {
				must(t, tx.JoinRequest(g, "r1", bob, JoinPending, 100))
				must(t, tx.JoinRequest(g, "r2", carol, JoinPending, 100))
				_, err := tx.RequestsApproved(g, bob, 150)
				return err
			})
		}, 1},
		{"a join answering a request approved by staff closes nothing more", func(t *testing.T, s *Store, g int64) {
			withTx(t, s, func(tx *Tx) error {
				must(t, tx.JoinRequest(g, "r1", bob, JoinPending, 100))
				return tx.JoinRequest(g, "r2", carol, JoinPending, 100)
			})
			must(t, s.DecideJoinRequests(t.Context(), g, []string{"r1"}, JoinApproved))
			withTx(t, s, func(tx *Tx) error {
				_, err := tx.RequestsApproved(g, bob, 150)
				return err
			})
		}, 1},
		{"a join older than the request leaves it open", func(t *testing.T, s *Store, g int64) {
			withTx(t, s, func(tx *Tx) error {
				must(t, tx.JoinRequest(g, "r1", bob, JoinPending, 100))
				_, err := tx.RequestsApproved(g, bob, 50)
				return err
			})
		}, 1},
		{"staff decisions", func(t *testing.T, s *Store, g int64) {
			withTx(t, s, func(tx *Tx) error {
				must(t, tx.JoinRequest(g, "r1", bob, JoinPending, 100))
				return tx.JoinRequest(g, "r2", carol, JoinPending, 100)
			})
			must(t, s.DecideJoinRequests(t.Context(), g, []string{"r1"}, JoinRejected))
		}, 1},
		{"sync adds what WhatsApp lists and revokes the rest", func(t *testing.T, s *Store, g int64) {
			withTx(t, s, func(tx *Tx) error { return tx.JoinRequest(g, "r1", bob, JoinPending, 100) })
			must(t, s.SyncJoinRequests(t.Context(), g, []PendingFromAPI{
				{JoinRequestID: "r2", WaID: carol.WaID}, {JoinRequestID: "r3", WaID: "15550000004"}}))
		}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustOpen(t)
			g := activeGroup(t, s, "W1")
			tt.run(t, s, g)
			grp, err := s.GroupByID(t.Context(), g)
			must(t, err)
			pending, total, err := s.PendingJoinRequests(t.Context(), g, 0)
			must(t, err)
			if grp.PendingRequests != tt.want || total != tt.want || len(pending) != tt.want {
				t.Errorf("group counts %d, list total %d (%d rows); want %d", grp.PendingRequests, total, len(pending), tt.want)
			}
		})
	}
}

// RequestsApproved tells whether a join answered a request of the person
// in that group, and answers the same when the join is applied again.
func TestRequestsApprovedAnswers(t *testing.T) {
	bob, carol := Member{WaID: "15550000002"}, Member{WaID: "15550000003"}
	s := mustOpen(t)
	g := activeGroup(t, s, "W1")
	other := activeGroup(t, s, "W2")
	answered := func(g int64, m Member, at int64) bool {
		t.Helper()
		var ok bool
		withTx(t, s, func(tx *Tx) error {
			var err error
			ok, err = tx.RequestsApproved(g, m, at)
			return err
		})
		return ok
	}
	withTx(t, s, func(tx *Tx) error { return tx.JoinRequest(g, "r1", bob, JoinPending, 100) })
	if answered(g, carol, 150) {
		t.Error("carol had no request, yet her join answered one")
	}
	if answered(other, bob, 150) {
		t.Error("bob's request in another group was answered")
	}
	if !answered(g, bob, 150) {
		t.Error("bob's join did not answer his pending request")
	}
	if !answered(g, bob, 150) {
		t.Error("the same join applied again no longer answers it")
	}
	if answered(g, bob, 400) {
		t.Error("a later join (a rejoin through the link) answered the request closed before")
	}
}
