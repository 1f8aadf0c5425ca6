package views

import "testing"

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

// The reviewed invite list is posted back as typed lines: numbers with
// their "+", business-scoped user ids as they are (a "+BR.…" would not
// read back as either).
func TestInviteReviewSendText(t *testing.T) {
	r := InviteReview{Send: []string{"16505551234", "BR.1502576394655843"}}
	if got := r.SendText(); got != "+16505551234\nBR.1502576394655843\n" {
		t.Errorf("SendText = %q", got)
	}
}
