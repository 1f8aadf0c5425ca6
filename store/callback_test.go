package store

import "testing"

// A status carrying biz_opaque_callback_data settles exactly the send it
// names, even outside the time window and while another send is open,
// and never a different in-doubt message of the same group.
func TestCallbackMatchesExactly(t *testing.T) {
	s := mustOpen(t)
	clockAt(s, 10_000_000)
	g := activeGroup(t, s, "W1")
	a, b := queueText(t, s, g), queueText(t, s, g)
	for _, id := range []int64{a, b} {
		claimID(t, s)
		if _, err := s.MessageInDoubt(t.Context(), id, ReasonNoAnswer); err != nil {
			t.Fatal(err)
		}
	}
	// b's status arrives first, long after the claim: the time guess would
	// give it to a (the older claim) or to nobody; the tag says b.
	late := int64(10_000_000 + matchWindow + 5000)
	withTx(t, s, func(tx *Tx) error { return tx.MatchSendTagged("wamid.B", "W1", CallbackData(b), late) })
	if m := message(t, s, g, a); m.WAMID != "" || m.State != MsgSending {
		t.Errorf("a took b's status: state %s wamid %q", m.State, m.WAMID)
	}
	if m := message(t, s, g, b); m.WAMID != "wamid.B" || m.State != MsgSent {
		t.Errorf("b: state %s wamid %q, want sent wamid.B", m.State, m.WAMID)
	}
	// A status tagged for a message that is not in doubt is not guessed onto a.
	withTx(t, s, func(tx *Tx) error { return tx.MatchSendTagged("wamid.Z", "W1", CallbackData(9999), 10_000_100) })
	if m := message(t, s, g, a); m.WAMID != "" {
		t.Errorf("a took a status tagged for another message: %q", m.WAMID)
	}
	withTx(t, s, func(tx *Tx) error { return tx.MatchSendTagged("wamid.A", "W1", CallbackData(a), 10_000_200) })
	if m := message(t, s, g, a); m.WAMID != "wamid.A" || m.State != MsgSent {
		t.Errorf("a: state %s wamid %q, want sent wamid.A", m.State, m.WAMID)
	}
}
