package handlers

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"groupdeck/store"
)

func TestUsersAdmin(t *testing.T) {
	ts := newTestServer(t)
	admin := ts.client()
	admin.login("admin@x.test")

	st, body := admin.form("/users", url.Values{"email": {"new"}, "role": {"manager"}, "password": {"short"}}, false)
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, "Enter an e-mail") || !strings.Contains(body, "at least 10") ||
		!strings.Contains(body, `value="new"`) {
		t.Fatalf("bad input: %d", st)
	}
	if st, _ = admin.form("/users", url.Values{"email": {"viewer@x.test"}, "role": {"viewer"}, "password": {"long enough pw"}}, false); st != http.StatusUnprocessableEntity {
		t.Errorf("duplicate e-mail: %d", st)
	}
	if st, _ = admin.form("/users", url.Values{"email": {"ann@x.test"}, "role": {"manager"}, "password": {"correct horse battery"}}, false); st != http.StatusSeeOther {
		t.Fatalf("create: %d", st)
	}
	ann, err := ts.store.UserByEmail(t.Context(), "ann@x.test")
	if err != nil || ann.Role != store.RoleManager {
		t.Fatalf("ann %+v %v", ann, err)
	}
	annC := ts.client()
	annC.login("ann@x.test")

	admin.form("/users/"+itoa64(ann.ID)+"/role", url.Values{"role": {"viewer"}}, false)
	if u, _ := ts.store.UserByID(t.Context(), ann.ID); u.Role != store.RoleViewer {
		t.Errorf("role %s", u.Role)
	}
	me, _ := ts.store.UserByEmail(t.Context(), "admin@x.test")
	if st, _ := admin.form("/users/"+itoa64(me.ID)+"/disable", nil, false); st != http.StatusUnprocessableEntity {
		t.Errorf("disabling oneself: %d", st)
	}
	// Disabling ends Ann's session at once.
	admin.form("/users/"+itoa64(ann.ID)+"/disable", nil, false)
	if st, _ := annC.get("/groups"); st != http.StatusSeeOther {
		t.Errorf("disabled user still signed in: %d", st)
	}
	admin.form("/users/"+itoa64(ann.ID)+"/enable", nil, false)
	if st, _ = admin.form("/users/"+itoa64(ann.ID)+"/password", url.Values{"password": {"another long one"}}, false); st != http.StatusSeeOther {
		t.Errorf("password: %d", st)
	}
	u, _ := ts.store.UserByID(t.Context(), ann.ID)
	if !CheckPassword(u.PasswordHash, "another long one") || u.Disabled {
		t.Error("password not set or still disabled")
	}

	_, body = admin.get("/audit?action=user.disable")
	if strings.Count(body, `data-testid="audit-row"`) != 1 || !strings.Contains(body, "ann@x.test") {
		t.Errorf("audit filter: %s", body)
	}
	_, body = admin.get("/audit?user=" + itoa64(me.ID))
	if strings.Count(body, `data-testid="audit-row"`) < 5 {
		t.Errorf("audit by user")
	}
}

func TestGroupListQuery(t *testing.T) {
	ts := newTestServer(t)
	seedActive(t, ts, "Alpha pod", "approval_required", "15550001111")
	seedActive(t, ts, "Beta pod", "auto_approve")
	c := ts.client()
	c.login("viewer@x.test")
	tests := []struct {
		query string
		want  []string
		not   []string
	}{
		{"", []string{"Alpha pod", "Beta pod"}, nil},
		{"?q=alpha", []string{"Alpha pod"}, []string{"Beta pod"}},
		{"?status=failed", []string{"No group matches"}, []string{"Alpha pod"}},
		{"?room=room&sort=fullest", []string{"Alpha pod", "Beta pod", `value="fullest" selected`}, nil},
		{"?q=%3Cscript%3E", []string{"&lt;script&gt;"}, []string{"<script>"}},
	}
	for _, tt := range tests {
		st, body := c.get("/groups" + tt.query)
		if st != 200 {
			t.Fatalf("%s: %d", tt.query, st)
		}
		for _, w := range tt.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s: missing %q", tt.query, w)
			}
		}
		for _, n := range tt.not {
			if strings.Contains(body, n) {
				t.Errorf("%s: has %q", tt.query, n)
			}
		}
	}
	_, body := c.get("/groups?q=alpha&status=active")
	if !strings.Contains(body, `hx-get="/groups/rows?q=alpha&amp;status=active"`) {
		t.Error("the live refresh does not keep the filters")
	}
}
