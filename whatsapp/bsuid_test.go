package whatsapp

import "testing"

func TestIsBSUID(t *testing.T) {
	for id, want := range map[string]bool{
		"US.13491208655302741918":     true,
		"BR.1502576394655843":         true,
		"IN.9876543210123":            true,
		"DE.abcDEF123":                true,
		"US.ENT.11815799212886844830": true,
		"16505551234":                 false,
		"+16505551234":                false,
		"us.1234":                     false,
		"USA.1234":                    false,
		"BR.":                         false,
		"BR.ENT.":                     false,
		"BR.15-02":                    false,
		"":                            false,
	} {
		if got := IsBSUID(id); got != want {
			t.Errorf("IsBSUID(%q) = %v, want %v", id, got, want)
		}
	}
	if !IsParentBSUID("US.ENT.11815799212886844830") || IsParentBSUID("US.13491208655302741918") {
		t.Error("IsParentBSUID")
	}
}
