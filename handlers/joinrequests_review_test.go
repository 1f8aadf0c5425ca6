package handlers

import (
	"net/url"
	"strings"
	"testing"

	"groupdeck/store"
)

func TestBulkDecisionReviewSkipsAndActsOnlyOnTheReviewed(t *testing.T) {
	ts := newTestServer(t)
	a := seedActive(t, ts, "Open pod", "approval_required")
	b := seedActive(t, ts, "Second pod", "approval_required")
	frozen := seedActive(t, ts, "Frozen pod", "approval_required")
	ctx := t.Context()
	if _, err := ts.store.WithTx(ctx, func(tx *store.Tx) error {
		for i, g := range []*store.Group{a, b, frozen} {
			if err := tx.JoinRequest(g.ID, "JR"+itoa64(g.ID), store.Member{WaID: "1555000000" + itoa64(int64(i))}, store.JoinPending, 10); err != nil {
				return err
			}
		}
		return tx.GroupSuspended(frozen.ID, true, 11)
	}); err != nil {
		t.Fatal(err)
	}
	c := ts.client()
	c.login("manager@x.test")
	rs, _, _ := ts.store.PendingJoinRequests(ctx, 0, 10)
	all := url.Values{"do": {"reject:all"}}
	for _, r := range rs {
		all.Add("shown", itoa64(r.ID))
	}
	st, review := c.form("/requests/decide", all, true)
	if st != 200 || !strings.Contains(review, "Reject 2 join requests in 2 groups?") ||
		!strings.Contains(review, "Frozen pod: WhatsApp suspended the group") {
		t.Fatalf("review: %d %s", st, review)
	}
	// One of the reviewed requests is handled elsewhere meanwhile.
	for _, r := range rs {
		if r.GroupID == a.ID {
			if st, body := c.form("/requests/decide", url.Values{"do": {"reject:" + itoa64(r.ID)}}, true); st != 200 || !strings.Contains(body, "Rejected 1 of 1") {
				t.Fatalf("reject one: %d %s", st, body)
			}
		}
	}
	calls := len(ts.wa.calls)
	form := hiddenFields(review)
	form.Set("do", "reject:selected")
	st, again := c.form("/requests/decide", form, true)
	if st != 200 || !strings.Contains(again, "Nothing was done: of the 2 requests you reviewed, 1 can still be decided") ||
		!strings.Contains(again, "Reject 1 join request in 1 group?") || len(ts.wa.calls) != calls {
		t.Fatalf("changed set: %d %v %s", st, ts.wa.calls[calls:], again)
	}
	form = hiddenFields(again)
	form.Set("do", "reject:selected")
	if st, body := c.form("/requests/decide", form, true); st != 200 || !strings.Contains(body, "Rejected 1 of 1") {
		t.Fatalf("confirm: %d %s", st, body)
	}
	if left, total, _ := ts.store.PendingJoinRequests(ctx, 0, 10); total != 1 || left[0].GroupID != frozen.ID {
		t.Errorf("pending after the bulk reject: %+v", left)
	}
}
