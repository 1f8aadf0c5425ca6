package person

import "testing"

func TestNameOrder(t *testing.T) {
	cases := []struct {
		name, username, wa, uid, want string
	}{
		{"Ana", "ana_b", "16505551234", "BR.1502576394655843", "Ana"},
		{"  ", "ana_b", "16505551234", "BR.1502576394655843", "@ana_b"},
		{"", "@ana_b", "", "BR.1502576394655843", "@ana_b"},
		{"", "", "16505551234", "BR.1502576394655843", "+1 650 555 1234"},
		{"", "", "4915112345678", "", "+49 15112345678"},
		{"", "", "", "BR.1502576394655843", "BR.150…5843"},
		{"", "", "", "US.ENT.11815799212886844830", "US.ENT.118…4830"},
		{"", "", "", "IN.12345", "IN.12345"},
		{"", "", "", "", "Unknown person"},
	}
	for _, c := range cases {
		if got := Name(c.name, c.username, c.wa, c.uid); got != c.want {
			t.Errorf("Name(%q, %q, %q, %q) = %q, want %q", c.name, c.username, c.wa, c.uid, got, c.want)
		}
	}
}

func TestAside(t *testing.T) {
	if got := Aside("Ana", "", "16505551234"); got != "+1 650 555 1234" {
		t.Errorf("Aside with a name = %q", got)
	}
	if got := Aside("", "", "16505551234"); got != "" {
		t.Errorf("Aside repeats the number the name already shows: %q", got)
	}
	if got := Aside("", "ana", ""); got != "" {
		t.Errorf("Aside without a phone = %q", got)
	}
}
