package handlers

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"groupdeck/store"
)

var historyLineRe = regexp.MustCompile(`(?s)<li data-testid="history-line">.*?</li>`)

// historyLines is the text of each history line on a page, tags removed.
func historyLines(body string) []string {
	var out []string
	tags := regexp.MustCompile(`<[^>]+>`)
	for _, li := range historyLineRe.FindAllString(body, -1) {
		out = append(out, strings.Join(strings.Fields(tags.ReplaceAllString(li, " ")), " "))
	}
	return out
}

// The person page lists every join and leave, newest first, 30 at a time
// with Older history (as a fragment and as a plain link), keeps the join
// requests apart, and says so when there is nothing to show.
func TestPersonPageFullHistory(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	runners := seedActive(t, ts, "Runners", "")
	walkers := seedActive(t, ts, "Walkers", "approval_required")
	const ana = "351912345678"
	_, err := ts.store.SaveDelivery(ctx, []byte("{}"), "history", func(tx *store.Tx) error {
		m := store.Member{WaID: ana, Name: "Ana"}
		if err := tx.JoinRequest(walkers.ID, "jr-1", m, "pending", 1000); err != nil {
			return err
		}
		// 17 joins and 16 leaves in Runners: 33 events.
		for i := range 33 {
			at := int64(10_000 + 1000*i)
			if i%2 == 1 {
				if err := tx.ParticipantGone(runners.ID, m, "left", at); err != nil {
					return err
				}
				continue
			}
			via := "invite_link"
			if i == 32 {
				via = "sync"
			}
			if err := tx.ParticipantJoined(runners.ID, m, via, at); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	v := ts.client()
	v.login("viewer@x.test")
	st, body := v.get("/people/" + ana)
	lines := historyLines(body)
	if st != http.StatusOK || len(lines) != personHistoryPage {
		t.Fatalf("first page %d: %d lines\n%s", st, len(lines), body)
	}
	for i, want := range []string{"Joined (found in the group by a sync): Runners", "Left: Runners", "Joined via the invite link: Runners"} {
		if !strings.HasSuffix(lines[i], want) {
			t.Errorf("line %d %q, want … %q", i, lines[i], want)
		}
	}
	if !strings.Contains(body, `data-testid="request-line"`) || !strings.Contains(body, "Walkers</a>: waiting for a decision") {
		t.Errorf("the join request is not listed:\n%s", body)
	}
	older := regexp.MustCompile(`hx-get="(/people/[^"]+/history\?[^"]+)"`).FindStringSubmatch(body)
	plain := regexp.MustCompile(`href="(/people/[^"]+\?history_at=[^"#]+)#history"`).FindStringSubmatch(body)
	if older == nil || plain == nil {
		t.Fatalf("no Older history button:\n%s", body)
	}
	for _, u := range []string{older[1], plain[1]} {
		_, rest := v.get(strings.ReplaceAll(u, "&amp;", "&"))
		lines := historyLines(rest)
		if len(lines) != 3 || !strings.HasSuffix(lines[2], "Joined via the invite link: Runners") ||
			!strings.HasSuffix(lines[1], "Left: Runners") || strings.Contains(rest, "older-history") {
			t.Errorf("%s: %q", u, lines)
		}
	}

	// Deleting the group on WhatsApp removes her; the line says why.
	if _, err := ts.store.SaveDelivery(ctx, []byte("{}"), "deleted", func(tx *store.Tx) error {
		return tx.GroupDeleted(runners.ID, 99_000)
	}); err != nil {
		t.Fatal(err)
	}
	_, body = v.get("/people/" + ana)
	if lines := historyLines(body); !strings.HasSuffix(lines[0], "Removed when the group was deleted: Runners (deleted group)") {
		t.Errorf("after the group was deleted: %q", lines[0])
	}

	// Someone who only asked to join: no history yet, the request listed.
	if _, err := ts.store.SaveDelivery(ctx, []byte("{}"), "bo", func(tx *store.Tx) error {
		return tx.JoinRequest(walkers.ID, "jr-2", store.Member{WaID: "15550001111"}, "pending", 2000)
	}); err != nil {
		t.Fatal(err)
	}
	_, body = v.get("/people/15550001111")
	if !strings.Contains(body, `data-testid="person-no-history"`) || !strings.Contains(body, `data-testid="request-line"`) {
		t.Errorf("Bo's page:\n%s", body)
	}
	_, body = v.get("/people/" + ana + "/history?at=1&id=1")
	if strings.Contains(body, "history-line") {
		t.Errorf("nothing is older than the first event: %s", body)
	}
	if st, _ := v.get(fmt.Sprintf("/people/%s/history", "nobody")); st != http.StatusNotFound {
		t.Errorf("unknown person's history: %d", st)
	}
}
