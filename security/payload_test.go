package security

import (
	"encoding/json"
	"strconv"
	"time"
)

func envelope(field string, value map[string]any) []byte {
	value["messaging_product"] = "whatsapp"
	value["metadata"] = map[string]string{"display_phone_number": "15550000001", "phone_number_id": "100000000000001"}
	b, _ := json.Marshal(map[string]any{"object": "whatsapp_business_account",
		"entry": []any{map[string]any{"id": "200000000000001", "changes": []any{map[string]any{"field": field, "value": value}}}}})
	return b
}

func now() string { return strconv.FormatInt(time.Now().Unix(), 10) }

func lifecycle(waGroupID, requestID, subject string) []byte {
	return envelope("group_lifecycle_update", map[string]any{"groups": []any{map[string]any{
		"timestamp": now(), "group_id": waGroupID, "type": "group_create", "request_id": requestID,
		"subject": subject, "invite_link": "https://chat.whatsapp.com/Sec" + requestID, "join_approval_mode": "auto_approve"}}})
}

func joined(waGroupID, waID, username string) []byte {
	return envelope("group_participants_update", map[string]any{"groups": []any{map[string]any{
		"timestamp": now(), "group_id": waGroupID, "type": "group_participants_add", "reason": "invite_link",
		"added_participants": []any{map[string]string{"wa_id": waID, "username": username}}}}})
}

func message(waGroupID, wamid, from, name, text string) []byte {
	return envelope("messages", map[string]any{
		"contacts": []any{map[string]any{"profile": map[string]string{"name": name}, "wa_id": from}},
		"messages": []any{map[string]any{"from": from, "group_id": waGroupID, "id": wamid, "timestamp": now(),
			"type": "text", "text": map[string]string{"body": text}}}})
}
