package handlers

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"groupdeck/store"
	"groupdeck/whatsapp"
)

// seedActive stores an active group with n members and returns it.
func seedActive(t *testing.T, ts *testServer, subject, mode string, members ...string) *store.Group {
	t.Helper()
	ctx := context.Background()
	g := &store.Group{Subject: subject, JoinApprovalMode: mode}
	if err := ts.store.CreateGroup(ctx, g); err != nil {
		t.Fatal(err)
	}
	wa := fmt.Sprintf("WA-%d", g.ID)
	_, err := ts.store.SaveDelivery(ctx, []byte("{}"), "seed", func(tx *store.Tx) error {
		if err := tx.GroupCreated(store.GroupCreatedEvent{GroupID: g.ID, WaGroupID: wa, InviteLink: "https://chat.whatsapp.com/link" + wa, Subject: subject, Mode: mode, At: 1000}); err != nil {
			return err
		}
		for i, m := range members {
			if err := tx.ParticipantJoined(g.ID, store.Member{WaID: m, Name: "Person " + m}, "invite_link", int64(2000+i)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	g, err = ts.store.GroupByID(ctx, g.ID)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// postForm posts with the CSRF token and, when htmx is true, as htmx.
func (c *client) form(path string, form url.Values, htmx bool) (int, string) {
	c.ts.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("_csrf", c.csrf)
	req, _ := http.NewRequest(http.MethodPost, c.ts.URL+path, stringsReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if htmx {
		req.Header.Set("HX-Request", "true")
	}
	res, err := c.Do(req)
	if err != nil {
		c.ts.t.Fatal(err)
	}
	defer res.Body.Close()
	return res.StatusCode, readAll(res)
}

// roleClients signs in one client per role.
func roleClients(ts *testServer) map[string]*client {
	out := map[string]*client{}
	for _, r := range []string{"admin", "manager", "viewer"} {
		c := ts.client()
		c.login(r + "@x.test")
		out[r] = c
	}
	return out
}

func stringsReader(s string) *strings.Reader { return strings.NewReader(s) }

func readAll(res *http.Response) string {
	b, _ := io.ReadAll(res.Body)
	return string(b)
}

func sign(body []byte) string { return whatsapp.Sign(testSecret, body) }
