package ingest

import (
	"fmt"
	"strings"

	"groupdeck/whatsapp"
)

// ErrOtherNumber starts the error of a change that was sent for another
// business phone number than WA_PHONE_NUMBER_ID; the event log counts
// failed deliveries by it.
const ErrOtherNumber = "for another phone number"

// check refuses a change that must not be applied: one for another
// business number (a shared app secret, or a misrouted subscription),
// or one whose wa_id is not a phone number, which would otherwise be
// stored and shown (and exported) as one. The change then fails and its
// delivery is kept as failed, with the reason, for replay.
func (in *Ingester) check(c change) error {
	if in.PhoneNumberID != "" && c.PhoneNumberID != "" && c.PhoneNumberID != in.PhoneNumberID {
		return fmt.Errorf("%s: sent %s %q, but this app serves WA_PHONE_NUMBER_ID %s",
			describe(c), ErrOtherNumber, clip(c.PhoneNumberID, 40), in.PhoneNumberID)
	}
	for _, id := range waIDs(c) {
		if !isWaID(id) {
			return fmt.Errorf("%s: wa_id %q is not a phone number (digits only), so it was not stored", describe(c), clip(id, 40))
		}
	}
	return nil
}

// waIDs lists the phone numbers a change names.
func waIDs(c change) []string {
	var out []string
	add := func(ids ...string) {
		for _, id := range ids {
			if id != "" {
				out = append(out, id)
			}
		}
	}
	if m := c.Message; m != nil {
		add(m.From)
		for _, ct := range c.Contacts {
			add(ct.WaID)
		}
	}
	if c.Status != nil {
		for _, list := range [][]whatsapp.Contact{c.Contacts, c.Status.Contacts} {
			for _, ct := range list {
				add(ct.WaID)
			}
		}
	}
	if g := c.Group; g != nil {
		add(g.WaID)
		for _, list := range [][]whatsapp.EventParticipant{g.AddedParticipants, g.RemovedParticipants, g.FailedParticipants} {
			for _, p := range list {
				add(p.WaID)
			}
		}
	}
	return out
}

// isWaID reports whether s is a WhatsApp phone id: the number's digits
// with its country code, no + or spaces (E.164 has at most 15 digits;
// a little room is left for Meta's own test numbers).
func isWaID(s string) bool {
	return s != "" && len(s) <= 20 && strings.Trim(s, "0123456789") == ""
}
