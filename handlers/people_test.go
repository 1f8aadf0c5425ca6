package handlers

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"groupdeck/store"
)

// seedPerson adds one member to g with the given name and returns their key.
func seedPerson(t *testing.T, ts *testServer, g *store.Group, waID, name string) string {
	t.Helper()
	_, err := ts.store.SaveDelivery(context.Background(), []byte("{}"), "seed-"+waID, func(tx *store.Tx) error {
		return tx.ParticipantJoined(g.ID, store.Member{WaID: waID, Name: name}, "invite_link", 5000)
	})
	if err != nil {
		t.Fatal(err)
	}
	return waID
}

func TestPersonLabelSavedAuditedAndShown(t *testing.T) {
	ts := newTestServer(t)
	g := seedActive(t, ts, "Runners", "")
	key := seedPerson(t, ts, g, "351912345678", "<script>alert(1)</script>")
	cs := roleClients(ts)

	st, body := cs["viewer"].get("/people/" + key)
	if st != http.StatusOK || !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") || strings.Contains(body, "<script>alert(1)") {
		t.Fatalf("person page %d: the name is not shown as text:\n%s", st, body)
	}
	if !strings.Contains(body, "+351 912 345 678") || !strings.Contains(body, "Runners") {
		t.Fatalf("person page lacks the phone or the group:\n%s", body)
	}
	if strings.Contains(body, `data-testid="label-form"`) {
		t.Fatal("a viewer is offered the label form")
	}
	if st, _ := cs["viewer"].form("/people/"+key+"/label", url.Values{"label": {"VIP"}}, true); st != http.StatusForbidden {
		t.Fatalf("viewer saved a label: %d", st)
	}

	st, body = cs["manager"].form("/people/"+key+"/label", url.Values{"label": {"  VIP coach "}, "note": {"Met at <b>the</b> race"}}, true)
	if st != http.StatusOK || !strings.Contains(body, `data-testid="label-saved"`) || !strings.Contains(body, "Met at &lt;b&gt;the&lt;/b&gt; race") {
		t.Fatalf("save: %d\n%s", st, body)
	}
	l, err := ts.store.PersonLabel(context.Background(), key)
	if err != nil || l.Label != "VIP coach" || l.Note != "Met at <b>the</b> race" {
		t.Fatalf("stored %+v %v", l, err)
	}
	rows, _, err := ts.store.AuditSearch(context.Background(), store.AuditQuery{Action: string(store.AuditPersonLabel), Limit: 10})
	if err != nil || len(rows) != 1 || !strings.Contains(rows[0].Detail, key) {
		t.Fatalf("audit rows %+v %v", rows, err)
	}

	// The label shows next to the name in the participants list, which
	// links to the person page.
	_, body = cs["viewer"].get("/groups/" + itoa64(g.ID) + "/participants")
	if !strings.Contains(body, `data-testid="participant-label">VIP coach<`) || !strings.Contains(body, `href="/people/`+key+`"`) {
		t.Fatalf("participants list:\n%s", body)
	}
}

func TestPersonLabelTooLongKeepsWhatWasTyped(t *testing.T) {
	ts := newTestServer(t)
	g := seedActive(t, ts, "Runners", "")
	key := seedPerson(t, ts, g, "15550001111", "Ana")
	c := ts.client()
	c.login("manager@x.test")
	long := strings.Repeat("x", store.MaxPersonLabel+1)
	for _, htmx := range []bool{true, false} {
		st, body := c.form("/people/"+key+"/label", url.Values{"label": {long}, "note": {"keep this note"}}, htmx)
		if st != http.StatusUnprocessableEntity || !strings.Contains(body, "The label has 65 characters; at most 64.") ||
			!strings.Contains(body, "keep this note") || !strings.Contains(body, `aria-invalid="true"`) {
			t.Fatalf("htmx=%v: %d\n%s", htmx, st, body)
		}
	}
	if l, _ := ts.store.PersonLabel(context.Background(), key); l.Label != "" || l.Note != "" {
		t.Fatalf("a refused save stored %+v", l)
	}
	if st, _ := c.form("/people/nobody/label", url.Values{"label": {"x"}}, true); st != http.StatusNotFound {
		t.Fatalf("unknown person: %d", st)
	}
	// Without the CSRF token nothing is saved.
	res, err := c.PostForm(ts.URL+"/people/"+key+"/label", url.Values{"label": {"x"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("no CSRF token: %d", res.StatusCode)
	}
}

func TestPeopleSearchAndExport(t *testing.T) {
	ts := newTestServer(t)
	g := seedActive(t, ts, "Runners", "")
	ana := seedPerson(t, ts, g, "351912345678", "Ana Souza")
	seedPerson(t, ts, g, "33612345678", "Bruno Lima")
	seedPerson(t, ts, g, "15550001111", "Carla")
	ctx := context.Background()
	if _, err := ts.store.WithTx(ctx, func(tx *store.Tx) error {
		return tx.SetPersonLabel(&store.PersonLabel{MemberKey: ana, Label: "Coach", Note: "=HYPERLINK(\"x\") runs the 10k"})
	}); err != nil {
		t.Fatal(err)
	}
	c := ts.client()
	c.login("viewer@x.test")
	for q, want := range map[string][]string{
		"":              {"Ana Souza", "Bruno Lima", "Carla"},
		"10K":           {"Ana Souza"},      // note, any case
		"coach":         {"Ana Souza"},      // label
		"bruno":         {"Bruno Lima"},     // name
		"+33 6 12 34":   {"Bruno Lima"},     // phone digits, typed with spaces
		"555-0001":      {"Carla"},          // phone digits with a dash
		"nobody at all": {"Nobody matches"}, // the empty state
	} {
		st, body := c.get("/people?q=" + url.QueryEscape(q))
		if st != http.StatusOK {
			t.Fatalf("%q: %d", q, st)
		}
		got := strings.Count(body, `data-testid="person-row"`)
		if q != "nobody at all" && got != len(want) {
			t.Errorf("%q: %d rows, want %v", q, got, want)
		}
		for _, w := range want {
			if !strings.Contains(body, w) {
				t.Errorf("%q: %q missing", q, w)
			}
		}
	}

	res, err := c.Get(ts.URL + "/people.csv")
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(res.Body).ReadAll()
	res.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(recs[0], ",") != "display_name,phone,wa_id,user_id,username,name,label,note,groups_now" || len(recs) != 4 {
		t.Fatalf("people.csv: %v", recs)
	}
	row := recs[1] // Ana Souza comes first
	if row[0] != "Ana Souza" || row[2] != "351912345678" || row[6] != "Coach" || row[7] != `'=HYPERLINK("x") runs the 10k` || row[8] != "1" {
		t.Fatalf("Ana's row %q", row)
	}

	res, err = c.Get(ts.URL + "/groups/" + itoa64(g.ID) + "/participants.csv")
	if err != nil {
		t.Fatal(err)
	}
	recs, err = csv.NewReader(res.Body).ReadAll()
	res.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	head := strings.Join(recs[0], ",")
	if !strings.HasSuffix(head, ",display_name,label,note") {
		t.Fatalf("participants.csv header %q", head)
	}
	found := false
	for _, r := range recs[1:] {
		if r[4] == ana {
			found = r[len(r)-2] == "Coach" && strings.HasPrefix(r[len(r)-1], "'=HYPERLINK")
		}
	}
	if !found {
		t.Fatalf("participants.csv lacks Ana's label: %v", recs)
	}
	rows, _, err := ts.store.AuditSearch(ctx, store.AuditQuery{Action: string(store.AuditPeopleExport), Limit: 10})
	if err != nil || len(rows) != 1 {
		t.Fatalf("export audit %v %v", rows, err)
	}
}

// The person page credits the campaign whose link they opened just
// before joining, pages their messages, and redirects an old identifier
// to their key.
func TestPersonPageCampaignMessagesAndAlias(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	g := seedActive(t, ts, "Runners", "")
	c := &store.Campaign{Name: "Spring flyer", Slug: "spring", GroupID: g.ID, Enabled: true}
	if err := ts.store.CreateCampaign(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := ts.store.RecordVisit(ctx, &store.Visit{CampaignID: c.ID, At: 4000, Device: "phone", GroupID: g.ID, Outcome: store.VisitRedirected}, 0); err != nil {
		t.Fatal(err)
	}
	key := seedPerson(t, ts, g, "351912345678", "Ana")
	_, err := ts.store.SaveDelivery(ctx, []byte("{}"), "msgs", func(tx *store.Tx) error {
		for i := range 25 {
			if err := tx.InboundMessage(g.ID, "wamid.m"+itoa64(int64(i)), store.KindText, "message number "+itoa64(int64(i)),
				store.Member{WaID: key}, int64(6000+i)); err != nil {
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
	st, body := v.get("/people/" + key)
	if st != http.StatusOK || !strings.Contains(body, `href="/campaigns/`+itoa64(c.ID)+`">Spring flyer</a>`) {
		t.Fatalf("campaign not credited: %d\n%s", st, body)
	}
	if n := strings.Count(body, `data-testid="person-message"`); n != personMessagesPage ||
		!strings.Contains(body, "message number 24") || strings.Contains(body, "message number 4<") {
		t.Fatalf("first page has %d messages:\n%s", n, body)
	}
	older := regexp.MustCompile(`hx-get="(/people/[^"]+/messages\?before=\d+)"`).FindStringSubmatch(body)
	if older == nil {
		t.Fatal("no Older messages button")
	}
	_, body = v.get(strings.ReplaceAll(older[1], "&amp;", "&"))
	if n := strings.Count(body, `data-testid="person-message"`); n != 5 || !strings.Contains(body, "message number 0<") || strings.Contains(body, "older-messages") {
		t.Fatalf("second page has %d messages:\n%s", n, body)
	}

	// Once WhatsApp ties the number to a BSUID, the old address redirects.
	if _, err := ts.store.WithTx(ctx, func(tx *store.Tx) error {
		_, err := tx.Person(store.Member{WaID: key, UserID: "PT.1234567890123"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	res, err := v.Get(ts.URL + "/people/" + key)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/people/PT.1234567890123" {
		t.Fatalf("old key: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	if st, _ := v.get("/people/nobody"); st != http.StatusNotFound {
		t.Fatalf("unknown key: %d", st)
	}
}

func TestPeopleListKeepsThePhoneInItsColumn(t *testing.T) {
	ts := newTestServer(t)
	g := seedActive(t, ts, "Runners", "")
	seedPerson(t, ts, g, "351912345678", "")
	seedPerson(t, ts, g, "33612345678", "Bruno Lima")
	c := ts.client()
	c.login("viewer@x.test")
	_, body := c.get("/people")
	rows := strings.Split(body, `data-testid="person-row"`)
	if len(rows) != 3 {
		t.Fatalf("%d rows", len(rows)-1)
	}
	for _, row := range rows[1:] {
		named := strings.Contains(row, "Bruno Lima")
		want := map[bool]string{true: "+33 6 12 34 56 78", false: "+351 912 345 678"}[named]
		if !strings.Contains(row, `<td class="phone nowrap">`+want+`</td>`) {
			t.Errorf("the Phone column lacks %s:\n%s", want, row)
		}
		if hint := strings.Contains(row, `<span class="muted" data-testid="name-unknown">name not shared yet</span>`); hint == named {
			t.Errorf("named %v, hint %v:\n%s", named, hint, row)
		}
	}
}
