package store

import (
	"fmt"
	"strings"
	"testing"
)

// A person's messages page newest first across groups, with no gaps or
// repeats between pages, and only their own inbound messages.
func TestPersonMessagesPages(t *testing.T) {
	s, g1 := openPeople(t)
	g2 := activeGroup(t, s, "WA-2")
	ana := Member{WaID: "351912345678", Name: "Ana"}
	withTx(t, s, func(tx *Tx) error {
		for i := range 7 {
			g := g1
			if i%2 == 1 {
				g = g2
			}
			if err := tx.InboundMessage(g, fmt.Sprintf("wamid.a%d", i), KindText, fmt.Sprintf("hello %d", i), ana, int64(1000+i)); err != nil {
				return err
			}
		}
		return tx.InboundMessage(g1, "wamid.b", KindText, "not Ana", Member{WaID: "15550001111"}, 2000)
	})
	var got []string
	before := int64(0)
	for range 4 {
		ms, err := s.PersonMessages(t.Context(), ana.WaID, before, 3)
		must(t, err)
		if len(ms) == 0 {
			break
		}
		for _, m := range ms {
			got = append(got, m.Body)
		}
		before = ms[len(ms)-1].ID
	}
	want := "[hello 6 hello 5 hello 4 hello 3 hello 2 hello 1 hello 0]"
	if fmt.Sprint(got) != want {
		t.Fatalf("pages %v, want %s", got, want)
	}
}

// When a person known by phone gets a BSUID, their label and note move
// with them instead of being left on the old key.
func TestPersonLabelFollowsRekey(t *testing.T) {
	s, gid := openPeople(t)
	withTx(t, s, func(tx *Tx) error {
		return tx.ParticipantJoined(gid, Member{WaID: "15550001111", Name: "Bo"}, "invite_link", 100)
	})
	withTx(t, s, func(tx *Tx) error {
		return tx.SetPersonLabel(&PersonLabel{MemberKey: "15550001111", Label: "VIP", Note: "Pays yearly"})
	})
	withTx(t, s, func(tx *Tx) error {
		_, err := tx.Person(Member{WaID: "15550001111", UserID: "US.1234567890123"})
		return err
	})
	l, err := s.PersonLabel(t.Context(), "US.1234567890123")
	must(t, err)
	if l.Label != "VIP" || l.Note != "Pays yearly" {
		t.Fatalf("label after rekey %+v", l)
	}
	old, err := s.PersonLabel(t.Context(), "15550001111")
	must(t, err)
	if old.Label != "" {
		t.Fatalf("the old key kept its label %+v", old)
	}
	rows, total, err := s.SearchPeople(t.Context(), PeopleQuery{Search: "pays"})
	must(t, err)
	if total != 1 || rows[0].Key != "US.1234567890123" || rows[0].Groups != 1 {
		t.Fatalf("search after rekey %d %+v", total, rows)
	}
}

func TestCheckPersonLabel(t *testing.T) {
	if l, errs := CheckPersonLabel(" VIP ", "note"); l != "VIP" || errs != nil {
		t.Errorf("trimmed label %q %v", l, errs)
	}
	if _, errs := CheckPersonLabel(strings.Repeat("é", MaxPersonLabel), strings.Repeat("é", MaxPersonNote)); errs != nil {
		t.Errorf("text at the limits refused: %v", errs)
	}
	if _, errs := CheckPersonLabel("two\nlines", ""); errs["label"] != "The label is one line; put longer text in the note." {
		t.Errorf("two-line label: %v", errs)
	}
	if _, errs := CheckPersonLabel(strings.Repeat("x", MaxPersonLabel+1), strings.Repeat("x", MaxPersonNote+1)); errs["label"] == "" || errs["note"] == "" {
		t.Errorf("text over the limits passed: %v", errs)
	}
}
