package whatsapp

import "encoding/json"

// Contact describes the sender of inbound messages. WaID may be missing for
// users known only by business-scoped ID or username.
type Contact struct {
	WaID            string         `json:"wa_id,omitempty"`
	UserID          string         `json:"user_id,omitempty"`
	ParentUserID    string         `json:"parent_user_id,omitempty"`
	IdentityKeyHash string         `json:"identity_key_hash,omitempty"`
	Profile         ContactProfile `json:"profile"`
}

// ContactProfile is the sender's WhatsApp profile.
type ContactProfile struct {
	Name     string `json:"name,omitempty"`
	Username string `json:"username,omitempty"`
}

// Message is an inbound message. A non-empty GroupID is what marks it as a
// group message; From and Contacts[0] are the participant.
type Message struct {
	From             string          `json:"from,omitempty"`
	FromUserID       string          `json:"from_user_id,omitempty"`
	FromParentUserID string          `json:"from_parent_user_id,omitempty"`
	GroupID          string          `json:"group_id,omitempty"`
	ID               string          `json:"id"`
	Type             string          `json:"type"`
	Timestamp        Timestamp       `json:"timestamp"`
	Context          *MessageContext `json:"context,omitempty"`
	Text             *Text           `json:"text,omitempty"`
	Image            *Media          `json:"image,omitempty"`
	Video            *Media          `json:"video,omitempty"`
	Audio            *Media          `json:"audio,omitempty"`
	Document         *Media          `json:"document,omitempty"`
	Sticker          *Media          `json:"sticker,omitempty"`
	System           *System         `json:"system,omitempty"`
	Errors           []ErrorObject   `json:"errors,omitempty"`
}

// System message types: the user's identifiers changed.
const (
	SystemUserChangedUserID = "user_changed_user_id"
	SystemUserChangedNumber = "user_changed_number"
)

// System is the body of a "system" message. user_changed_user_id reports
// a regenerated BSUID (no phone number); user_changed_number a new phone
// number, which also regenerates the BSUID. Unlike other inbound
// messages, system messages carry no contacts array.
type System struct {
	Body                 string `json:"body,omitempty"`
	Type                 string `json:"type,omitempty"`
	WaID                 string `json:"wa_id,omitempty"` // the new number (user_changed_number)
	UserID               string `json:"user_id,omitempty"`
	ParentUserID         string `json:"parent_user_id,omitempty"`
	PreviousUserID       string `json:"previous_user_id,omitempty"`
	PreviousParentUserID string `json:"previous_parent_user_id,omitempty"`
}

// MessageContext is set when the message replies to another one.
type MessageContext struct {
	From string `json:"from,omitempty"`
	ID   string `json:"id,omitempty"`
}

// Text is the body of a text message.
type Text struct {
	Body string `json:"body"`
}

// Media describes inbound media. ID can be resolved with Client.MediaURL;
// URL, when present, still needs the access token to download.
type Media struct {
	ID       string `json:"id,omitempty"`
	MimeType string `json:"mime_type,omitempty"`
	SHA256   string `json:"sha256,omitempty"`
	Caption  string `json:"caption,omitempty"`
	Filename string `json:"filename,omitempty"`
	URL      string `json:"url,omitempty"`
}

// Attachment returns the media object matching Type, or nil for text and
// unsupported messages.
func (m *Message) Attachment() *Media {
	switch m.Type {
	case KindImage:
		return m.Image
	case KindVideo:
		return m.Video
	case KindAudio:
		return m.Audio
	case KindDocument:
		return m.Document
	case KindSticker:
		return m.Sticker
	}
	return nil
}

// Status reports the progress of an outbound message. For group sends,
// "sent" is group-level (no participant) while delivered/read are per
// participant and may arrive aggregated.
type Status struct {
	ID            string `json:"id"`
	Status        string `json:"status"`
	RecipientID   string `json:"recipient_id,omitempty"`
	RecipientType string `json:"recipient_type,omitempty"`
	// RecipientParticipantID is also read from the "participant_recipient_id"
	// spelling found in two of Meta's samples.
	// RecipientUserID names the user of a 1:1 send addressed by BSUID.
	RecipientUserID                  string        `json:"recipient_user_id,omitempty"`
	RecipientParticipantID           string        `json:"recipient_participant_id,omitempty"`
	RecipientParticipantUserID       string        `json:"recipient_participant_user_id,omitempty"`
	RecipientParticipantParentUserID string        `json:"recipient_participant_parent_user_id,omitempty"`
	Timestamp                        Timestamp     `json:"timestamp"`
	BizOpaqueCallbackData            string        `json:"biz_opaque_callback_data,omitempty"`
	Conversation                     *Conversation `json:"conversation,omitempty"`
	// Pricing is taken from the status or, failing that, from inside
	// Conversation, where Meta's aggregated samples put it.
	Pricing *Pricing      `json:"pricing,omitempty"`
	Errors  []ErrorObject `json:"errors,omitempty"`
	// Contacts names the participants of delivered/read group statuses
	// (BSUID rollout). Meta's samples put the array beside "statuses" in
	// the change value; one inside the status is read too.
	Contacts []Contact `json:"contacts,omitempty"`
}

// Conversation is the pre-v24 conversation object on statuses.
type Conversation struct {
	ID                  string              `json:"id,omitempty"`
	Origin              *ConversationOrigin `json:"origin,omitempty"`
	ExpirationTimestamp Timestamp           `json:"expiration_timestamp,omitempty"`
	Pricing             *Pricing            `json:"pricing,omitempty"`
}

// ConversationOrigin gives the conversation category.
type ConversationOrigin struct {
	Type string `json:"type"`
}

// Pricing says how a delivery is billed. Use Type and Category; Billable is
// being deprecated by Meta.
type Pricing struct {
	Billable     bool   `json:"billable"`
	PricingModel string `json:"pricing_model,omitempty"`
	Type         string `json:"type,omitempty"`
	Category     string `json:"category,omitempty"`
}

// UnmarshalJSON accepts a quoted billable flag.
func (p *Pricing) UnmarshalJSON(b []byte) error {
	type plain Pricing
	var w struct {
		*plain
		Billable flexBool `json:"billable"`
	}
	w.plain = (*plain)(p)
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	p.Billable = bool(w.Billable)
	return nil
}

// UnmarshalJSON folds the alternative spelling and placement variants into
// the canonical fields.
func (s *Status) UnmarshalJSON(b []byte) error {
	type plain Status
	var w struct {
		*plain
		AltParticipant string `json:"participant_recipient_id"`
	}
	w.plain = (*plain)(s)
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	if s.RecipientParticipantID == "" {
		s.RecipientParticipantID = w.AltParticipant
	}
	if s.Pricing == nil && s.Conversation != nil && s.Conversation.Pricing != nil {
		s.Pricing = s.Conversation.Pricing
	}
	return nil
}

// Participant returns an identifier of the participant a group status is
// about: the phone-based ID, else the business-scoped user ID. Ingest
// resolves either to the same person.
func (s *Status) Participant() string {
	if s.RecipientParticipantID != "" {
		return s.RecipientParticipantID
	}
	return s.RecipientParticipantUserID
}

// Category is the pricing category of the delivery ("group_marketing",
// "group_utility", "group_service"): from pricing on v24.0 and later, or
// from the conversation origin that v23.0 statuses may carry alone.
func (s *Status) Category() string {
	if s.Pricing != nil && s.Pricing.Category != "" {
		return s.Pricing.Category
	}
	if s.Conversation != nil && s.Conversation.Origin != nil {
		return s.Conversation.Origin.Type
	}
	return ""
}
