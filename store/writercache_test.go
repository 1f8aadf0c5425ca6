package store

import (
	"context"
	"errors"
	"testing"
)

// person resolves m in a delivery of its own, through the group commit.
func personByDelivery(t *testing.T, s *Store, m Member) string {
	t.Helper()
	var key string
	res, err := s.SaveDelivery(context.Background(), []byte(`{}`), "messages", func(tx *Tx) error {
		var err error
		key, err = tx.Person(m)
		return err
	})
	if err != nil || res.Outcome == OutcomeFailed {
		t.Fatalf("delivery: %+v %v", res, err)
	}
	return key
}

// The writer's cache answers for a person only as stored: a change made
// outside the group commit (here a BSUID learnt for a phone number, which
// re-keys the person) is seen by the next delivery, not the cached key.
func TestWriterCacheFollowsChangesOutsideTheGroupCommit(t *testing.T) {
	s := mustOpen(t)
	personByDelivery(t, s, Member{WaID: "15550001", Name: "Ana"})
	if k := personByDelivery(t, s, Member{WaID: "15550001"}); k != "15550001" {
		t.Fatalf("key %q", k)
	}
	if k, ok := s.wc.aliases["15550001"]; !ok || k != "15550001" {
		t.Fatalf("an unchanged person was not cached after the commit: %q %v", k, ok)
	}
	withTx(t, s, func(tx *Tx) error {
		_, err := tx.Person(Member{WaID: "15550001", UserID: "US.ana"})
		return err
	})
	if k := personByDelivery(t, s, Member{WaID: "15550001"}); k != "US.ana" {
		t.Fatalf("after the re-key the phone number names %q, want US.ana", k)
	}
	// A new name through a delivery is stored, and the next read sees it.
	personByDelivery(t, s, Member{UserID: "US.ana", Name: "Ana B"})
	p, ok, err := s.PersonByAlias(context.Background(), "15550001")
	if err != nil || !ok || p.Name != "Ana B" || p.Key != "US.ana" {
		t.Fatalf("person %+v %v %v", p, ok, err)
	}
}

// What a batch read of rows it wrote itself is not kept when the batch
// rolls back: the person created by a delivery that then failed does not
// exist, and the next delivery naming them creates them.
func TestWriterCacheDropsWhatARolledBackBatchRead(t *testing.T) {
	s := mustOpen(t)
	res, err := s.SaveDelivery(context.Background(), []byte(`{}`), "messages", func(tx *Tx) error {
		if _, err := tx.Person(Member{WaID: "15550002", Name: "Bo"}); err != nil {
			return err
		}
		if _, err := tx.Person(Member{WaID: "15550002"}); err != nil { // read back, unchanged
			return err
		}
		return errors.New("cannot apply")
	})
	if err != nil || res.Outcome != OutcomeFailed {
		t.Fatalf("delivery: %+v %v", res, err)
	}
	if _, ok, _ := s.PersonByAlias(context.Background(), "15550002"); ok {
		t.Fatal("the failed delivery's person was stored")
	}
	personByDelivery(t, s, Member{WaID: "15550002"})
	if _, ok, err := s.PersonByAlias(context.Background(), "15550002"); !ok || err != nil {
		t.Fatalf("the person was taken from the cache, not stored: %v %v", ok, err)
	}
}

// A batch that committed before a write outside the group commit must not
// add what it read afterwards (the write may have changed it).
func TestWriterCacheBatchAfterOutsideWriteIsNotKept(t *testing.T) {
	var c writerCache
	b := c.batch()
	b.aliases = map[string]string{"1555": "1555"}
	b.people = map[string]Person{"1555": {Key: "1555", WaID: "1555"}}
	outside := &Tx{wc: &c} // a transaction of Store.write
	outside.forgetPeople("1555")
	c.commit(b)
	if len(c.aliases)+len(c.people) != 0 {
		t.Fatalf("stale batch kept: %v %v", c.aliases, c.people)
	}
	b = c.batch()
	b.groups = map[string]int64{"G1": 7}
	inBatch := &Tx{wc: &c, pend: b, batched: true} // a later batch forgetting its own
	inBatch.forgetPeople("other")
	c.commit(b)
	if c.groups["G1"] != 7 {
		t.Fatalf("a batch's own forget dropped its reads: %v", c.groups)
	}
}

// A group's id by its WhatsApp id is cached once found, and an unknown
// one is not: it is found as soon as the group gets that id.
func TestWriterCacheGroups(t *testing.T) {
	s := mustOpen(t)
	id := activeGroup(t, s, "WA1")
	lookup := func(wa string) (int64, bool) {
		var got int64
		var ok bool
		if _, err := s.SaveDelivery(context.Background(), []byte(`{}`), "messages", func(tx *Tx) error {
			var err error
			got, ok, err = tx.GroupByWa(wa)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return got, ok
	}
	if got, ok := lookup("WA1"); !ok || got != id {
		t.Fatalf("WA1: %d %v", got, ok)
	}
	if s.wc.groups["WA1"] != id {
		t.Fatalf("not cached: %v", s.wc.groups)
	}
	if _, ok := lookup("WA2"); ok {
		t.Fatal("WA2 found before it exists")
	}
	id2 := activeGroup(t, s, "WA2")
	if got, ok := lookup("WA2"); !ok || got != id2 {
		t.Fatalf("WA2 after it appeared: %d %v", got, ok)
	}
}

// A participant's rows show the person as stored wherever the name or a
// new identifier was learnt: a message's profile name reaches their rows
// in every group, and a join or leave row made later shows it too.
func TestParticipantRowsShowThePersonAsStored(t *testing.T) {
	s := mustOpen(t)
	g1, g2, g3, g4 := activeGroup(t, s, "G1"), activeGroup(t, s, "G2"), activeGroup(t, s, "G3"), activeGroup(t, s, "G4")
	withTx(t, s, func(tx *Tx) error {
		if err := tx.ParticipantJoined(g1, Member{WaID: "15550003"}, "invite_link", 10); err != nil {
			return err
		}
		return tx.ParticipantJoined(g2, Member{WaID: "15550003"}, "invite_link", 11)
	})
	// Through the group commit, twice: the second finds the person cached.
	for i, wamid := range []string{"wamid.n1", "wamid.n2"} {
		if _, err := s.SaveDelivery(context.Background(), []byte(`{}`), "messages", func(tx *Tx) error {
			_, err := tx.AddInbound(g1, wamid, KindText, "hi", Member{WaID: "15550003", Name: "Cy"}, int64(20+i))
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	withTx(t, s, func(tx *Tx) error { return tx.ParticipantGone(g3, Member{WaID: "15550003"}, "left", 30) })
	var name string
	if err := s.r.QueryRow(`SELECT name FROM participants WHERE group_id = ?`, g3).Scan(&name); err != nil || name != "Cy" {
		t.Fatalf("the row made by a leave shows %q (%v), want the stored name", name, err)
	}
	withTx(t, s, func(tx *Tx) error { return tx.ParticipantJoined(g4, Member{WaID: "15550003"}, "invite_link", 31) })
	if ps, err := s.Participants(context.Background(), g4); err != nil || len(ps) != 1 || ps[0].Name != "Cy" {
		t.Fatalf("the row made by a join does not show the stored name: %+v %v", ps, err)
	}
	withTx(t, s, func(tx *Tx) error {
		_, err := tx.Person(Member{WaID: "15550003", UserID: "US.cy", Username: "cy"})
		return err
	})
	for _, g := range []int64{g1, g2, g4} {
		ps, err := s.Participants(context.Background(), g)
		if err != nil || len(ps) != 1 {
			t.Fatalf("group %d: %+v %v", g, ps, err)
		}
		if p := ps[0]; p.Name != "Cy" || p.Key != "US.cy" || p.UserID != "US.cy" || p.WaID != "15550003" || p.Username != "cy" {
			t.Errorf("group %d row %+v", g, p)
		}
	}
}

// Touched lists each group once, in the order first touched, past the
// point where it switches to a set too.
func TestTouchedListsEachGroupOnce(t *testing.T) {
	var tx Tx
	for round := 0; round < 3; round++ {
		for g := int64(1); g <= 100; g++ {
			tx.touch(g)
		}
	}
	got := tx.Touched()
	if len(got) != 100 || got[0] != 1 || got[99] != 100 {
		t.Fatalf("touched %d groups: %v", len(got), got)
	}
}
