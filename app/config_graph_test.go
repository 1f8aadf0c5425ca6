package app

import (
	"io"
	"strings"
	"testing"
)

func TestParseConfigGraphVersion(t *testing.T) {
	live := map[string]string{"WA_ACCESS_TOKEN": "tok", "WA_APP_SECRET": "s", "WA_VERIFY_TOKEN": "v3rify"}
	with := func(kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range live {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		version string
		url     string
	}{
		{"default v26.0", nil, live, "v26.0", "https://graph.facebook.com/v26.0"},
		{"env", nil, with("WA_GRAPH_VERSION", "v23.0"), "v23.0", "https://graph.facebook.com/v23.0"},
		{"flag wins", []string{"-graph-version", "v25.0"}, with("WA_GRAPH_VERSION", "v23.0"), "v25.0", "https://graph.facebook.com/v25.0"},
		{"explicit URL wins", nil, with("WA_GRAPH_URL", "https://proxy.example.com/v24.0"), "v26.0", "https://proxy.example.com/v24.0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseConfig(tt.args, envFrom(tt.env), io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			if c.GraphVersion != tt.version || c.GraphURL != tt.url {
				t.Errorf("version %q url %q, want %q %q", c.GraphVersion, c.GraphURL, tt.version, tt.url)
			}
		})
	}
	for _, bad := range []string{"26.0", "v26", "latest", "v26.0/"} {
		_, err := ParseConfig(nil, envFrom(with("WA_GRAPH_VERSION", bad)), io.Discard)
		if err == nil || !strings.Contains(err.Error(), "WA_GRAPH_VERSION") {
			t.Errorf("WA_GRAPH_VERSION=%q: %v", bad, err)
		}
	}
}
