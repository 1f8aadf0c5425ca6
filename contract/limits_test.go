package contract

import (
	"errors"
	"testing"
	"time"

	"groupdeck/wasim"
	"groupdeck/whatsapp"
)

// Meta's rate limits (docs/cloud-api.md#rate-limits-and-throughput) reach the client as
// errors it can wait on.

func TestGroupRateLimitRetryAfter(t *testing.T) {
	now := time.Unix(1_780_000_000, 0)
	e := newEnv(t, func(c *wasim.Config) {
		c.OpsPerWindow, c.OpsWindow = 1, time.Minute
		c.Now = func() time.Time { return now }
	})
	if _, err := e.c.ListGroups(ctx(), whatsapp.ListGroupsOptions{}); err != nil {
		t.Fatal(err)
	}
	now = now.Add(15 * time.Second)
	_, err := e.c.ListGroups(ctx(), whatsapp.ListGroupsOptions{})
	var ae *whatsapp.APIError
	if !errors.As(err, &ae) || ae.Code != whatsapp.CodeGroupRateLimit || ae.HTTPStatus != 429 {
		t.Fatalf("over the limit: %v", err)
	}
	if wait, ok := whatsapp.RateLimitWait(err); !ok || wait != 45*time.Second {
		t.Errorf("RateLimitWait = %v, %v; want the server's Retry-After of 45s", wait, ok)
	}
}

func TestSendLimits(t *testing.T) {
	now := time.Unix(1_780_000_000, 0)
	e := newEnv(t, func(c *wasim.Config) { c.Now = func() time.Time { return now } })
	id, link := e.createGroup("Busy", "")
	e.join(link, "16505550101")
	e.sim.Configure(func(c *wasim.Config) { c.PairBurst, c.PairInterval = 2, 6*time.Second })
	for i := range 2 {
		if _, err := e.c.SendText(ctx(), id, "hello", false); err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
	}
	_, err := e.c.SendText(ctx(), id, "one too many", false)
	var ae *whatsapp.APIError
	if !errors.As(err, &ae) || ae.Code != whatsapp.CodePairRateLimit || !ae.Temporary() {
		t.Fatalf("pair rate: %v", err)
	}
	now = now.Add(whatsapp.PairRateInterval)
	if _, err := e.c.SendText(ctx(), id, "after the interval", false); err != nil {
		t.Fatalf("after %v: %v", whatsapp.PairRateInterval, err)
	}

	e.sim.Configure(func(c *wasim.Config) { c.PairBurst, c.MessagesPerSecond = 0, 1 })
	now = now.Add(time.Second)
	if _, err := e.c.SendText(ctx(), id, "first this second", false); err != nil {
		t.Fatal(err)
	}
	_, err = e.c.SendText(ctx(), id, "second this second", false)
	if !errors.As(err, &ae) || ae.Code != whatsapp.CodeThroughputLimit || !ae.Temporary() {
		t.Fatalf("throughput: %v", err)
	}
}
