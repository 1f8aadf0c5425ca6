package handlers

import (
	"html"
	"regexp"
	"strings"
	"testing"
)

var liveElement = regexp.MustCompile(`<[^>]*\sid="([^"]+)"[^>]*>`)

// liveTriggers maps each element of page whose hx-trigger follows the
// event stream to its hx-trigger, failing on one without hx-sync.
func liveTriggers(t *testing.T, page string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, m := range liveElement.FindAllStringSubmatch(page, -1) {
		tag := html.UnescapeString(m[0])
		_, trig, ok := strings.Cut(tag, `hx-trigger="`)
		if !ok {
			continue
		}
		trig, _, _ = strings.Cut(trig, `"`)
		if !strings.Contains(trig, "sse:") {
			continue
		}
		out[m[1]] = trig
		if !strings.Contains(tag, `hx-sync="this:queue last"`) {
			t.Errorf("#%s follows the stream without hx-sync queue last: %s", m[1], tag)
		}
		if !strings.Contains(trig, "sse:changed") {
			t.Errorf("#%s misses the catch-all changed event: %s", m[1], trig)
		}
	}
	return out
}

// TestGroupPageFragmentsNameTheirEvents: each live fragment of a group
// page re-fetches on the events of the parts it shows, and only those.
func TestGroupPageFragmentsNameTheirEvents(t *testing.T) {
	ts := newTestServer(t)
	g := ts.activeGroup("111")
	c := ts.client()
	c.login("manager@x.test")
	_, page := c.get("/groups/" + itoa64(g.ID))
	got := liveTriggers(t, page)
	for id, want := range map[string]struct{ on, off []string }{
		"participants":    {[]string{"participants"}, []string{"receipts", "messages"}},
		"messages":        {[]string{"messages", "receipts"}, []string{"participants"}},
		"composer-status": {[]string{"messages", "participants"}, []string{"receipts"}},
		"group-activity":  {[]string{"activity"}, []string{"receipts", "messages"}},
		"group-summary":   {[]string{"settings"}, []string{"receipts", "messages"}},
		"changes":         {[]string{"settings"}, []string{"receipts"}},
		"group-schedules": {[]string{"schedules"}, []string{"receipts"}},
		"group-campaigns": {[]string{"participants"}, []string{"receipts"}},
	} {
		trig, ok := got[id]
		if !ok {
			t.Errorf("#%s does not follow the stream; live: %v", id, got)
			continue
		}
		for _, e := range want.on {
			if !strings.Contains(trig, "sse:"+e+",") && !strings.HasSuffix(trig, "sse:"+e) {
				t.Errorf("#%s does not re-fetch on %s: %s", id, e, trig)
			}
		}
		for _, e := range want.off {
			if strings.Contains(trig, "sse:"+e) {
				t.Errorf("#%s re-fetches on %s, which it does not show: %s", id, e, trig)
			}
		}
	}
}
