package handlers

import "testing"

func TestSafeNextHostile(t *testing.T) {
	for in, want := range map[string]string{
		"/groups":                  "/groups",
		"/groups/7?tab=people#top": "/groups/7?tab=people#top",
		"/":                        "/",
		"":                         "/",
		"/\t/evil.example":         "/",
		"/\n/evil.example":         "/",
		"/\u0085/evil.example":     "/",
		"/\u2028":                  "/\u2028", // a separator, not a control: stays a path
		"//evil.example":           "/",
		"/\\evil.example":          "/",
		"/%2F/evil.example":        "/",
		"/%09/evil.example":        "/",
		"https://evil.example":     "/",
		"javascript:alert(1)":      "/",
		"evil.example":             "/",
		"/a\xffb":                  "/",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestClientHint(t *testing.T) {
	for _, c := range []struct{ ua, ip, want string }{
		{"Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", "203.0.113.9", "Firefox on Linux · 203.0.113.9"},
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36 Edg/131.0", "::1", "Edge on Windows · ::1"},
		{"Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1", "198.51.100.2", "Safari on iOS · 198.51.100.2"},
		{"Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36", "x", "Chrome on Android · unknown address"},
		{"", "192.0.2.1", "Unknown browser · 192.0.2.1"},
	} {
		if got := clientHint(c.ua, c.ip); got != c.want {
			t.Errorf("clientHint(%q) = %q, want %q", c.ua, got, c.want)
		}
	}
}
