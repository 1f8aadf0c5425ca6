package security

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"regexp"
	"sync"
	"testing"

	"groupdeck/handlers"
	"groupdeck/store"
)

var setupLink = regexp.MustCompile(`/setup\?token=(\S+)`)

// startEmpty starts groupdeck with no user, returning the printed token.
func startEmpty(t *testing.T) (*env, string) {
	t.Helper()
	var out bytes.Buffer
	e := startWith(t, map[string]string{"GROUPDECK_ADMIN_EMAIL": ""}, &out)
	m := setupLink.FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("no setup link printed: %q", out.String())
	}
	return e, m[1]
}

func TestSetupLinkCreatesOneAdminUnderConcurrency(t *testing.T) {
	e, tok := startEmpty(t)
	const n = 4
	clients := make([]*client, n)
	for i := range clients {
		clients[i] = e.client()
		if res, _ := clients[i].get("/setup?token=" + tok); res.StatusCode != http.StatusOK {
			t.Fatalf("setup page: %d", res.StatusCode)
		}
	}
	var wg sync.WaitGroup
	status := make([]int, n)
	for i, c := range clients {
		wg.Go(func() {
			form := url.Values{"token": {tok}, "email": {"admin" + itoa(int64(i)) + "@x.test"}, "password": {password}, "_csrf": {c.csrf}}
			req, _ := http.NewRequest(http.MethodPost, e.a.URL+"/setup", bytes.NewBufferString(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			res, err := c.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			res.Body.Close()
			status[i] = res.StatusCode
		})
	}
	wg.Wait()
	if users := e.count(`SELECT count(*) FROM users`); users != 1 {
		t.Errorf("%d concurrent uses of the setup link created %d accounts (answers %v)", n, users, status)
	}
	created := 0
	for _, st := range status {
		if st == http.StatusSeeOther {
			created++
		} else if st != http.StatusNotFound {
			t.Errorf("a refused use answered %d, want 404", st)
		}
	}
	if created != 1 {
		t.Errorf("%d uses answered as successful: %v", created, status)
	}
	if res, _ := e.client().get("/setup?token=" + tok); res.StatusCode != http.StatusNotFound {
		t.Errorf("the link after use: %d, want 404", res.StatusCode)
	}
}

// An administrator created another way (the command line) ends the link.
func TestSetupLinkEndsWhenAnyUserExists(t *testing.T) {
	e, tok := startEmpty(t)
	hash, _ := handlers.HashPassword(password)
	// What `groupdeck user add` does.
	if err := e.a.Store.CreateUser(context.Background(), &store.User{Email: "cli@x.test", PasswordHash: hash, Role: store.RoleAdmin}); err != nil {
		t.Fatal(err)
	}
	c := e.client()
	if res, _ := c.get("/setup?token=" + tok); res.StatusCode != http.StatusNotFound {
		t.Errorf("setup link after a CLI-created admin: %d, want 404", res.StatusCode)
	}
	c.get("/login")
	res, _ := c.send(http.MethodPost, "/setup", url.Values{"token": {tok}, "email": {"late@x.test"}, "password": {password}}, true)
	if res.StatusCode != http.StatusNotFound || e.count(`SELECT count(*) FROM users WHERE email = 'late@x.test'`) != 0 {
		t.Errorf("posting the old link after a CLI-created admin: %d", res.StatusCode)
	}
	if e.count(`SELECT count(*) FROM settings WHERE key = 'setup_token_sha256'`) != 0 {
		t.Error("the setup token is still stored although a user exists")
	}
}
