package handlers

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// groupUpdate wraps value.groups of a group_participants_update webhook.
func groupUpdate(groups string) string {
	return `{"object":"whatsapp_business_account","entry":[{"id":"W","changes":[{"field":"group_participants_update",
"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"1","phone_number_id":"P"},
"groups":[` + groups + `]}}]}]}`
}

// A feed line about a participant links their name to their person page,
// on the home feed and the group's own; the name is text, never markup.
// Lines by staff or about the group link to nobody.
func TestActivityLinesLinkToThePerson(t *testing.T) {
	ts := newTestServer(t)
	c := ts.client()
	c.login("viewer@x.test")
	manager := ts.client()
	manager.login("manager@x.test")
	createdGroup(t, ts, manager)
	now := strconv.FormatInt(time.Now().Unix(), 10)
	ts.deliver(joinedJSON())
	ts.deliver(`{"object":"whatsapp_business_account","entry":[{"id":"W","changes":[{"field":"messages",
"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"1","phone_number_id":"P"},
"contacts":[{"profile":{"name":"<i>Ana</i>"},"wa_id":"16505550002"}],
"messages":[{"from":"16505550002","group_id":"G1","id":"wamid.A1","timestamp":"` + now + `","type":"text","text":{"body":"hi"}}]}}]}]}`)

	for _, path := range []string{"/home/activity", "/groups/1/activity"} {
		st, feed := c.get(path)
		if st != http.StatusOK {
			t.Fatalf("%s: %d", path, st)
		}
		if !strings.Contains(feed, `<a href="/people/16505551234" data-testid="activity-person">+1 650 555 1234</a>`) {
			t.Errorf("%s: the join line does not link to the person:\n%s", path, feed)
		}
		if !strings.Contains(feed, `<a href="/people/16505550002" data-testid="activity-person">&lt;i&gt;Ana&lt;/i&gt;</a>`) ||
			strings.Contains(feed, "<i>Ana") {
			t.Errorf("%s: the message line does not link to its sender, or shows the name as markup:\n%s", path, feed)
		}
		if n := strings.Count(feed, `data-testid="activity-person"`); n != 2 {
			t.Errorf("%s: %d person links, want 2 (the created line names no participant):\n%s", path, n, feed)
		}
	}
	if st, page := c.get("/people/16505551234"); st != http.StatusOK || !strings.Contains(page, "Book club") {
		t.Errorf("the linked person page: %d", st)
	}
}

// A join that follows an approved join request reads so on the
// participant list, the person page and the feed; a plain link join
// still reads "via the invite link".
func TestJoinAfterApprovalReadsSo(t *testing.T) {
	ts := newTestServer(t)
	c := ts.client()
	c.login("manager@x.test")
	createdGroup(t, ts, c)
	now := time.Now().Unix()
	at := func(d int64) string { return strconv.FormatInt(now+d, 10) }
	ts.deliver(groupUpdate(`{"timestamp":"` + at(0) + `","group_id":"G1","type":"group_join_request_created",
"reason":"admin_approval","join_request_id":"JR1","wa_id":"16505550003"}`))
	ts.deliver(groupUpdate(`{"timestamp":"` + at(1) + `","group_id":"G1","type":"group_participants_add","reason":"invite_link",
"added_participants":[{"input":"16505550003","wa_id":"16505550003"}]}`))
	ts.deliver(joinedJSON())

	_, list := c.get("/groups/1/participants")
	items := strings.Split(list, `data-testid="participant"`)[1:]
	if len(items) != 2 {
		t.Fatalf("participants: %d\n%s", len(items), list)
	}
	for _, it := range items {
		approved := strings.Contains(it, "/people/16505550003")
		if approved != strings.Contains(it, "after their join request was approved") ||
			approved == strings.Contains(it, "via the invite link") {
			t.Errorf("participant row (approved request: %v) reads:\n%s", approved, it)
		}
	}
	if _, page := c.get("/people/16505550003"); !strings.Contains(page, `Joined after their join request was approved: <a href="/groups/1">Book club</a>`) {
		t.Errorf("person page history:\n%s", page)
	}
	_, feed := c.get("/home/activity")
	if !strings.Contains(feed, "joined after their join request was approved") {
		t.Errorf("feed:\n%s", feed)
	}
}
