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
				return tx.RequestsApproved(g, bob, 150)
			})
		}, 1},
		{"a join older than the request leaves it open", func(t *testing.T, s *Store, g int64) {
			withTx(t, s, func(tx *Tx) error {
				must(t, tx.JoinRequest(g, "r1", bob, JoinPending, 100))
				return tx.RequestsApproved(g, bob, 50)
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
