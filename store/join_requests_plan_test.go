package store

import (
	"strings"
	"testing"
)

// A join approves the person's pending requests in that group only; the
// statement must find them through the group, not by reading every
// pending request of every group (it did: seconds per batch of joins
// once many requests were pending).
// The probe that tells a re-applied approval from a plain join, run on
// every join that closes nothing, reads the same way.
func TestApproveRequestsUsesTheGroup(t *testing.T) {
	s := mustOpen(t)
	for _, q := range []string{approveRequests, approvedByJoin} {
		rows, err := s.w.Query(`EXPLAIN QUERY PLAN `+q, 1, 2, "k", "1555", "")
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		if got := strings.Join(plan, "; "); !strings.Contains(got, "group_id=? AND state=?") {
			t.Errorf("%s\n\tplan %q does not search by group and state", q, got)
		}
	}
}
