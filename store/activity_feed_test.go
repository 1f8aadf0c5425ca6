package store

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// lines renders feed items for comparison: "kind who detail" per line.
func lines(items []ActivityItem) string {
	var out []string
	for _, a := range items {
		out = append(out, a.Kind+" "+a.Who+" "+a.Detail)
	}
	return strings.Join(out, " | ")
}

func received(t *testing.T, s *Store, groupID int64, wamid, body string, sender Member, at int64) {
	t.Helper()
	if _, err := s.WithTx(t.Context(), func(tx *Tx) error {
		return tx.InboundMessage(groupID, wamid, KindText, body, sender, at)
	}); err != nil {
		t.Fatal(err)
	}
}

// A received message is its own feed line (no activity row): the feed
// merges those with the activity rows in arrival order, whatever the
// timestamps say, and pages, filters by kind and group, and keeps the
// live page's lower end across both.
func TestFeedMergesMessagesWithActivityInArrivalOrder(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	g1, g2 := activeGroup(t, s, "G1"), activeGroup(t, s, "G2")
	ana := Member{WaID: "351912345678", Name: "Ana"}
	noName := Member{WaID: "14155550123"}
	must(t, s.RecordActivity(ctx, g1, ActJoin, "Ana", "joined"))
	received(t, s, g1, "w1", "hello", ana, 5_000) // older timestamp, later arrival
	must(t, s.RecordActivity(ctx, g2, ActLeave, "Bea", "left"))
	received(t, s, g2, "w2", strings.Repeat("é", 150), noName, 1_000)
	if _, err := s.WithTx(ctx, func(tx *Tx) error {
		return tx.InboundMessage(g1, "w3", "image", "", ana, 9_000)
	}); err != nil {
		t.Fatal(err)
	}
	var n int
	must(t, s.r.QueryRow(`SELECT count(*) FROM activity WHERE kind = 'message'`).Scan(&n))
	if n != 0 {
		t.Fatalf("%d message rows in activity, want none", n)
	}
	long := strings.Repeat("é", 139) + "…"
	want := "message Ana [image] | message +1 415 555 0123 " + long + " | leave Bea left | message Ana hello | join Ana joined"
	all, err := s.RecentActivity(ctx, 0, 10)
	must(t, err)
	if got := lines(all); got != want {
		t.Fatalf("feed\n got %s\nwant %s", got, want)
	}
	for i := 1; i < len(all); i++ {
		if all[i].ID >= all[i-1].ID {
			t.Fatalf("ids not descending: %+v", all)
		}
	}
	if all[0].GroupID != g1 || all[0].Subject != "Group G1" || all[0].At != 9_000 {
		t.Errorf("message line %+v", all[0])
	}

	// Paging: two at a time, each page below the last one's lowest id.
	var paged []ActivityItem
	var before int64
	for {
		page, more, err := s.ActivityPage(ctx, ActivityQuery{Before: before, Limit: 2})
		must(t, err)
		paged = append(paged, page...)
		if !more {
			break
		}
		before = page[len(page)-1].ID
	}
	if got := lines(paged); got != want {
		t.Errorf("paged feed\n got %s\nwant %s", got, want)
	}
	// The live first page from a line on: that line and everything newer.
	live, _, err := s.ActivityPage(ctx, ActivityQuery{Since: all[3].ID, Limit: 50})
	must(t, err)
	if len(live) != 4 || live[3].ID != all[3].ID {
		t.Errorf("live page %s", lines(live))
	}
	for _, c := range []struct {
		q    ActivityQuery
		want string
	}{
		{ActivityQuery{Kind: ActMessage}, "message Ana [image] | message +1 415 555 0123 " + long + " | message Ana hello"},
		{ActivityQuery{Kind: ActLeave}, "leave Bea left"},
		{ActivityQuery{GroupID: g1}, "message Ana [image] | message Ana hello | join Ana joined"},
		{ActivityQuery{Group: "G2"}, "message +1 415 555 0123 " + long + " | leave Bea left"},
		{ActivityQuery{GroupID: g1, Kind: ActMessage, Before: all[0].ID}, "message Ana hello"},
	} {
		c.q.Limit = 50
		got, more, err := s.ActivityPage(ctx, c.q)
		must(t, err)
		if lines(got) != c.want || more {
			t.Errorf("%+v: got %s (more %v), want %s", c.q, lines(got), more, c.want)
		}
	}
}

// Message lines are not deleted by the activity retention (the messages
// stay), so the feed leaves out those older than its last cut-off.
func TestFeedLeavesOutMessagesOlderThanTheRetention(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	g := activeGroup(t, s, "G1")
	received(t, s, g, "old", "old news", Member{WaID: "15550001", Name: "Old"}, 1_000)
	received(t, s, g, "new", "fresh", Member{WaID: "15550002", Name: "New"}, 9_000)
	_, err := s.PruneActivity(ctx, 5_000)
	must(t, err)
	got, err := s.RecentActivity(ctx, g, 10)
	must(t, err)
	if lines(got) != "message New fresh" {
		t.Errorf("after retention: %s", lines(got))
	}
	// A later run with an older cut-off (a longer retention set since)
	// does not bring back what was left out.
	_, err = s.PruneActivity(ctx, 2_000)
	must(t, err)
	if got, _ := s.RecentActivity(ctx, g, 10); len(got) != 1 {
		t.Errorf("after a shorter cut-off: %s", lines(got))
	}
}

// Migration 0026 on a database whose message lines are activity rows:
// the feed reads exactly as before (no line twice), and lines added after
// it follow in arrival order with ids above every earlier one.
func TestMigrateFeedKeepsExistingLines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	db := migrateUntil(t, path, "0026")
	for _, q := range []string{
		`INSERT INTO groups (id, wa_group_id, request_id, subject, status, created_at, updated_at, last_activity_at) VALUES
			(1, 'wa1', 'r1', 'One', 'active', 1, 1, 1)`,
		`INSERT INTO messages (group_id, direction, wamid, kind, body, sender_name, state, created_at) VALUES
			(1, 'in', 'w1', 'text', 'first', 'Ana', 'received', 100), (1, 'out', 'w2', 'text', 'ours', '', 'sent', 200),
			(1, 'in', 'w3', 'text', 'second', 'Bea', 'received', 300)`,
		`INSERT INTO activity (at, group_id, kind, who, detail) VALUES
			(50, 1, 'join', 'Ana', 'joined'), (100, 1, 'message', 'Ana', 'first'), (250, 1, 'join', 'Bea', 'joined'),
			(300, 1, 'message', 'Bea', 'second'), (400, 1, 'leave', 'Ana', 'left')`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	must(t, db.Close())
	s, err := Open(context.Background(), path)
	must(t, err)
	defer s.Close()
	ctx := context.Background()
	want := "leave Ana left | message Bea second | join Bea joined | message Ana first | join Ana joined"
	got, err := s.RecentActivity(ctx, 1, 50)
	must(t, err)
	if lines(got) != want {
		t.Fatalf("after the migration\n got %s\nwant %s", lines(got), want)
	}
	received(t, s, 1, "w4", "third", Member{WaID: "15550003", Name: "Cid"}, 350)
	must(t, s.RecordActivity(ctx, 1, ActDrift, "", "fixed"))
	got, err = s.RecentActivity(ctx, 1, 50)
	must(t, err)
	if w := "drift  fixed | message Cid third | " + want; lines(got) != w {
		t.Errorf("new lines\n got %s\nwant %s", lines(got), w)
	}
	for i := 1; i < len(got); i++ {
		if got[i].ID >= got[i-1].ID {
			t.Errorf("ids not descending at %d: %s", i, fmt.Sprint(got))
		}
	}
}

// The message lines' queries must read the newest messages through the
// rowid (all groups) or one group's through messages_group: written with
// a join to feed_messages, SQLite chose to build an automatic index over
// every message on each read.
func TestFeedMessageLinesUseIndexes(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	g := activeGroup(t, s, "G1")
	for i := range 50 {
		received(t, s, g, fmt.Sprintf("w%d", i), "hi", Member{WaID: fmt.Sprintf("1555000%04d", i)}, int64(1000+i))
	}
	// Statistics of a big database (a million messages in 10,000
	// groups), as the planner would find them there.
	for _, q := range []string{`ANALYZE`,
		`DELETE FROM sqlite_stat1 WHERE tbl = 'messages'`,
		`INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('messages', NULL, '1000000'),
			('messages', 'messages_group', '1000000 100 1'), ('messages', 'messages_created', '1000000 1'),
			('messages', 'sqlite_autoindex_messages_1', '1000000 1')`,
		`ANALYZE sqlite_schema`} {
		_, err := s.exec(ctx, q)
		must(t, err)
	}
	for _, c := range []struct {
		q    ActivityQuery
		want string
	}{
		{ActivityQuery{}, "USING INTEGER PRIMARY KEY"},
		{ActivityQuery{Before: 40, Group: "G"}, "USING INTEGER PRIMARY KEY"},
		{ActivityQuery{GroupID: g, Before: 40}, "USING INDEX messages_group (group_id=?"},
	} {
		query, args := messageLinesSQL(c.q, 51)
		rows, err := s.r.Query(`EXPLAIN QUERY PLAN `+query, args...)
		must(t, err)
		var steps []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			must(t, rows.Scan(&id, &parent, &unused, &detail))
			steps = append(steps, detail)
		}
		must(t, rows.Close())
		plan := strings.Join(steps, "; ")
		if !strings.Contains(plan, c.want) || strings.Contains(plan, "AUTOMATIC") || strings.Contains(plan, "SCAN m") {
			t.Errorf("%+v: plan %q, want %q", c.q, plan, c.want)
		}
	}
}
