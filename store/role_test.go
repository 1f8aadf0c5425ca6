package store

import "testing"

func TestValidRole(t *testing.T) {
	for _, r := range []string{RoleAdmin, RoleManager, RoleViewer} {
		if !ValidRole(r) {
			t.Errorf("ValidRole(%q) = false", r)
		}
	}
	for _, r := range []string{"", "owner", "Admin", " admin"} {
		if ValidRole(r) {
			t.Errorf("ValidRole(%q) = true", r)
		}
	}
}
