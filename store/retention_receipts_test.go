package store

import (
	"fmt"
	"testing"
	"time"
)

// A receipt whose message is gone (or was never stored) is deleted once
// its own time is past the message retention; one still inside it, one
// whose message or invite send exists, and one with only a failure (no
// time to judge by) are kept.
func TestRetentionStrayReceipts(t *testing.T) {
	s := mustOpen(t)
	now := 1_000 * day
	clockAt(s, now)
	g := activeGroup(t, s, "G1")
	sentText(t, s, g, "wamid.kept") // receipts at times 1 and 2, long past
	withTx(t, s, func(tx *Tx) error {
		for _, e := range []ReceiptEvent{
			{WAMID: "wamid.gone", Participant: "15550001", Status: "delivered", At: now - 31*day},
			{WAMID: "wamid.gone", Participant: "15550002", Status: "read", At: now - 31*day},
			{WAMID: "wamid.late", Participant: "15550001", Status: "read", At: now - 29*day},
			{WAMID: "wamid.failed", Participant: "15550001", Status: "failed", Failure: "131026"},
			{WAMID: "wamid.invite", Participant: "", Status: "delivered", At: now - 31*day},
		} {
			if err := tx.Receipt(e); err != nil {
				return err
			}
		}
		if _, err := tx.exec(`INSERT INTO campaigns (name, slug, created_at, updated_at) VALUES ('c', 'c', 1, 1)`); err != nil {
			return err
		}
		_, err := tx.exec(`INSERT INTO invite_sends (campaign_id, job_id, phone, state, wamid, created_at)
			VALUES (1, 1, '15550009', 'sent', 'wamid.invite', 1)`)
		return err
	})
	res := prune(t, s, keepMessages(30))
	if res.StrayReceipts != 2 || receiptCount(t, s, "wamid.gone") != 0 {
		t.Fatalf("stray receipts past the retention kept (%+v, %d left)", res, receiptCount(t, s, "wamid.gone"))
	}
	for wamid, want := range map[string]int{"wamid.kept": 2, "wamid.late": 1, "wamid.failed": 1, "wamid.invite": 1} {
		if got := receiptCount(t, s, wamid); got != want {
			t.Errorf("%s: %d receipts after pruning, want %d", wamid, got, want)
		}
	}
	// Without a message retention nothing is judged stray.
	withTx(t, s, func(tx *Tx) error {
		return tx.Receipt(ReceiptEvent{WAMID: "wamid.gone2", Participant: "15550001", Status: "read", At: 1})
	})
	if res := prune(t, s, Retention{Dedup: 14 * 24 * time.Hour, Pause: time.Microsecond}); res.StrayReceipts != 0 || receiptCount(t, s, "wamid.gone2") != 1 {
		t.Fatalf("a receipt went with no message retention set (%+v)", res)
	}
}

// The sweep walks a share of the receipts' wamids per run and goes on
// from there at the next run, then starts over: every stray receipt goes
// in the end, and no run walks more than its share.
func TestRetentionStrayReceiptsSweepAcrossRuns(t *testing.T) {
	s := mustOpen(t)
	now := 1_000 * day
	clockAt(s, now)
	withTx(t, s, func(tx *Tx) error {
		for i := range 7 {
			if err := tx.Receipt(ReceiptEvent{WAMID: fmt.Sprintf("wamid.%02d", i), Participant: "15550001",
				Status: "read", At: now - 40*day}); err != nil {
				return err
			}
		}
		return nil
	})
	r := keepMessages(30)
	r.StrayScan = 3
	var per []int64
	for range 3 {
		per = append(per, prune(t, s, r).StrayReceipts)
	}
	if fmt.Sprint(per) != "[3 3 1]" {
		t.Fatalf("stray receipts deleted per run %v, want [3 3 1] (a share of 3, then the rest)", per)
	}
	// A stray that appears before the cursor is found after the sweep starts over.
	withTx(t, s, func(tx *Tx) error {
		return tx.Receipt(ReceiptEvent{WAMID: "wamid.00", Participant: "15550002", Status: "read", At: now - 40*day})
	})
	if got := prune(t, s, r).StrayReceipts; got != 1 {
		t.Fatalf("after the sweep's end, the next run deleted %d, want 1 (it starts over)", got)
	}
}
