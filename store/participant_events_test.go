package store

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// historyText is key's whole history, newest first, read one, two and
// three events a page: each must give the same list, so no event is lost
// or repeated where a page ends, even between two at the same instant.
func historyText(t *testing.T, s *Store, key string) string {
	t.Helper()
	var first string
	for size := 1; size <= 3; size++ {
		var got []string
		var cur EventCursor
		for range 20 {
			es, err := s.PersonEvents(t.Context(), key, cur, size)
			must(t, err)
			if len(es) == 0 {
				break
			}
			for _, e := range es {
				got = append(got, fmt.Sprintf("%d:%s/%s@%d", e.GroupID, e.Kind, e.Via, e.At))
			}
			last := es[len(es)-1]
			cur = EventCursor{At: last.At, ID: last.ID}
		}
		text := strings.Join(got, " ")
		if size == 1 {
			first = text
		} else if text != first {
			t.Fatalf("%d a page: %s\n1 a page: %s", size, text, first)
		}
	}
	return first
}

// Joining, leaving and rejoining by another route are three events,
// newest first; a replayed webhook adds nothing, a late older one is kept;
// a re-key to the BSUID keeps them; deleting the group takes them along.
func TestParticipantEventsHistory(t *testing.T) {
	s, g1 := openPeople(t)
	g2 := activeGroup(t, s, "WA-2")
	const phone, bsuid = "351912345678", "PT.1234567890123"
	ana := Member{WaID: phone, Name: "Ana"}
	withTx(t, s, func(tx *Tx) error {
		if err := tx.ParticipantJoined(g1, ana, "invite_link", 100); err != nil {
			return err
		}
		if err := tx.ParticipantGone(g1, ana, "left", 200); err != nil {
			return err
		}
		return tx.ParticipantJoined(g1, ana, "admin_approval", 300)
	})
	// The same join delivered again changes nothing.
	withTx(t, s, func(tx *Tx) error { return tx.ParticipantJoined(g1, ana, "admin_approval", 300) })
	want := fmt.Sprintf("%[1]d:joined/admin_approval@300 %[1]d:left/@200 %[1]d:joined/invite_link@100", g1)
	if got := historyText(t, s, phone); got != want {
		t.Fatalf("history\n got %s\nwant %s", got, want)
	}
	// Webhook times are whole seconds: leaving and rejoining within the
	// same one are still two more events.
	withTx(t, s, func(tx *Tx) error {
		if err := tx.ParticipantGone(g1, ana, "left", 300); err != nil {
			return err
		}
		return tx.ParticipantJoined(g1, ana, "admin_approval", 300)
	})
	want = fmt.Sprintf("%[1]d:joined/admin_approval@300 %[1]d:left/@300 ", g1) + want
	if got := historyText(t, s, phone); got != want {
		t.Fatalf("history\n got %s\nwant %s", got, want)
	}
	// The participants row still says only the latest join.
	ps, err := s.Participants(t.Context(), g1)
	must(t, err)
	if len(ps) != 1 || ps[0].JoinedAt != 300 {
		t.Fatalf("participants %+v", ps)
	}

	// Two events at the same instant in two groups, and a removal
	// arriving after a newer join: both kept, in time order.
	withTx(t, s, func(tx *Tx) error {
		if err := tx.ParticipantJoined(g2, ana, "invite_link", 300); err != nil {
			return err
		}
		return tx.ParticipantGone(g2, ana, "removed", 250)
	})
	want = fmt.Sprintf("%[2]d:joined/invite_link@300 %[1]d:joined/admin_approval@300 %[1]d:left/@300 %[1]d:joined/admin_approval@300 %[2]d:removed/@250 %[1]d:left/@200 %[1]d:joined/invite_link@100", g1, g2)
	if got := historyText(t, s, phone); got != want {
		t.Fatalf("history\n got %s\nwant %s", got, want)
	}

	// WhatsApp ties the number to a BSUID: the history moves with them.
	withTx(t, s, func(tx *Tx) error {
		_, err := tx.Person(Member{WaID: phone, UserID: bsuid})
		return err
	})
	if got := historyText(t, s, bsuid); got != want {
		t.Fatalf("history after re-key\n got %s\nwant %s", got, want)
	}
	if got := historyText(t, s, phone); got != "" {
		t.Fatalf("the old key kept %s", got)
	}

	// The group deleted on WhatsApp removes everyone still in it.
	withTx(t, s, func(tx *Tx) error { return tx.GroupDeleted(g2, 400) })
	es, err := s.PersonEvents(t.Context(), bsuid, EventCursor{}, 1)
	must(t, err)
	if len(es) != 1 || es[0].GroupID != g2 || es[0].Kind != EventRemoved || es[0].Via != ViaGroupDeleted || es[0].At != 400 {
		t.Fatalf("after the group was deleted %+v", es)
	}
	// Rows leave the database with their group.
	withTx(t, s, func(tx *Tx) error {
		_, err := tx.exec(`DELETE FROM groups WHERE id = ?`, g2)
		return err
	})
	want = fmt.Sprintf("%[1]d:joined/admin_approval@300 %[1]d:left/@300 %[1]d:joined/admin_approval@300 %[1]d:left/@200 %[1]d:joined/invite_link@100", g1)
	if got := historyText(t, s, bsuid); got != want {
		t.Fatalf("after deleting group %d\n got %s\nwant %s", g2, got, want)
	}
}

// A sync that finds someone missing or gone says so in their history.
func TestParticipantEventsFromSync(t *testing.T) {
	s, g := openPeople(t)
	bo := Member{WaID: "15550001111"}
	cy := Member{WaID: "15550002222"}
	withTx(t, s, func(tx *Tx) error { return tx.ParticipantJoined(g, bo, "invite_link", 100) })
	withTx(t, s, func(tx *Tx) error {
		return tx.reconcileMembers(g, []Member{cy}, 500, func(string, string) error { return nil })
	})
	if got, want := historyText(t, s, bo.WaID), fmt.Sprintf("%[1]d:left/sync@500 %[1]d:joined/invite_link@100", g); got != want {
		t.Errorf("Bo: got %s, want %s", got, want)
	}
	if got, want := historyText(t, s, cy.WaID), fmt.Sprintf("%d:joined/sync@500", g); got != want {
		t.Errorf("Cy: got %s, want %s", got, want)
	}
}

// Before migration 0024 only the participants row's latest join and leave
// existed: the migration starts each history from them.
func TestParticipantEventsBackfill(t *testing.T) {
	s, gid := openPeople(t)
	ctx := context.Background()
	err := s.write(ctx, func(t *Tx) error {
		for _, q := range []string{
			`DELETE FROM schema_migrations WHERE name = 'migrations/0024_participant_events.sql'`,
			`DROP TABLE participant_events`,
		} {
			if _, err := t.exec(q); err != nil {
				return err
			}
		}
		_, err := t.exec(`INSERT INTO participants (group_id, member_key, wa_id, state, joined_via, joined_at, left_at, event_at)
			VALUES (?1, 'A', 'A', 'member', 'invite_link', 100, 50, 100), (?1, 'B', 'B', 'removed', 'sync', 120, 180, 180),
			(?1, 'C', 'C', 'left', '', 0, 90, 90)`, gid)
		return err
	})
	must(t, err)
	must(t, s.migrate(ctx))
	for key, want := range map[string]string{
		"A": fmt.Sprintf("%d:joined/invite_link@100", gid), // a member: an old leave is not history any more
		"B": fmt.Sprintf("%[1]d:removed/@180 %[1]d:joined/sync@120", gid),
		"C": fmt.Sprintf("%d:left/@90", gid), // a leave seen without its join
	} {
		if got := historyText(t, s, key); got != want {
			t.Errorf("%s: got %s, want %s", key, got, want)
		}
	}
}
