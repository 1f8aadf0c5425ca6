package store

import (
	"strings"
	"testing"
)

// A join approves the person's pending requests in that group only; the
// statement must find them through the group, not by reading every
// pending request of every group (it did: seconds per batch of joins
// once many requests were pending).
func TestApproveRequestsUsesTheGroup(t *testing.T) {
	s := mustOpen(t)
	rows, err := s.w.Query(`EXPLAIN QUERY PLAN `+approveRequests, 1, 2, "k", "1555", "")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if got := strings.Join(plan, "; "); !strings.Contains(got, "group_id=?") {
		t.Errorf("plan %q does not search by group", got)
	}
}
