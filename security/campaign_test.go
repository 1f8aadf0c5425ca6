package security

import (
	"context"
	"net/http"
	"strconv"
	"testing"

	"groupdeck/store"
)

// visitLink opens a campaign link as an anonymous browser.
func visitLink(t *testing.T, e *env, slug, ua string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.a.URL+"/j/"+slug, nil)
	req.Header.Set("User-Agent", ua)
	res, err := e.client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// 300 requests from one client to a campaign link are one visit, not 300
// "phone" visits that would take the credit of real joins, and past a
// burst the address is asked to wait. Different visitors still count
// one each.
func TestCampaignLinkResistsAbuse(t *testing.T) {
	e := start(t)
	ctx := context.Background()
	gid := e.group("Campaign target", "", "sec-camp")
	for _, slug := range []string{"flood", "crowd"} {
		if err := e.a.Store.CreateCampaign(ctx, &store.Campaign{Name: slug, Slug: slug, GroupID: gid, Enabled: true}); err != nil {
			t.Fatal(err)
		}
	}
	const phone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"
	codes := map[int]int{}
	for i := 0; i < 300; i++ {
		codes[visitLink(t, e, "flood", phone)]++
	}
	if codes[http.StatusFound] == 0 || codes[http.StatusFound] > 70 || codes[http.StatusTooManyRequests] < 230 {
		t.Errorf("300 requests from one address: %v, want a burst of redirects then 429", codes)
	}
	if n := e.count(`SELECT count(*) FROM campaign_visits v JOIN campaigns c ON c.id = v.campaign_id WHERE c.slug = 'flood'`); n != 1 {
		t.Errorf("300 requests from one visitor stored %d visits, want 1", n)
	}
	// A crowd behind one address (a venue's Wi-Fi): 20 phones, each
	// counted once, none refused.
	for i := 0; i < 20; i++ {
		ua := phone + " crowd/" + strconv.Itoa(i)
		for j := 0; j < 2; j++ { // each opens the link twice
			if st := visitLink(t, e, "crowd", ua); st != http.StatusFound && j == 0 {
				t.Errorf("visitor %d: %d, want 302", i, st)
			}
		}
	}
	if n := e.count(`SELECT count(*) FROM campaign_visits v JOIN campaigns c ON c.id = v.campaign_id WHERE c.slug = 'crowd'`); n != 20 {
		t.Errorf("20 visitors stored %d visits, want 20", n)
	}
}
