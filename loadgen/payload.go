// Package loadgen drives a running groupdeck the way Meta and browsers do:
// signed webhook deliveries, logged-in page requests and event streams.
// The bench table (cmd/loadgen) and the crash test use it.
package loadgen

import (
	"encoding/json"
	"strconv"

	"groupdeck/whatsapp"
)

// WAGroupID is the WhatsApp id Seed gives group n (1-based).
func WAGroupID(n int) string { return "lg-group-" + strconv.Itoa(n) }

// MessageID is a unique wamid for delivery n of a run, so "applied exactly
// once" can be checked row by row in the database.
func MessageID(run string, n int64) string { return "wamid.lg." + run + "." + strconv.FormatInt(n, 10) }

// Message returns a single-change "messages" delivery: one participant's
// text message in a group, with the contact block Meta sends along.
func Message(waGroupID, wamid, from, name, text string) []byte {
	type (
		profile struct {
			Name string `json:"name"`
		}
		contact struct {
			Profile profile `json:"profile"`
			WaID    string  `json:"wa_id"`
		}
		textBody struct {
			Body string `json:"body"`
		}
		message struct {
			From      string   `json:"from"`
			GroupID   string   `json:"group_id"`
			ID        string   `json:"id"`
			Timestamp string   `json:"timestamp"`
			Type      string   `json:"type"`
			Text      textBody `json:"text"`
		}
	)
	v := map[string]any{
		"messaging_product": "whatsapp",
		"metadata":          map[string]string{"display_phone_number": "15550000001", "phone_number_id": "100000000000001"},
		"contacts":          []contact{{Profile: profile{Name: name}, WaID: from}},
		"messages": []message{{From: from, GroupID: waGroupID, ID: wamid, Timestamp: "1744345400",
			Type: "text", Text: textBody{Body: text}}},
	}
	return envelope(whatsapp.FieldMessages, v)
}

// ParticipantsAdd returns a group_participants_update delivery that adds
// one person to a group.
func ParticipantsAdd(waGroupID, waID string, ts int64) []byte {
	v := map[string]any{
		"messaging_product": "whatsapp",
		"metadata":          map[string]string{"display_phone_number": "15550000001", "phone_number_id": "100000000000001"},
		"groups": []map[string]any{{
			"timestamp": strconv.FormatInt(ts, 10), "group_id": waGroupID, "type": whatsapp.EventParticipantsAdd,
			"reason": "invite_link", "added_participants": []map[string]string{{"wa_id": waID}},
		}},
	}
	return envelope(whatsapp.FieldParticipants, v)
}

func envelope(field string, value any) []byte {
	b, err := json.Marshal(map[string]any{
		"object": whatsapp.ObjectWABA,
		"entry":  []any{map[string]any{"id": "200000000000001", "changes": []any{map[string]any{"field": field, "value": value}}}},
	})
	if err != nil {
		panic(err) // only fixed shapes are marshalled
	}
	return b
}
