package crashtest

import (
	"context"
	"database/sql"
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"groupdeck/loadgen"
	"groupdeck/schedule"
	"groupdeck/store"
)

// scheduleGroups is the fan-out of each occurrence: enough rows that a
// kill can land inside the transaction that queues them.
const scheduleGroups = 300

// TestKillNineDuringScheduledSend places a scheduled occurrence in the
// window of a kill -9, round after round (due before the kill, during it
// or while the process is down), restarts, and checks that each
// occurrence was handled once and queued exactly one message per group.
func TestKillNineDuringScheduledSend(t *testing.T) {
	ctx := context.Background()
	bin := buildBinary(t)
	db := filepath.Join(t.TempDir(), "schedule.db")
	if err := loadgen.Fill(ctx, db, loadgen.Seed{Groups: scheduleGroups}); err != nil {
		t.Fatal(err)
	}
	ids := make([]int64, scheduleGroups)
	for i := range ids {
		ids[i] = int64(i + 1)
	}
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	// Somebody in every group, so no group is skipped as empty.
	if _, err := st.WithTx(ctx, func(tx *store.Tx) error {
		for _, id := range ids {
			if err := tx.ParticipantJoined(id, store.Member{WaID: "1555" + strconv.FormatInt(id, 10)}, "invite_link", 1); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	env := []string{"GROUPDECK_SYNC_INTERVAL=0"} // the simulator knows none of the seeded groups
	var scheduled []int64
	for i := 0; i < rounds(); i++ {
		scheduled = append(scheduled, addOnce(t, db, ids, time.Now().Add(time.Duration(200+rand.IntN(1000))*time.Millisecond)))
		srv, err := loadgen.Start(ctx, bin, db, env...)
		if err != nil {
			t.Fatalf("round %d: %v", i, err)
		}
		time.Sleep(time.Duration(rand.IntN(1000)) * time.Millisecond)
		srv.Kill()
		t.Logf("round %d: occurrence %s when the process was killed", i, handled(t, db, scheduled[i]))
	}
	srv, err := loadgen.Start(ctx, bin, db, env...)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	r, err := sql.Open("sqlite", "file:"+db+"?_pragma=query_only(ON)&_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		var pending int
		if err := r.QueryRow(`SELECT count(*) FROM schedules WHERE state <> 'done'`).Scan(&pending); err != nil {
			t.Fatal(err)
		}
		if pending == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d occurrences never handled; server log:\n%s", pending, srv.Logs())
		}
	}
	for _, id := range scheduled {
		var occ, queued, sends, msgs int
		var outcome string
		r.QueryRow(`SELECT count(*), max(outcome), max(queued) FROM schedule_occurrences WHERE schedule_id = ?`, id).Scan(&occ, &outcome, &queued)
		r.QueryRow(`SELECT count(*), count(DISTINCT message_id) FROM schedule_sends WHERE schedule_id = ?`, id).Scan(&sends, &msgs)
		if occ != 1 || outcome != store.OccurrenceSent || queued != scheduleGroups || sends != scheduleGroups || msgs != scheduleGroups {
			t.Errorf("schedule %d: %d occurrences (%s, %d queued), %d sends, %d messages; want 1 sent, %d each",
				id, occ, outcome, queued, sends, msgs, scheduleGroups)
		}
	}
	// Nothing outside those sends was queued: no message from a
	// rolled-back or repeated occurrence.
	var out, linked int
	r.QueryRow(`SELECT count(*) FROM messages WHERE direction = 'out'`).Scan(&out)
	r.QueryRow(`SELECT count(*) FROM schedule_sends WHERE message_id IS NOT NULL`).Scan(&linked)
	if out != linked || out != len(scheduled)*scheduleGroups {
		t.Errorf("%d outgoing messages, %d linked to an occurrence, want %d", out, linked, len(scheduled)*scheduleGroups)
	}
	var ok string
	if err := r.QueryRow(`PRAGMA integrity_check`).Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("integrity_check: %q %v", ok, err)
	}
}

// handled says whether an occurrence was committed before a kill.
func handled(t *testing.T, db string, id int64) string {
	t.Helper()
	r, err := sql.Open("sqlite", "file:"+db+"?_pragma=query_only(ON)&_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var n int
	if err := r.QueryRow(`SELECT count(*) FROM schedule_occurrences WHERE schedule_id = ?`, id).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n > 0 {
		return "already sent"
	}
	return "not yet sent (due during or after the kill)"
}

// addOnce stores a one-off schedule to every group, due at the exact
// moment at (a form takes minutes; the test needs it to the millisecond).
func addOnce(t *testing.T, db string, ids []int64, at time.Time) int64 {
	t.Helper()
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	s := &store.Schedule{Kind: store.KindText, Body: "Scheduled during a crash", TimeZone: "UTC",
		StartLocal: at.UTC().Format(schedule.LocalLayout), Freq: schedule.Once, TargetKind: store.TargetGroups,
		GroupIDs: ids, State: store.ScheduleActive, NextAt: at.UnixMilli()}
	if _, err := st.WithTx(context.Background(), func(tx *store.Tx) error { return tx.CreateSchedule(s) }); err != nil {
		t.Fatal(err)
	}
	return s.ID
}
