package web

import (
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"
)

func TestAddrGroup(t *testing.T) {
	for in, want := range map[string]string{
		"203.0.113.9":          "203.0.113.9",
		"::ffff:203.0.113.9":   "203.0.113.9",
		"2001:db8:1:2::a":      "2001:db8:1:2::/64",
		"2001:db8:1:2:ffff::1": "2001:db8:1:2::/64",
		"2001:db8:1:3::1":      "2001:db8:1:3::/64",
		"fe80::1%eth0":         "fe80::/64",
		"not an address":       "not an address",
	} {
		if got := AddrGroup(in); got != want {
			t.Errorf("AddrGroup(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestBackoff(t *testing.T) {
	b := NewBackoff(3, 2*time.Second, 10*time.Second)
	now := time.Unix(1000, 0)
	for i := range 3 {
		b.Fail("k", now)
		if w := b.Wait("k", now); w != 0 {
			t.Fatalf("free failure %d: wait %v", i+1, w)
		}
	}
	for _, want := range []time.Duration{2 * time.Second, 4 * time.Second, 8 * time.Second, 10 * time.Second, 10 * time.Second} {
		b.Fail("k", now)
		if w := b.Wait("k", now); w != want {
			t.Errorf("wait %v, want %v", w, want)
		}
	}
	if w := b.Wait("other", now); w != 0 {
		t.Errorf("another key waits %v", w)
	}
	if w := b.Wait("k", now.Add(10*time.Second)); w != 0 {
		t.Errorf("after the wait: %v", w)
	}
	if w := b.Wait("k", now.Add(2*time.Hour)); w != 0 {
		t.Errorf("long after: %v", w)
	}
	b.Fail("k", now.Add(2*time.Hour)) // forgotten: counts from one again
	if w := b.Wait("k", now.Add(2*time.Hour)); w != 0 {
		t.Errorf("old failures not forgotten: wait %v", w)
	}
	b.Reset("k")
	if w := b.Wait("k", now); w != 0 {
		t.Errorf("after reset: %v", w)
	}
}

func TestLimiterCountsOnlyTaken(t *testing.T) {
	l := NewLimiter(time.Hour, 2)
	if l.Spent("a") {
		t.Fatal("spent before anything")
	}
	l.Take("a")
	l.Take("a")
	if !l.Spent("a") || l.Spent("b") {
		t.Error("two takes of a burst of two: a should be spent, b not")
	}
}

func TestClientIP(t *testing.T) {
	req := httptest.NewRequest("GET", "/", nil)
	req.RemoteAddr = "127.0.0.1:5000"
	req.Header.Set("X-Forwarded-For", "198.51.100.1, 203.0.113.9, 10.0.0.2")
	if got := ClientIP(nil)(req); got != "127.0.0.1" {
		t.Errorf("no trusted proxy: %q, want the connecting address", got)
	}
	trusted := []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("10.0.0.0/8")}
	if got := ClientIP(trusted)(req); got != "203.0.113.9" {
		t.Errorf("trusted proxies: %q, want the last untrusted hop", got)
	}
	req.RemoteAddr = "192.0.2.1:5000" // not a proxy: its header is its own claim
	if got := ClientIP(trusted)(req); got != "192.0.2.1" {
		t.Errorf("untrusted sender: %q", got)
	}
	req.RemoteAddr = "192.168.1.1:5000" // private, but not listed
	if got := ClientIP(trusted)(req); got != "192.168.1.1" {
		t.Errorf("unlisted private sender trusted: %q", got)
	}
}
