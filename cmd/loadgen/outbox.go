package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"groupdeck/loadgen"
)

// sendToMany measures the outbox's pacing: a send to o.sendGroups groups
// through the app's job runner, outbox and client, to the simulator in
// its own process, which counts the sends; the app is killed with
// SIGKILL at 40 % and restarted.
func sendToMany(ctx context.Context, o options, t *table, log io.Writer) error {
	dir := filepath.Join(o.dir, "send")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	fmt.Fprintf(log, "· send to many: %d groups at GROUPDECK_SEND_RATE=%d, each send answered after %v, kill -9 at 40 %%\n",
		o.sendGroups, o.sendRate, o.sendLatency)
	const killAt = 0.4
	res, err := loadgen.SendToMany{Bin: o.bin, Dir: dir, Groups: o.sendGroups, Rate: o.sendRate, SendLatency: o.sendLatency,
		KillAt: []float64{killAt},
		Log:    func(s string) { fmt.Fprintf(log, "  %s\n", s) }}.Run(ctx)
	if err != nil {
		return err
	}
	peak := res.MaxInWindow(time.Second)
	ok := peak <= o.sendRate && res.Twice == 0 && res.Unmatched == 0 && len(res.Missing) <= res.InDoubt
	t.add(fmt.Sprintf("outbox: send to many to %d groups, GROUPDECK_SEND_RATE=%d, each send answered after %v, one kill -9 at %.0f %% (counted at the simulator)",
		o.sendGroups, o.sendRate, o.sendLatency, killAt*100),
		fmt.Sprintf("%.1f messages/s before the kill, at most %d in any 1 s; %d received, %d sent twice, %d not sent (in doubt after the kill: %d)",
			res.Rate(int(killAt*float64(o.sendGroups))), peak, len(res.At), res.Twice, len(res.Missing), res.InDoubt),
		fmt.Sprintf("paced at %d/s: ≤ %d in any 1 s, 0 sent twice", o.sendRate, o.sendRate), ok)
	return nil
}

// killNine is the durability row: kill -9 under webhook load, restart,
// Meta's retries, nothing lost or applied twice. A run that acknowledged
// nothing before the kills proves nothing, so it cannot be "met".
func killNine(ctx context.Context, o options, t *table, log io.Writer) error {
	if o.killRounds <= 0 {
		t.info("kill -9 under webhook load, restart, Meta's retries", "not run (-kill-rounds 0)", "0 lost, 0 applied twice")
		return nil
	}
	fmt.Fprintf(log, "· kill -9 under webhook load, %d rounds\n", o.killRounds)
	r, err := loadgen.KillNine(ctx, o.bin, filepath.Join(o.dir, "kill.db"), o.killRounds)
	if err != nil {
		return err
	}
	t.add(fmt.Sprintf("kill -9 under webhook load, restart, Meta's retries (%d rounds, %d deliveries acknowledged before the kills)", r.Rounds, r.Acked),
		fmt.Sprintf("%d lost, %d applied twice", r.Lost, r.Twice), "0 lost, 0 applied twice", r.Acked > 0 && r.Lost == 0 && r.Twice == 0)
	return nil
}
