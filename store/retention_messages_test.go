package store

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// keepMessages is the retention with only messages kept for d days.
func keepMessages(days int64) Retention {
	return Retention{Messages: time.Duration(days) * 24 * time.Hour, Pause: time.Microsecond}
}

// sentText queues a text in group g and records it sent as wamid, with
// a delivered and a read receipt.
func sentText(t *testing.T, s *Store, g int64, wamid string) int64 {
	t.Helper()
	id := queueText(t, s, g)
	if got := claimID(t, s); got != id {
		t.Fatalf("claimed %d, want %d", got, id)
	}
	_, err := s.MessageSent(t.Context(), id, wamid)
	must(t, err)
	withTx(t, s, func(tx *Tx) error {
		if err := tx.Receipt(ReceiptEvent{WAMID: wamid, Participant: "15550001", Status: "delivered", At: 1}); err != nil {
			return err
		}
		return tx.Receipt(ReceiptEvent{WAMID: wamid, Participant: "15550002", Status: "read", At: 2})
	})
	return id
}

func messageKept(t *testing.T, s *Store, g, id int64) bool {
	t.Helper()
	_, err := s.MessageByID(t.Context(), g, id)
	if err != nil && !errors.Is(err, ErrNotFound) {
		t.Fatal(err)
	}
	return err == nil
}

func receiptCount(t *testing.T, s *Store, wamid string) int {
	t.Helper()
	var n int
	must(t, s.r.QueryRowContext(t.Context(), `SELECT count(*) FROM receipts WHERE wamid = ?`, wamid).Scan(&n))
	return n
}

// A message just past the retention goes with its receipts; one just
// inside stays with its receipts, and so does the newest message, always.
func TestRetentionMessagesByTheirTime(t *testing.T) {
	s := mustOpen(t)
	now := 1_000 * day
	advance := clockAt(s, now)
	g := activeGroup(t, s, "G1")
	old := sentText(t, s, g, "wamid.old")
	received(t, s, g, "wamid.in.old", "hello", Member{WaID: "15550001"}, now)
	advance(1) // one millisecond later
	inside := sentText(t, s, g, "wamid.inside")
	advance(30*day - 1) // the first two are exactly 30 days old, the third a millisecond less
	newest := sentText(t, s, g, "wamid.newest")
	res := prune(t, s, keepMessages(30))
	if res.Messages != 0 || !messageKept(t, s, g, old) {
		t.Fatalf("a message exactly 30 days old went (%+v)", res)
	}
	advance(1)
	res = prune(t, s, keepMessages(30))
	if res.Messages != 2 || res.Receipts != 2 || messageKept(t, s, g, old) || receiptCount(t, s, "wamid.old") != 0 {
		t.Fatalf("messages past 30 days kept (%+v)", res)
	}
	var in int
	must(t, s.r.QueryRowContext(t.Context(), `SELECT count(*) FROM messages WHERE wamid = 'wamid.in.old'`).Scan(&in))
	if in != 0 {
		t.Fatal("the received message past 30 days kept")
	}
	if !messageKept(t, s, g, inside) || receiptCount(t, s, "wamid.inside") != 2 {
		t.Fatal("a message a millisecond inside the retention, or its receipts, went")
	}
	if m := message(t, s, g, inside); m.Delivered != 2 || m.Read != 1 {
		t.Fatalf("receipt counts of the kept message: %+v", m)
	}
	// Long after: everything is past its retention, but the newest message
	// is kept so that its id is never handed out again.
	advance(365 * day)
	res = prune(t, s, keepMessages(30))
	if res.Messages != 1 || messageKept(t, s, g, inside) || !messageKept(t, s, g, newest) {
		t.Fatalf("after a year: %+v; want only the newest message kept", res)
	}
}

// Messages the outbox has not finished with, pinned ones, and those of a
// send-to-many job still running are kept however old they are.
func TestRetentionMessagesStillNeeded(t *testing.T) {
	s := mustOpen(t)
	advance := clockAt(s, 1_000*day)
	g := activeGroup(t, s, "G1")
	g2 := activeGroup(t, s, "G2")
	g3 := activeGroup(t, s, "G3")
	queued := queueText(t, s, g)
	sending := queueText(t, s, g2)
	if got := claimID(t, s); got != queued {
		t.Fatalf("claimed %d, want %d", got, queued)
	}
	// g is now busy: the claim takes g2's.
	if got := claimID(t, s); got != sending {
		t.Fatalf("claimed %d, want %d", got, sending)
	}
	_, err := s.MessageInDoubt(t.Context(), queued, "lost answer")
	must(t, err)
	pinned := sentText(t, s, g3, "wamid.pinned")
	withTx(t, s, func(tx *Tx) error {
		return tx.applyPin(g3, KindPin, `{"target":"wamid.pinned","days":30}`, tx.now)
	})
	job := &Job{Kind: "broadcast", Title: "to many"}
	must(t, s.CreateJob(t.Context(), job, []string{"1"}))
	byJob := &Message{GroupID: g3, Kind: KindText, Body: "hi", JobItemID: job.ID*1_000_000 + 1}
	must(t, s.QueueMessage(t.Context(), byJob))
	if got := claimID(t, s); got != byJob.ID {
		t.Fatalf("claimed %d, want the job's message %d", got, byJob.ID)
	}
	_, err = s.MessageSent(t.Context(), byJob.ID, "wamid.job")
	must(t, err)
	final := sentText(t, s, g3, "wamid.final")
	waiting := queueText(t, s, g) // behind the one in doubt
	advance(10 * day)             // past 1 day, inside the 30-day pin
	queueText(t, s, g2)           // the newest, kept anyway
	res := prune(t, s, keepMessages(1))
	for name, m := range map[string][2]int64{"in doubt": {g, queued}, "being sent": {g2, sending}, "queued": {g, waiting},
		"pinned": {g3, pinned}, "of a running job": {g3, byJob.ID}} {
		if !messageKept(t, s, m[0], m[1]) {
			t.Errorf("the %s message was deleted", name)
		}
	}
	if res.Messages != 1 || messageKept(t, s, g3, final) {
		t.Fatalf("pruned %+v; want the one final message", res)
	}
	// Once the job is over, its message follows the retention.
	must(t, s.CancelJob(t.Context(), job.ID))
	if res := prune(t, s, keepMessages(1)); res.Messages != 1 || messageKept(t, s, g3, byJob.ID) {
		t.Fatalf("the finished job's message kept (%+v)", res)
	}
	// And a pin that ran out no longer keeps its message.
	advance(30 * day)
	if res := prune(t, s, keepMessages(1)); res.Messages != 1 || messageKept(t, s, g3, pinned) {
		t.Fatalf("a message whose pin ran out kept (%+v)", res)
	}
}

// A received message is its own feed line, which goes with it; feed
// lines of messages received before migration 0026 are activity rows,
// which go by their own time. A schedule send whose message went says so.
func TestRetentionMessagesFeedAndSchedules(t *testing.T) {
	s := mustOpen(t)
	now := 1_000 * day
	advance := clockAt(s, now)
	g := activeGroup(t, s, "G1")
	received(t, s, g, "wamid.in", "hello there", Member{WaID: "15550001"}, now)
	withTx(t, s, func(tx *Tx) error { return tx.Activity(g, ActMessage, "Ann", "an old line", now) })
	withTx(t, s, func(tx *Tx) error { return tx.Activity(g, "join", "Bob", "", now) })
	withTx(t, s, func(tx *Tx) error {
		if _, err := tx.exec(`INSERT INTO schedules (id, kind, time_zone, start_local, freq, target_kind, state, created_at, updated_at)
			VALUES (1, 'text', 'UTC', '2026-01-01T10:00', 'daily', 'groups', 'active', 0, 0)`); err != nil {
			return err
		}
		if _, err := tx.exec(`INSERT INTO schedule_occurrences (schedule_id, at, outcome, handled_at) VALUES (1, 5, 'sent', 0)`); err != nil {
			return err
		}
		return tx.ScheduleSend(1, 5, g, &Message{GroupID: g, Kind: KindText, Body: "scheduled"}, "")
	})
	sends, err := s.OccurrenceSends(t.Context(), 1, 5)
	must(t, err)
	id := claimID(t, s)
	if len(sends) != 1 || sends[0].MessageID != id {
		t.Fatalf("schedule send %+v, claimed %d", sends, id)
	}
	must(t, s.MessageFailed(t.Context(), id, "no"))
	advance(2 * day)
	queueText(t, s, g) // the newest, kept
	lines := func() (msg, other int) {
		items, err := s.RecentActivity(t.Context(), g, 50)
		must(t, err)
		for _, a := range items {
			if a.Kind == ActMessage {
				msg++
			} else {
				other++
			}
		}
		return
	}
	if m, o := lines(); m != 2 || o == 0 {
		t.Fatalf("before: %d message lines, %d others", m, o)
	}
	res := prune(t, s, keepMessages(1))
	if res.Messages != 2 || res.MessageLines != 1 {
		t.Fatalf("pruned %+v, want 2 messages and 1 old feed line", res)
	}
	if m, o := lines(); m != 0 || o == 0 {
		t.Fatalf("after: %d message lines, %d others (the join stays)", m, o)
	}
	sends, err = s.OccurrenceSends(t.Context(), 1, 5)
	must(t, err)
	if len(sends) != 1 || sends[0].MessageID != 0 || sends[0].State != MessageNoLongerKept {
		t.Fatalf("schedule send after its message went: %+v", sends)
	}
}

func TestRetentionMessagesZeroKeepsForever(t *testing.T) {
	s := mustOpen(t)
	advance := clockAt(s, 1_000*day)
	g := activeGroup(t, s, "G1")
	a := sentText(t, s, g, "wamid.a")
	sentText(t, s, g, "wamid.b")
	advance(10_000 * day)
	if res := prune(t, s, keep); res.Messages+res.Receipts+res.MessageLines != 0 || !messageKept(t, s, g, a) {
		t.Fatalf("message retention 0 deleted %+v", res)
	}
}

// Each chunk finds its messages through messages_created as a range from
// the cursor, their receipts and schedule sends by key: never a scan,
// however many messages are stored (statistics of a million).
func TestRetentionMessagesQueryPlans(t *testing.T) {
	s := mustOpen(t)
	g := activeGroup(t, s, "G1")
	received(t, s, g, "w1", "hi", Member{WaID: "15550001"}, 1)
	for _, q := range []string{`ANALYZE`,
		`DELETE FROM sqlite_stat1 WHERE tbl = 'messages'`,
		`INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('messages', NULL, '1000000'),
			('messages', 'messages_group', '1000000 100 1'), ('messages', 'messages_created', '1000000 1'),
			('messages', 'sqlite_autoindex_messages_1', '1000000 1'), ('messages', 'messages_sender', '1000000 10')`,
		`ANALYZE sqlite_schema`} {
		_, err := s.exec(t.Context(), q)
		must(t, err)
	}
	plan := func(q string, args ...any) string {
		rows, err := s.r.Query(`EXPLAIN QUERY PLAN `+q, args...)
		must(t, err)
		var steps []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			must(t, rows.Scan(&id, &parent, &unused, &detail))
			steps = append(steps, detail)
		}
		must(t, rows.Close())
		return strings.Join(steps, "; ")
	}
	// The chunk's SELECT, as pruneMessages runs it inside its DELETE.
	chunk := plan(`SELECT id FROM messages INDEXED BY messages_created
			WHERE created_at < ?1 AND created_at >= ?2 AND (created_at > ?2 OR id > ?3)
				AND state NOT IN ('queued', 'sending') AND in_doubt = 0 AND pinned_until <= ?4
				AND id < (SELECT max(id) FROM messages)
				AND (job_item_id IS NULL OR NOT EXISTS (SELECT 1 FROM jobs j
					WHERE j.id = job_item_id / 1000000 AND j.state IN ('queued', 'running', 'waiting')))
			ORDER BY created_at, id LIMIT ?5`, 1, 0, 0, 0, 50)
	if !strings.Contains(chunk, "SEARCH messages USING INDEX messages_created (created_at>? AND created_at<?)") ||
		strings.Contains(chunk, "SCAN") || strings.Contains(chunk, "TEMP B-TREE") {
		t.Errorf("messages chunk plan %q: want a range of messages_created, no scan, no sort", chunk)
	}
	for q, want := range map[string]string{
		`SELECT 1 FROM receipts WHERE wamid IN (SELECT value FROM json_each(?))`: "SEARCH receipts USING PRIMARY KEY (wamid=?)",
		`SELECT 1 FROM schedule_sends WHERE message_id = ?`:                      "USING COVERING INDEX schedule_sends_message (message_id=?)",
		`SELECT id FROM activity WHERE kind = 'message' AND at < ? LIMIT 50`:     "USING COVERING INDEX activity_kind_at (kind=? AND at<?)",
	} {
		if p := plan(q, "[]"); !strings.Contains(p, want) {
			t.Errorf("%s: plan %q, want %q", q, p, want)
		}
	}
}
