package views

import (
	"testing"

	"groupdeck/store"
)

func TestReadableWho(t *testing.T) {
	for in, want := range map[string]string{
		"+16505551234":    "+1 650 555 1234",
		"16505551234":     "+1 650 555 1234",
		"Ana Souza":       "Ana Souza",
		"US.134912086553": "US.134912086553",
		"":                "",
	} {
		if got := readableWho(in); got != want {
			t.Errorf("readableWho(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestBursts(t *testing.T) {
	at := int64(1_000_000_000)
	items := []store.ActivityItem{
		{ID: 9, At: at, Kind: store.ActCreated, Who: "ann@x.test"},
		{ID: 8, At: at - 1000, Kind: store.ActCreated, Who: "ann@x.test"},
		{ID: 7, At: at - 2000, Kind: store.ActCreated, Who: "ann@x.test"},
		{ID: 6, At: at - 3000, Kind: store.ActJoin, Who: "16505551234"},
		{ID: 5, At: at - 4000 - burstGap, Kind: store.ActJoin, Who: "16505551234"},
	}
	b := bursts(items)
	if len(b) != 3 || len(b[0].Items) != 3 || burstText(b[0]) != "3 groups created by ann@x.test" {
		t.Fatalf("bursts: %+v", b)
	}
	if len(b[1].Items) != 1 || len(b[2].Items) != 1 {
		t.Fatalf("a join far apart in time was folded: %+v", b)
	}
}

// The reviewed invite list is posted back as typed lines: numbers with
// their "+", business-scoped user ids as they are (a "+BR.…" would not
// read back as either).
func TestInviteReviewSendText(t *testing.T) {
	r := InviteReview{Send: []string{"16505551234", "BR.1502576394655843"}}
	if got := r.SendText(); got != "+16505551234\nBR.1502576394655843\n" {
		t.Errorf("SendText = %q", got)
	}
}
