package whatsapp

// ParseWebhook decodes a whole delivery in one pass (decodeWire) into
// the wire types below, which hold every documented field and variant.
// None of them has an UnmarshalJSON method that decodes its bytes again:
// a custom method that calls json.Unmarshal makes the decoder validate
// and scan those bytes once more, and the entry's method alone covered
// nearly the whole body. Only leaves (flexString, flexBool, Timestamp)
// keep methods, and those parse their few bytes directly. The public
// types keep their own UnmarshalJSON methods for callers that decode one
// of them on its own.

type wirePayload struct {
	Object string      `json:"object"`
	Entry  []wireEntry `json:"entry"`
}

type wireEntry struct {
	ID      flexString   `json:"id"`
	Changes []wireChange `json:"changes"`
}

type wireChange struct {
	Field string    `json:"field"`
	Value wireValue `json:"value"`
}

type wireValue struct {
	MessagingProduct string           `json:"messaging_product"`
	Metadata         wireMetadata     `json:"metadata"`
	Groups           []wireGroupEvent `json:"groups"`
	Contacts         []Contact        `json:"contacts"`
	Messages         []Message        `json:"messages"`
	Statuses         []wireStatus     `json:"statuses"`
	Errors           []ErrorObject    `json:"errors"`
}

type wireMetadata struct {
	DisplayPhoneNumber flexString `json:"display_phone_number"`
	PhoneNumberID      flexString `json:"phone_number_id"`
}

// The wire types below list the public types' fields one by one rather
// than embed them: go-json's case-insensitive key matching misses
// promoted fields. TestWireFields checks that none is left out.

type wireGroupEvent struct {
	Timestamp           Timestamp          `json:"timestamp"`
	GroupID             string             `json:"group_id"`
	Type                string             `json:"type"`
	RequestID           flexString         `json:"request_id"`
	Subject             string             `json:"subject"`
	Description         string             `json:"description"`
	InviteLink          string             `json:"invite_link"`
	JoinApprovalMode    string             `json:"join_approval_mode"`
	Reason              string             `json:"reason"`
	JoinRequestID       string             `json:"join_request_id"`
	WaID                string             `json:"wa_id"`
	UserID              string             `json:"user_id"`
	ParentUserID        string             `json:"parent_user_id"`
	Username            string             `json:"username"`
	InitiatedBy         string             `json:"initiated_by"`
	AddedParticipants   []EventParticipant `json:"added_participants"`
	RemovedParticipants []EventParticipant `json:"removed_participants"`
	FailedParticipants  []EventParticipant `json:"failed_participants"`
	ProfilePicture      *wireSettingResult `json:"profile_picture"`
	GroupSubject        *wireSettingResult `json:"group_subject"`
	GroupDescription    *wireSettingResult `json:"group_description"`
	Errors              []ErrorObject      `json:"errors"`
}

type wireSettingResult struct {
	Text             string        `json:"text"`
	MimeType         string        `json:"mime_type"`
	SHA256           string        `json:"sha256"`
	UpdateSuccessful flexBool      `json:"update_successful"`
	Errors           []ErrorObject `json:"errors"`
}

type wireStatus struct {
	ID                               string        `json:"id"`
	Status                           string        `json:"status"`
	RecipientID                      string        `json:"recipient_id"`
	RecipientType                    string        `json:"recipient_type"`
	RecipientUserID                  string        `json:"recipient_user_id"`
	RecipientParticipantID           string        `json:"recipient_participant_id"`
	AltParticipant                   string        `json:"participant_recipient_id"`
	RecipientParticipantUserID       string        `json:"recipient_participant_user_id"`
	RecipientParticipantParentUserID string        `json:"recipient_participant_parent_user_id"`
	Timestamp                        Timestamp     `json:"timestamp"`
	BizOpaqueCallbackData            string        `json:"biz_opaque_callback_data"`
	Conversation                     *Conversation `json:"conversation"`
	Pricing                          *wirePricing  `json:"pricing"`
	Errors                           []ErrorObject `json:"errors"`
	Contacts                         []Contact     `json:"contacts"`
}

type wirePricing struct {
	Billable     flexBool `json:"billable"`
	PricingModel string   `json:"pricing_model"`
	Type         string   `json:"type"`
	Category     string   `json:"category"`
}

func (w *wirePayload) payload() *Payload {
	p := &Payload{Object: w.Object}
	if w.Entry == nil {
		return p
	}
	p.Entry = make([]Entry, len(w.Entry))
	for i := range w.Entry {
		we, e := &w.Entry[i], &p.Entry[i]
		e.ID = string(we.ID)
		if we.Changes == nil {
			continue
		}
		e.Changes = make([]Change, len(we.Changes))
		for j := range we.Changes {
			e.Changes[j] = we.Changes[j].change()
		}
	}
	return p
}

func (w *wireChange) change() Change {
	v := &w.Value
	c := Change{Field: w.Field, Value: Value{
		MessagingProduct: v.MessagingProduct,
		Metadata: Metadata{DisplayPhoneNumber: string(v.Metadata.DisplayPhoneNumber),
			PhoneNumberID: string(v.Metadata.PhoneNumberID)},
		Contacts: v.Contacts,
		Messages: v.Messages,
		Errors:   v.Errors,
	}}
	if v.Groups != nil {
		c.Value.Groups = make([]GroupEvent, len(v.Groups))
		for i := range v.Groups {
			c.Value.Groups[i] = v.Groups[i].event()
		}
	}
	if v.Statuses != nil {
		c.Value.Statuses = make([]Status, len(v.Statuses))
		for i := range v.Statuses {
			c.Value.Statuses[i] = v.Statuses[i].status()
		}
	}
	return c
}

func (w *wireGroupEvent) event() GroupEvent {
	return GroupEvent{
		Timestamp: w.Timestamp, GroupID: w.GroupID, Type: w.Type, RequestID: string(w.RequestID),
		Subject: w.Subject, Description: w.Description, InviteLink: w.InviteLink,
		JoinApprovalMode: w.JoinApprovalMode, Reason: w.Reason, JoinRequestID: w.JoinRequestID,
		WaID: w.WaID, UserID: w.UserID, ParentUserID: w.ParentUserID, Username: w.Username,
		InitiatedBy:       w.InitiatedBy,
		AddedParticipants: w.AddedParticipants, RemovedParticipants: w.RemovedParticipants,
		FailedParticipants: w.FailedParticipants,
		ProfilePicture:     w.ProfilePicture.result(), GroupSubject: w.GroupSubject.result(),
		GroupDescription: w.GroupDescription.result(),
		Errors:           w.Errors,
	}
}

func (w *wireSettingResult) result() *SettingResult {
	if w == nil {
		return nil
	}
	return &SettingResult{Text: w.Text, MimeType: w.MimeType, SHA256: w.SHA256,
		UpdateSuccessful: bool(w.UpdateSuccessful), Errors: w.Errors}
}

// status folds the alternative spelling and placement variants into the
// canonical fields, as Status.UnmarshalJSON does.
func (w *wireStatus) status() Status {
	s := Status{ID: w.ID, Status: w.Status, RecipientID: w.RecipientID, RecipientType: w.RecipientType,
		RecipientUserID: w.RecipientUserID, RecipientParticipantID: w.RecipientParticipantID,
		RecipientParticipantUserID:       w.RecipientParticipantUserID,
		RecipientParticipantParentUserID: w.RecipientParticipantParentUserID,
		Timestamp:                        w.Timestamp, BizOpaqueCallbackData: w.BizOpaqueCallbackData,
		Conversation: w.Conversation, Errors: w.Errors, Contacts: w.Contacts}
	if s.RecipientParticipantID == "" {
		s.RecipientParticipantID = w.AltParticipant
	}
	if p := w.Pricing; p != nil {
		s.Pricing = &Pricing{Billable: bool(p.Billable), PricingModel: p.PricingModel, Type: p.Type, Category: p.Category}
	}
	if s.Pricing == nil && s.Conversation != nil && s.Conversation.Pricing != nil {
		s.Pricing = s.Conversation.Pricing
	}
	return s
}
