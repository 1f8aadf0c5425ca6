package app

import (
	"io"
	"strings"
	"testing"
	"time"
)

func envFrom(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestParseConfigDefaults(t *testing.T) {
	c, err := ParseConfig(nil, envFrom(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.DB != "groupdeck.db" || c.BaseURL != "http://127.0.0.1:8080" {
		t.Errorf("defaults: addr %q db %q base %q", c.Addr, c.DB, c.BaseURL)
	}
	if !c.Sandbox || c.AppSecret != SandboxAppSecret || c.VerifyToken != SandboxVerifyToken || c.PhoneNumberID != SandboxPhoneNumberID {
		t.Errorf("sandbox defaults not applied: %+v", c)
	}
	if c.SecureCookies() {
		t.Error("http base URL must not give Secure cookies")
	}
	if c.APIRateLimit != 300 {
		t.Errorf("API rate limit default %d", c.APIRateLimit)
	}
	if c.RateMarketing != 0.025 || c.RateUtility != 0.004 || c.RateCurrency != "USD" {
		t.Errorf("rate defaults: %v %v %q", c.RateMarketing, c.RateUtility, c.RateCurrency)
	}
	c, err = ParseConfig([]string{"-rate-utility", "0.01"}, envFrom(map[string]string{"GROUPDECK_RATE_MARKETING": "0.0456", "GROUPDECK_RATE_CURRENCY": "EUR"}), io.Discard)
	if err != nil || c.RateMarketing != 0.0456 || c.RateUtility != 0.01 || c.RateCurrency != "EUR" {
		t.Errorf("rates from env and flags: %+v %v", c, err)
	}
}

func TestParseConfigFlagsOverrideEnv(t *testing.T) {
	env := envFrom(map[string]string{"GROUPDECK_ADDR": "127.0.0.1:1111", "GROUPDECK_DB": "env.db",
		"GROUPDECK_BASE_URL": "https://deck.example.com/", "WA_ACCESS_TOKEN": "tok", "WA_APP_SECRET": "s3cret",
		"WA_VERIFY_TOKEN": "v3rify", "GROUPDECK_SESSION_KEY": strings.Repeat("k", 40)})
	c, err := ParseConfig([]string{"-addr", "127.0.0.1:2222", "-db", "flag.db"}, env, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:2222" || c.DB != "flag.db" {
		t.Errorf("flags did not win: %q %q", c.Addr, c.DB)
	}
	if c.BaseURL != "https://deck.example.com" || !c.SecureCookies() {
		t.Errorf("base URL %q secure %v", c.BaseURL, c.SecureCookies())
	}
	if c.Sandbox || c.GraphURL != DefaultGraphURL || c.AccessToken != "tok" {
		t.Errorf("live mode not chosen: sandbox %v graph %q", c.Sandbox, c.GraphURL)
	}
	if len(c.SessionKey) != 64 {
		t.Errorf("session key length %d", len(c.SessionKey))
	}
}

func TestParseConfigInvalid(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string // the setting the error must name
	}{
		{"addr without port", []string{"-addr", "localhost"}, nil, "GROUPDECK_ADDR"},
		{"base url not absolute", nil, map[string]string{"GROUPDECK_BASE_URL": "deck.example.com"}, "GROUPDECK_BASE_URL"},
		{"base url ftp", nil, map[string]string{"GROUPDECK_BASE_URL": "ftp://x"}, "GROUPDECK_BASE_URL"},
		{"graph url", []string{"-graph-url", "nope"}, nil, "WA_GRAPH_URL"},
		{"admin email without password", nil, map[string]string{"GROUPDECK_ADMIN_EMAIL": "a@b.c"}, "GROUPDECK_ADMIN_PASSWORD"},
		{"admin email invalid", nil, map[string]string{"GROUPDECK_ADMIN_EMAIL": "nobody", "GROUPDECK_ADMIN_PASSWORD": "long enough pw"}, "GROUPDECK_ADMIN_EMAIL"},
		{"admin password short", nil, map[string]string{"GROUPDECK_ADMIN_EMAIL": "a@b.c", "GROUPDECK_ADMIN_PASSWORD": "short"}, "GROUPDECK_ADMIN_PASSWORD"},
		{"session key short", nil, map[string]string{"GROUPDECK_SESSION_KEY": "short"}, "GROUPDECK_SESSION_KEY"},
		{"live without app secret", nil, map[string]string{"WA_ACCESS_TOKEN": "tok"}, "WA_APP_SECRET"},
		{"log format", []string{"-log-format", "xml"}, nil, "GROUPDECK_LOG_FORMAT"},
		{"stray argument", []string{"extra"}, nil, "extra"},
		{"rate not a number", nil, map[string]string{"GROUPDECK_RATE_MARKETING": "cheap"}, "GROUPDECK_RATE_MARKETING"},
		{"rate negative", []string{"-rate-utility", "-0.1"}, nil, "GROUPDECK_RATE_UTILITY"},
		{"rate currency empty", []string{"-rate-currency", " "}, nil, "GROUPDECK_RATE_CURRENCY"},
		{"api rate limit not a number", nil, map[string]string{"GROUPDECK_API_RATE_LIMIT": "lots"}, "GROUPDECK_API_RATE_LIMIT"},
		{"api rate limit zero", []string{"-api-rate-limit", "0"}, nil, "GROUPDECK_API_RATE_LIMIT"},
		{"send rate not a number", nil, map[string]string{"GROUPDECK_SEND_RATE": "fast"}, "GROUPDECK_SEND_RATE"},
		{"send rate zero", []string{"-send-rate", "0"}, nil, "GROUPDECK_SEND_RATE"},
		{"send rate above Meta's highest", nil, map[string]string{"GROUPDECK_SEND_RATE": "1001"}, "GROUPDECK_SEND_RATE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseConfig(tt.args, envFrom(tt.env), io.Discard)
			if err == nil {
				t.Fatal("want an error")
			}
			if !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q should be one line naming %s", err, tt.want)
			}
		})
	}
}

func TestParseConfigRetention(t *testing.T) {
	c, err := ParseConfig(nil, envFrom(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	d := 24 * time.Hour
	if want := (Retention{Deliveries: 30 * d, Failed: 90 * d, Dedup: 14 * d, Waiting: 14 * d, Every: time.Hour}); c.Keep != want {
		t.Errorf("defaults %+v, want %+v", c.Keep, want)
	}
	c, err = ParseConfig([]string{"-keep-failed", "120d", "-prune-interval", "1m"}, envFrom(map[string]string{"GROUPDECK_KEEP_DELIVERIES": "7d",
		"GROUPDECK_KEEP_DEDUP": "0", "GROUPDECK_KEEP_WAITING": "48h", "GROUPDECK_KEEP_MESSAGES": "365d"}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if want := (Retention{Deliveries: 7 * d, Failed: 120 * d, Waiting: 2 * d, Messages: 365 * d, Every: time.Minute}); c.Keep != want {
		t.Errorf("from env and flags %+v, want %+v", c.Keep, want)
	}
	for env, want := range map[string]string{
		"GROUPDECK_KEEP_DEDUP":      "at least 8d",
		"GROUPDECK_KEEP_DELIVERIES": "at least 1d",
	} {
		_, err := ParseConfig(nil, envFrom(map[string]string{env: "7d"}), io.Discard)
		if env == "GROUPDECK_KEEP_DELIVERIES" {
			_, err = ParseConfig(nil, envFrom(map[string]string{env: "3h"}), io.Discard)
		}
		if err == nil || !strings.Contains(err.Error(), env) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s too short: %v", env, err)
		}
	}
	if _, err := ParseConfig(nil, envFrom(map[string]string{"GROUPDECK_KEEP_WAITING": "two weeks"}), io.Discard); err == nil ||
		!strings.Contains(err.Error(), "GROUPDECK_KEEP_WAITING") {
		t.Errorf("unparsable retention: %v", err)
	}
}

// The outbox's pace is the number's throughput: 80 messages/s unless set.
func TestConfigSendRate(t *testing.T) {
	c, err := ParseConfig(nil, envFrom(nil), io.Discard)
	if err != nil || c.SendRate != DefaultSendRate {
		t.Fatalf("default send rate %d (%v), want %d", c.SendRate, err, DefaultSendRate)
	}
	c, err = ParseConfig(nil, envFrom(map[string]string{"GROUPDECK_SEND_RATE": "1000"}), io.Discard)
	if err != nil || c.SendRate != 1000 {
		t.Fatalf("GROUPDECK_SEND_RATE=1000 gave %d (%v)", c.SendRate, err)
	}
	c, err = ParseConfig([]string{"-send-rate", "20"}, envFrom(map[string]string{"GROUPDECK_SEND_RATE": "1000"}), io.Discard)
	if err != nil || c.SendRate != 20 {
		t.Fatalf("-send-rate 20 over the environment gave %d (%v)", c.SendRate, err)
	}
}

// GROUPDECK_KEEP_MESSAGES keeps messages forever unless set; set, it is
// at least a day (the soak's shortest value), by flag or environment,
// and a bad value stops the start with one line naming the setting.
func TestParseConfigKeepMessages(t *testing.T) {
	c, err := ParseConfig(nil, envFrom(nil), io.Discard)
	if err != nil || c.Keep.Messages != 0 || c.Keep.store().Messages != 0 {
		t.Fatalf("default: %v, %s; want 0 (forever)", err, c.Keep.Messages)
	}
	for _, tt := range []struct {
		args []string
		env  string
		want time.Duration
	}{
		{nil, "1d", 24 * time.Hour},
		{nil, "36h", 36 * time.Hour},
		{[]string{"-keep-messages", "365d"}, "", 365 * 24 * time.Hour},
		{[]string{"-keep-messages", "0"}, "30d", 0},
	} {
		c, err := ParseConfig(tt.args, envFrom(map[string]string{"GROUPDECK_KEEP_MESSAGES": tt.env}), io.Discard)
		if err != nil || c.Keep.Messages != tt.want || c.Keep.store().Messages != tt.want {
			t.Errorf("%v %q: %v %v, want %s", tt.args, tt.env, err, c.Keep.Messages, tt.want)
		}
	}
	for _, tt := range []struct {
		args []string
		env  string
		want string
	}{
		{nil, "23h", "at least 1d"},
		{nil, "-1d", "GROUPDECK_KEEP_MESSAGES"},
		{nil, "a year", "such as 365d"},
		{[]string{"-keep-messages", "12h"}, "", "at least 1d"},
	} {
		_, err := ParseConfig(tt.args, envFrom(map[string]string{"GROUPDECK_KEEP_MESSAGES": tt.env}), io.Discard)
		if err == nil || !strings.Contains(err.Error(), "GROUPDECK_KEEP_MESSAGES") || !strings.Contains(err.Error(), tt.want) ||
			strings.Contains(err.Error(), "\n") {
			t.Errorf("%v %q: error %v, want one line naming GROUPDECK_KEEP_MESSAGES with %q", tt.args, tt.env, err, tt.want)
		}
	}
}
