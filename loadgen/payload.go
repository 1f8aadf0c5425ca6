// Package loadgen drives a running groupdeck the way Meta and browsers do:
// signed webhook deliveries, logged-in page requests and event streams.
// The bench table (cmd/loadgen) and the crash test use it.
//
// The webhook bodies are built here in the shapes docs/cloud-api.md
// documents (envelope, group_participants_update, inbound messages,
// message statuses), independently of the app's parser in whatsapp/:
// only its field names and the signature helper are shared.
package loadgen

import (
	"encoding/json"
	"strconv"

	"groupdeck/whatsapp"
)

// The sandbox's business number, as every delivery's metadata names it.
const (
	phoneNumberID      = "100000000000001"
	displayPhoneNumber = "15550000001"
	wabaID             = "200000000000001"
)

// WAGroupID is the WhatsApp id Seed gives group n (1-based).
func WAGroupID(n int) string { return "lg-group-" + strconv.Itoa(n) }

// MessageID is a unique wamid for delivery n of a run, so "applied exactly
// once" can be checked row by row in the database.
func MessageID(run string, n int64) string { return "wamid.lg." + run + "." + strconv.FormatInt(n, 10) }

// Change is one entry of a delivery's "changes": a field and its value.
// A delivery carries one (the common case) or a batch of up to 1,000.
type Change struct {
	Field string `json:"field"`
	Value Value  `json:"value"`
}

// Value is a change's value; which lists are set depends on the field.
type Value struct {
	MessagingProduct string       `json:"messaging_product"`
	Metadata         metadata     `json:"metadata"`
	Contacts         []contact    `json:"contacts,omitempty"`
	Messages         []message    `json:"messages,omitempty"`
	Statuses         []status     `json:"statuses,omitempty"`
	Groups           []groupEvent `json:"groups,omitempty"`
}

type metadata struct {
	DisplayPhoneNumber string `json:"display_phone_number"`
	PhoneNumberID      string `json:"phone_number_id"`
}

type profile struct {
	Name string `json:"name"`
}

type contact struct {
	Profile profile `json:"profile"`
	WaID    string  `json:"wa_id"`
}

type textBody struct {
	Body string `json:"body"`
}

type message struct {
	From      string   `json:"from"`
	GroupID   string   `json:"group_id"`
	ID        string   `json:"id"`
	Timestamp string   `json:"timestamp"`
	Type      string   `json:"type"`
	Text      textBody `json:"text"`
}

type pricing struct {
	Billable     bool   `json:"billable"`
	PricingModel string `json:"pricing_model"`
	Type         string `json:"type"`
	Category     string `json:"category"`
}

type status struct {
	ID            string   `json:"id"`
	Status        string   `json:"status"`
	Timestamp     string   `json:"timestamp"`
	RecipientID   string   `json:"recipient_id"`
	RecipientType string   `json:"recipient_type"`
	Participant   string   `json:"recipient_participant_id,omitempty"`
	Pricing       *pricing `json:"pricing,omitempty"`
}

type waID struct {
	WaID string `json:"wa_id"`
}

type groupEvent struct {
	Timestamp     string `json:"timestamp"`
	GroupID       string `json:"group_id"`
	Type          string `json:"type"`
	Reason        string `json:"reason,omitempty"`
	InitiatedBy   string `json:"initiated_by,omitempty"`
	Added         []waID `json:"added_participants,omitempty"`
	Removed       []waID `json:"removed_participants,omitempty"`
	JoinRequestID string `json:"join_request_id,omitempty"`
	WaID          string `json:"wa_id,omitempty"`
}

func value() Value {
	return Value{MessagingProduct: "whatsapp", Metadata: metadata{DisplayPhoneNumber: displayPhoneNumber, PhoneNumberID: phoneNumberID}}
}

func ts(t int64) string { return strconv.FormatInt(t, 10) }

// MessageChange is one participant's text message in a group, with the
// contact block Meta sends along.
func MessageChange(waGroupID, wamid, from, name, text string) Change {
	v := value()
	v.Contacts = []contact{{Profile: profile{Name: name}, WaID: from}}
	v.Messages = []message{{From: from, GroupID: waGroupID, ID: wamid, Timestamp: "1744345400", Type: "text", Text: textBody{Body: text}}}
	return Change{Field: whatsapp.FieldMessages, Value: v}
}

// StatusChange is a delivered or read status of a message the business
// sent to a group, for one participant. With name set it carries the
// contacts array beside the statuses (as with business-scoped user ids),
// and a delivered status carries its pricing, as the participant's first.
func StatusChange(waGroupID, wamid, participant, st, name string, at int64) Change {
	v := value()
	s := status{ID: wamid, Status: st, Timestamp: ts(at), RecipientID: waGroupID, RecipientType: "group", Participant: participant}
	if st == "delivered" {
		s.Pricing = &pricing{Billable: true, PricingModel: "PMP", Type: "regular", Category: "group_service"}
	}
	v.Statuses = []status{s}
	if name != "" {
		v.Contacts = []contact{{Profile: profile{Name: name}, WaID: participant}}
	}
	return Change{Field: whatsapp.FieldMessages, Value: v}
}

// AddChange is someone joining a group through its invite link.
func AddChange(waGroupID, wa string, at int64) Change {
	v := value()
	v.Groups = []groupEvent{{Timestamp: ts(at), GroupID: waGroupID, Type: whatsapp.EventParticipantsAdd,
		Reason: "invite_link", Added: []waID{{wa}}}}
	return Change{Field: whatsapp.FieldParticipants, Value: v}
}

// RemoveChange is someone leaving a group.
func RemoveChange(waGroupID, wa string, at int64) Change {
	v := value()
	v.Groups = []groupEvent{{Timestamp: ts(at), GroupID: waGroupID, Type: whatsapp.EventParticipantsRemove,
		InitiatedBy: "participant", Removed: []waID{{wa}}}}
	return Change{Field: whatsapp.FieldParticipants, Value: v}
}

// JoinRequestChange is someone asking to join an approval-required group.
func JoinRequestChange(waGroupID, requestID, wa string, at int64) Change {
	v := value()
	v.Groups = []groupEvent{{Timestamp: ts(at), GroupID: waGroupID, Type: whatsapp.EventJoinRequestCreated,
		JoinRequestID: requestID, WaID: wa, Reason: "admin_approval"}}
	return Change{Field: whatsapp.FieldParticipants, Value: v}
}

type entry struct {
	ID      string   `json:"id"`
	Changes []Change `json:"changes"`
}

type delivery struct {
	Object string  `json:"object"`
	Entry  []entry `json:"entry"`
}

// Delivery is the body of one POST: the envelope around changes.
func Delivery(changes ...Change) []byte {
	b, err := json.Marshal(delivery{Object: whatsapp.ObjectWABA, Entry: []entry{{ID: wabaID, Changes: changes}}})
	if err != nil {
		panic(err) // only fixed shapes are marshalled
	}
	return b
}

// Message returns a single-change "messages" delivery: one participant's
// text message in a group.
func Message(waGroupID, wamid, from, name, text string) []byte {
	return Delivery(MessageChange(waGroupID, wamid, from, name, text))
}

// ParticipantsAdd returns a delivery that adds one person to a group.
func ParticipantsAdd(waGroupID, wa string, at int64) []byte {
	return Delivery(AddChange(waGroupID, wa, at))
}

// ParticipantsRemove is a delivery in which someone leaves a group.
func ParticipantsRemove(waGroupID, wa string, at int64) []byte {
	return Delivery(RemoveChange(waGroupID, wa, at))
}

// Status is a delivery with one status of a message the business sent
// to group 1 (the soak's seeded history).
func Status(wamid, participant, st string, at int64) []byte {
	return Delivery(StatusChange(WAGroupID(1), wamid, participant, st, "", at))
}
