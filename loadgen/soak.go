package loadgen

import (
	"strconv"
	"time"
)

// MixedBody is delivery n of a soak: mostly receipts for messages the
// seed sent (45 %, upserts), inbound messages (30 %, sent now by members
// of the busy groups of BenchWorld(groups), so a 1-day message retention
// keeps them a day and the people they name stay a bounded set), people
// joining and leaving (10 %), messages for groups the app does not know (5 %, they
// wait) and Meta's retries of an earlier delivery (10 %, duplicates). It
// is deterministic, so a retry is the same body again.
func MixedBody(run string, n int64, groups int) []byte {
	switch k := n % 20; {
	case k < 9:
		wamid := "wamid.seed." + strconv.FormatInt(1+2*(n%2500), 10) // the seed's outbound messages of group 1
		st := []string{"delivered", "read"}[n/20%2]
		return Status(wamid, strconv.FormatInt(15550100000+n%8, 10), st, 1744345400+n/1000)
	case k < 15:
		w := BenchWorld(groups)
		g := w.ActiveGroup(int(n * 7919 % int64(max(w.Active, 1))))
		from := MemberWaID(g, int(n%int64(w.Members)))
		return Delivery(MessageChangeAt(WAGroupID(g), MessageID(run, n), from, "Member "+from, "soak message "+strconv.FormatInt(n, 10), time.Now().Unix()))
	case k < 17:
		g := WAGroupID(1 + int(n%100))
		wa := strconv.FormatInt(15550200000+n%100, 10)
		if k == 16 {
			return ParticipantsRemove(g, wa, time.Now().Unix())
		}
		return ParticipantsAdd(g, wa, time.Now().Unix())
	case k < 18:
		return UnknownGroupBody(run, n)
	}
	return MixedBody(run, n-18, groups)
}
