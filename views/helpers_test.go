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
