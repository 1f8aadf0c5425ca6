package security

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// hostile is text people control: group subjects and descriptions,
// profile names, usernames, messages.
var hostile = []string{
	`<script>alert("xss")</script>`,
	`"><img src=x onerror=alert(1)>`,
	`' onmouseover='alert(2)`,
	"\u202egnp.exe\u202c override",
	`javascript:alert(3)`,
}

func hostileText() string { return strings.Join(hostile, " ") }

// raw markers that must never reach a page unescaped.
var injected = []string{`<script>alert`, `<img src=x`, `' onmouseover='`}

var scriptTag = regexp.MustCompile(`(?i)<script[^>]*>`)

func assertEscaped(t *testing.T, path, body string) {
	t.Helper()
	for _, m := range injected {
		if strings.Contains(body, m) {
			i := strings.Index(body, m)
			t.Errorf("%s renders %q unescaped: …%s…", path, m, body[max(0, i-80):min(len(body), i+80)])
		}
	}
	for _, tag := range scriptTag.FindAllString(body, -1) {
		if !strings.Contains(tag, "src=") {
			t.Errorf("%s has an inline script tag %s", path, tag)
		}
	}
	if strings.Contains(body, "javascript:alert") && regexp.MustCompile(`(?i)href="javascript:`).MatchString(body) {
		t.Errorf("%s links to a javascript: URL", path)
	}
}

func TestHostileTextRendersEscaped(t *testing.T) {
	e := start(t)
	text := hostileText()
	long := strings.Repeat("Ω long text without spaces ", 4000) // ~100 KB
	id := e.group(text[:min(len(text), 120)], text, "sec-hostile")
	gid := strconv.FormatInt(id, 10)
	for i, d := range [][]byte{
		joined("sec-hostile", "15550001111", text),
		message("sec-hostile", "wamid.sec.1", "15550001111", text, text),
		message("sec-hostile", "wamid.sec.2", "15550002222", long, long),
	} {
		if st := e.signed(d); st != http.StatusOK {
			t.Fatalf("delivery %d: %d", i, st)
		}
	}
	admin := e.login("admin@x.test")
	// Staff-typed text goes through the forms too.
	if res, body := admin.send(http.MethodPost, "/groups/"+gid+"/messages", url.Values{"body": {text}}, true); res.StatusCode >= 500 {
		t.Fatalf("compose: %d %.300s", res.StatusCode, body)
	}
	if res, body := admin.send(http.MethodPost, "/groups", url.Values{"subject": {text[:100]}, "description": {text}}, true); res.StatusCode >= 500 {
		t.Fatalf("create: %d %.300s", res.StatusCode, body)
	}
	pages := []string{"/groups", "/groups?q=" + url.QueryEscape(text), "/groups/rows?q=" + url.QueryEscape(`"><img src=x>`),
		"/groups/" + gid, "/groups/" + gid + "/summary", "/groups/" + gid + "/participants", "/groups/" + gid + "/messages",
		"/requests", "/audit", "/jobs", "/groups/new?subject=" + url.QueryEscape(text), "/login?next=" + url.QueryEscape(text)}
	sawEscaped := false
	for _, p := range pages {
		res, body := admin.get(p)
		if res.StatusCode >= 500 {
			t.Errorf("%s: %d", p, res.StatusCode)
			continue
		}
		assertEscaped(t, p, body)
		if strings.Contains(body, "&lt;script&gt;alert(") {
			sawEscaped = true
		}
	}
	if !sawEscaped {
		t.Error("the hostile text was not shown (escaped) on any page; the test is not testing anything")
	}
}

// An RTL override in a name cannot reorder the text after it: inline
// elements are bidi-isolated by the stylesheet, and the character itself
// reaches the page only as text (the escaping test above).
func TestBidiOverridesIsolated(t *testing.T) {
	e := start(t)
	c := e.client()
	res, css := c.get("/static/css/app.css")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("app.css: %d", res.StatusCode)
	}
	rule := regexp.MustCompile(`(?s)span,[^{]*\ba\b[^{]*\{[^}]*unicode-bidi:\s*isolate`)
	if !rule.MatchString(css) {
		t.Error("app.css does not isolate inline elements (unicode-bidi: isolate)")
	}
}
