package whatsapp

import (
	"encoding/json"
	"errors"
	"fmt"
)

// ObjectWABA is the only "object" value WhatsApp webhooks carry.
const ObjectWABA = "whatsapp_business_account"

// Webhook subscription fields (Change.Field).
const (
	FieldLifecycle    = "group_lifecycle_update"
	FieldParticipants = "group_participants_update"
	FieldSettings     = "group_settings_update"
	FieldStatus       = "group_status_update"
	FieldMessages     = "messages"
)

// Fields returns every webhook field groupdeck subscribes to and handles,
// in the order lists show them.
func Fields() []string {
	return []string{FieldLifecycle, FieldParticipants, FieldSettings, FieldStatus, FieldMessages}
}

// Group event types (GroupEvent.Type).
const (
	EventGroupCreate        = "group_create"
	EventGroupDelete        = "group_delete"
	EventParticipantsAdd    = "group_participants_add"
	EventParticipantsRemove = "group_participants_remove"
	EventJoinRequestCreated = "group_join_request_created"
	EventJoinRequestRevoked = "group_join_request_revoked"
	EventSettingsUpdate     = "group_settings_update"
	EventSuspend            = "group_suspend"
	EventSuspendCleared     = "group_suspend_cleared"
)

// Values of GroupEvent.InitiatedBy on removals.
const (
	InitiatedByBusiness    = "business"
	InitiatedByParticipant = "participant"
)

// ErrNotWhatsApp is returned by ParseWebhook for JSON that is not a
// WhatsApp Business Account delivery (e.g. a page or Instagram webhook sent
// to the wrong callback).
var ErrNotWhatsApp = errors.New("whatsapp: webhook object is not whatsapp_business_account")

// Payload is one webhook delivery. Meta may batch many entries, changes and
// group events in a single POST, and may redeliver, so receivers must
// process every element and de-duplicate.
type Payload struct {
	Object string  `json:"object"`
	Entry  []Entry `json:"entry"`
}

// Entry groups the changes of one WhatsApp Business Account (ID).
type Entry struct {
	ID      string   `json:"id"`
	Changes []Change `json:"changes"`
}

// UnmarshalJSON accepts a numeric account ID.
func (e *Entry) UnmarshalJSON(b []byte) error {
	type plain Entry
	var w struct {
		*plain
		ID flexString `json:"id"`
	}
	w.plain = (*plain)(e)
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	e.ID = string(w.ID)
	return nil
}

// Change is one subscription field's update.
type Change struct {
	Field string `json:"field"`
	Value Value  `json:"value"`
}

// Value is the body of a change. Which slices are filled depends on Field:
// group fields use Groups; "messages" uses Contacts, Messages and Statuses.
type Value struct {
	MessagingProduct string        `json:"messaging_product"`
	Metadata         Metadata      `json:"metadata"`
	Groups           []GroupEvent  `json:"groups,omitempty"`
	Contacts         []Contact     `json:"contacts,omitempty"`
	Messages         []Message     `json:"messages,omitempty"`
	Statuses         []Status      `json:"statuses,omitempty"`
	Errors           []ErrorObject `json:"errors,omitempty"`
}

// Metadata identifies the business phone number the change concerns; a
// receiver serving several numbers routes on PhoneNumberID.
type Metadata struct {
	DisplayPhoneNumber string `json:"display_phone_number"`
	PhoneNumberID      string `json:"phone_number_id"`
}

// UnmarshalJSON accepts numeric phone numbers and IDs.
func (m *Metadata) UnmarshalJSON(b []byte) error {
	var w struct {
		Display flexString `json:"display_phone_number"`
		ID      flexString `json:"phone_number_id"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*m = Metadata{DisplayPhoneNumber: string(w.Display), PhoneNumberID: string(w.ID)}
	return nil
}

// GroupEvent is one element of value.groups. Only the fields relevant to
// Type are set; Errors is non-empty on (partial) failure of an async
// operation, which is correlated to the API call by RequestID.
type GroupEvent struct {
	Timestamp        Timestamp `json:"timestamp"`
	GroupID          string    `json:"group_id,omitempty"`
	Type             string    `json:"type"`
	RequestID        string    `json:"request_id,omitempty"`
	Subject          string    `json:"subject,omitempty"`
	Description      string    `json:"description,omitempty"`
	InviteLink       string    `json:"invite_link,omitempty"`
	JoinApprovalMode string    `json:"join_approval_mode,omitempty"`
	Reason           string    `json:"reason,omitempty"`
	JoinRequestID    string    `json:"join_request_id,omitempty"`
	WaID             string    `json:"wa_id,omitempty"`
	UserID           string    `json:"user_id,omitempty"`
	ParentUserID     string    `json:"parent_user_id,omitempty"`
	Username         string    `json:"username,omitempty"`
	InitiatedBy      string    `json:"initiated_by,omitempty"`

	AddedParticipants   []EventParticipant `json:"added_participants,omitempty"`
	RemovedParticipants []EventParticipant `json:"removed_participants,omitempty"`
	FailedParticipants  []EventParticipant `json:"failed_participants,omitempty"`

	ProfilePicture   *SettingResult `json:"profile_picture,omitempty"`
	GroupSubject     *SettingResult `json:"group_subject,omitempty"`
	GroupDescription *SettingResult `json:"group_description,omitempty"`

	Errors []ErrorObject `json:"errors,omitempty"`
}

// UnmarshalJSON accepts numeric request IDs, which some senders emit.
func (g *GroupEvent) UnmarshalJSON(b []byte) error {
	type plain GroupEvent
	var w struct {
		*plain
		RequestID flexString `json:"request_id"`
	}
	w.plain = (*plain)(g)
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	g.RequestID = string(w.RequestID)
	return nil
}

// EventParticipant is one participant in a participants event. Business
// removals echo what was sent in Input; joins and self-leaves carry WaID
// and/or the business-scoped UserID.
type EventParticipant struct {
	Input        string        `json:"input,omitempty"`
	WaID         string        `json:"wa_id,omitempty"`
	UserID       string        `json:"user_id,omitempty"`
	ParentUserID string        `json:"parent_user_id,omitempty"`
	Username     string        `json:"username,omitempty"`
	Errors       []ErrorObject `json:"errors,omitempty"`
}

// SettingResult is the outcome for one setting in a group_settings_update.
type SettingResult struct {
	Text             string        `json:"text,omitempty"`
	MimeType         string        `json:"mime_type,omitempty"`
	SHA256           string        `json:"sha256,omitempty"`
	UpdateSuccessful bool          `json:"update_successful"`
	Errors           []ErrorObject `json:"errors,omitempty"`
}

// UnmarshalJSON accepts a quoted update_successful.
func (s *SettingResult) UnmarshalJSON(b []byte) error {
	type plain SettingResult
	var w struct {
		*plain
		UpdateSuccessful flexBool `json:"update_successful"`
	}
	w.plain = (*plain)(s)
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	s.UpdateSuccessful = bool(w.UpdateSuccessful)
	return nil
}

// ParseWebhook decodes a delivery body. It ignores unknown fields so new
// Meta additions don't break ingestion, and fails only on malformed JSON or
// a non-WhatsApp object. Verify the signature on the raw body first.
func ParseWebhook(body []byte) (*Payload, error) {
	var w wirePayload
	if err := json.Unmarshal(body, &w); err != nil {
		return nil, fmt.Errorf("whatsapp: parse webhook: %w", err)
	}
	if w.Object != ObjectWABA {
		return nil, fmt.Errorf("%w (got %.40q)", ErrNotWhatsApp, w.Object)
	}
	return w.payload(), nil
}
