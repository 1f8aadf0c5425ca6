package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
)

func openPeople(t *testing.T) (*Store, int64) {
	t.Helper()
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	g := &Group{Subject: "S", JoinApprovalMode: "auto_approve"}
	if err := s.CreateGroup(ctx, g); err != nil {
		t.Fatal(err)
	}
	return s, g.ID
}

// Rows written before migration 0012 keyed people by phone when known: the
// migration moves them to the BSUID the same rows name, merging the
// split a withheld phone caused, receipts included.
func TestIdentityMigrationMergesPhoneKeyedRows(t *testing.T) {
	s, gid := openPeople(t)
	ctx := context.Background()
	const phone, bsuid = "5511987654321", "BR.1502576394655843"
	err := s.write(ctx, func(t *Tx) error {
		for _, q := range []string{
			`DELETE FROM person_aliases`, `DELETE FROM people`,
			`DELETE FROM schema_migrations WHERE name = 'migrations/0017_identities.sql'`,
			`DROP TABLE person_aliases`, `DROP TABLE people`, `DROP INDEX participants_member`,
			`DROP INDEX join_requests_member`, `DROP INDEX messages_sender`, `DROP INDEX receipts_participant`,
		} {
			if _, err := t.exec(q); err != nil {
				return err
			}
		}
		if _, err := t.exec(`INSERT INTO participants (group_id, member_key, wa_id, user_id, name, state, joined_at, event_at)
			VALUES (?1, ?2, ?2, ?3, 'Bea', 'member', 100, 100), (?1, ?3, '', ?3, '', 'left', 0, 200)`, gid, phone, bsuid); err != nil {
			return err
		}
		if _, err := t.exec(`INSERT INTO receipts (wamid, participant, delivered_at, read_at) VALUES ('W', ?, 10, 0), ('W', ?, 0, 20)`, phone, bsuid); err != nil {
			return err
		}
		_, err := t.exec(`INSERT INTO messages (group_id, direction, wamid, kind, body, sender_key, state, created_at)
			VALUES (?, 'in', 'wamid.IN', 'text', 'oi', ?, 'received', 50)`, gid, phone)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var n int
	var key, state, wa string
	if err := s.r.QueryRow(`SELECT count(*), max(member_key), max(state), max(wa_id) FROM participants WHERE group_id = ?`, gid).
		Scan(&n, &key, &state, &wa); err != nil {
		t.Fatal(err)
	}
	if n != 1 || key != bsuid || state != "left" || wa != phone {
		t.Errorf("participants: %d rows, key %q, state %q, wa_id %q; want one left row keyed by the BSUID with the phone", n, key, state, wa)
	}
	var delivered, read int64
	if err := s.r.QueryRow(`SELECT count(*), max(delivered_at), max(read_at) FROM receipts WHERE wamid = 'W'`).Scan(&n, &delivered, &read); err != nil {
		t.Fatal(err)
	}
	if n != 1 || delivered != 10 || read != 20 {
		t.Errorf("receipts: %d rows, delivered %d, read %d; want one merged row", n, delivered, read)
	}
	if err := s.r.QueryRow(`SELECT sender_key FROM messages WHERE wamid = 'wamid.IN'`).Scan(&key); err != nil || key != bsuid {
		t.Errorf("message author %q (%v)", key, err)
	}
	p, ok, err := s.PersonByAlias(ctx, phone)
	if err != nil || !ok || p.Key != bsuid || p.Name != "Bea" {
		t.Errorf("person by phone: %+v %v %v", p, ok, err)
	}
}

func TestPersonMergesAndMovesAPhone(t *testing.T) {
	s, gid := openPeople(t)
	ctx := context.Background()
	const phone = "16505551234"
	err := s.write(ctx, func(t *Tx) error {
		if err := t.ParticipantJoined(gid, Member{WaID: phone, Name: "Ann"}, "invite_link", 100); err != nil {
			return err
		}
		// The BSUID appears with the phone: the same person, re-keyed.
		if k, err := t.Person(Member{WaID: phone, UserID: "US.111111111111"}); err != nil || k != "US.111111111111" {
			return fmt.Errorf("key %q, err %v; want the BSUID", k, err)
		}
		// The number later shows up with another BSUID: it changed hands.
		_, err := t.Person(Member{WaID: phone, UserID: "US.222222222222", Name: "Zed"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	ps, err := s.Participants(ctx, gid)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 1 || ps[0].Key != "US.111111111111" || ps[0].Name != "Ann" {
		t.Fatalf("participants %+v", ps)
	}
	if p, _, _ := s.PersonByAlias(ctx, phone); p.Key != "US.222222222222" {
		t.Errorf("the phone names %+v, want the new holder", p)
	}
	if p, _, _ := s.PersonByAlias(ctx, "US.111111111111"); p.WaID != "" {
		t.Errorf("the former holder still has the number: %+v", p)
	}
}
