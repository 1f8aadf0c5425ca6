package crashtest

import (
	"context"
	"math/rand/v2"
	"testing"

	"groupdeck/loadgen"
)

// sendGroups is the fan-out of the send to many: enough that the kills
// land in the middle of it.
const sendGroups = 300

// TestKillNineDuringSendToMany kills the app with SIGKILL, at random
// moments, while it sends one message to each of 300 groups through the
// Cloud API simulator (its own process, so it keeps counting), restarts
// it each time, lets the job finish, and checks at the simulator that no
// group got the message twice and every group got it once, but for a
// message the kill left in doubt (claimed, maybe sent: the app never
// resends those blindly, and says so on the message).
func TestKillNineDuringSendToMany(t *testing.T) {
	bin := buildBinary(t)
	var kills []float64
	at := 0.0
	for i := 0; i < 3; i++ {
		at += 0.1 + 0.15*rand.Float64()
		kills = append(kills, at)
	}
	res, err := loadgen.SendToMany{Bin: bin, Dir: t.TempDir(), Groups: sendGroups, Rate: 200, KillAt: kills,
		Log: func(s string) { t.Log(s) }}.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d sends after %d kills, %d in doubt", len(res.At), res.Killed, res.InDoubt)
	if res.Twice != 0 || res.Unmatched != 0 {
		t.Errorf("%d groups got the message twice; %d simulator messages the app does not know", res.Twice, res.Unmatched)
	}
	if len(res.Missing) > res.InDoubt || res.InDoubt > res.Killed {
		t.Errorf("%d groups got nothing (%v), %d messages in doubt after %d kills: every missing message must be one a kill left in doubt",
			len(res.Missing), res.Missing, res.InDoubt, res.Killed)
	}
	if len(res.At)+len(res.Missing) != sendGroups {
		t.Errorf("%d sends and %d missing, want %d groups", len(res.At), len(res.Missing), sendGroups)
	}
	if got := res.MaxInWindow(1e9); got > 200 {
		t.Errorf("%d sends within one second, above GROUPDECK_SEND_RATE=200", got)
	}
}
