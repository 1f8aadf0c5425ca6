package store

import "testing"

func TestParticipantEventOrder(t *testing.T) {
	alice := Member{WaID: "15550000001"}
	type event struct {
		join bool
		at   int64
	}
	tests := []struct {
		name      string
		events    []event // in arrival order
		wantState string
		wantCount int
	}{
		{"join then leave", []event{{true, 100}, {false, 200}}, "left", 0},
		{"leave overtakes its join", []event{{false, 200}, {true, 100}}, "left", 0},
		{"an older leave arriving late is ignored", []event{{true, 200}, {false, 100}}, "member", 1},
		{"leave then rejoin", []event{{true, 100}, {false, 200}, {true, 300}}, "member", 1},
		{"rejoin overtakes the leave", []event{{true, 100}, {true, 300}, {false, 200}}, "member", 1},
		{"same timestamp: the later arrival wins", []event{{true, 100}, {false, 100}}, "left", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustOpen(t)
			g := activeGroup(t, s, "W1")
			for _, e := range tt.events {
				withTx(t, s, func(tx *Tx) error {
					if e.join {
						return tx.ParticipantJoined(g, alice, "invite_link", e.at)
					}
					return tx.ParticipantGone(g, alice, "left", e.at)
				})
			}
			var state string
			must(t, s.r.QueryRowContext(t.Context(), `SELECT state FROM participants WHERE group_id = ? AND member_key = ?`,
				g, alice.Key()).Scan(&state))
			grp, err := s.GroupByID(t.Context(), g)
			must(t, err)
			if state != tt.wantState || grp.ParticipantCount != tt.wantCount {
				t.Errorf("state %s count %d, want %s %d", state, grp.ParticipantCount, tt.wantState, tt.wantCount)
			}
		})
	}
}

func TestRemovalEchoedByOtherIdentifier(t *testing.T) {
	// A removal may name the member by user id when the join named the
	// phone number: it must close the same row, not add a second one.
	s := mustOpen(t)
	g := activeGroup(t, s, "W1")
	withTx(t, s, func(tx *Tx) error {
		return tx.ParticipantJoined(g, Member{WaID: "15550000001", UserID: "U1"}, "invite_link", 100)
	})
	withTx(t, s, func(tx *Tx) error { return tx.ParticipantGone(g, Member{UserID: "U1"}, "removed", 200) })
	ps, err := s.Participants(t.Context(), g)
	must(t, err)
	var rows int
	must(t, s.r.QueryRowContext(t.Context(), `SELECT count(*) FROM participants WHERE group_id = ?`, g).Scan(&rows))
	if len(ps) != 0 || rows != 1 {
		t.Errorf("%d members, %d rows; want 0 and 1", len(ps), rows)
	}
}
