package app

import (
	"io"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseConfigSessionsAndProxies(t *testing.T) {
	c, err := ParseConfig(nil, envFrom(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.SessionIdle != 12*time.Hour || c.SessionLifetime != 14*24*time.Hour || len(c.TrustedProxies) != 0 {
		t.Errorf("defaults: idle %v lifetime %v proxies %v", c.SessionIdle, c.SessionLifetime, c.TrustedProxies)
	}
	c, err = ParseConfig([]string{"-session-idle", "30m"}, envFrom(map[string]string{
		"GROUPDECK_SESSION_IDLE": "2h", "GROUPDECK_SESSION_LIFETIME": "7d",
		"GROUPDECK_TRUSTED_PROXIES": "10.0.0.7/8, 127.0.0.1 ::1,fd00::/8",
	}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("127.0.0.1/32"),
		netip.MustParsePrefix("::1/128"), netip.MustParsePrefix("fd00::/8")}
	if c.SessionIdle != 30*time.Minute || c.SessionLifetime != 7*24*time.Hour || !slices.Equal(c.TrustedProxies, want) {
		t.Errorf("set: idle %v lifetime %v proxies %v", c.SessionIdle, c.SessionLifetime, c.TrustedProxies)
	}
	for name, env := range map[string]map[string]string{
		"GROUPDECK_SESSION_IDLE":     {"GROUPDECK_SESSION_IDLE": "soon"},
		"GROUPDECK_SESSION_LIFETIME": {"GROUPDECK_SESSION_LIFETIME": "0"},
		"GROUPDECK_TRUSTED_PROXIES":  {"GROUPDECK_TRUSTED_PROXIES": "10.0.0.0/8, nginx"},
	} {
		if _, err := ParseConfig(nil, envFrom(env), io.Discard); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%v: error %v should name %s", env, err, name)
		}
	}
	if _, err := ParseConfig(nil, envFrom(map[string]string{"GROUPDECK_SESSION_IDLE": "20d"}), io.Discard); err == nil {
		t.Error("an idle timeout longer than the lifetime was accepted")
	}
}
