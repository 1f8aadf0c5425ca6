package whatsapp

// ParseWebhook decodes a whole delivery with one json.Unmarshal into the
// wire types below, which hold every documented field and variant. None
// of them has an UnmarshalJSON method that decodes its bytes again: a
// custom method that calls json.Unmarshal makes encoding/json validate
// and scan those bytes once more, and the entry's method alone covered
// nearly the whole body. Only leaves (flexString, flexBool, Timestamp)
// keep methods, and those parse their few bytes directly. The public
// types keep their own UnmarshalJSON methods for callers that decode one
// of them on its own.

// The *Fields types have the public types' fields and none of their
// methods; embedded, their fields are promoted, and a field of the same
// JSON name declared beside them wins.
type (
	groupEventFields    GroupEvent
	statusFields        Status
	pricingFields       Pricing
	settingResultFields SettingResult
)

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

type wireGroupEvent struct {
	groupEventFields
	RequestID        flexString         `json:"request_id"`
	ProfilePicture   *wireSettingResult `json:"profile_picture"`
	GroupSubject     *wireSettingResult `json:"group_subject"`
	GroupDescription *wireSettingResult `json:"group_description"`
}

type wireSettingResult struct {
	settingResultFields
	UpdateSuccessful flexBool `json:"update_successful"`
}

type wireStatus struct {
	statusFields
	AltParticipant string       `json:"participant_recipient_id"`
	Pricing        *wirePricing `json:"pricing"`
}

type wirePricing struct {
	pricingFields
	Billable flexBool `json:"billable"`
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
	g := GroupEvent(w.groupEventFields)
	g.RequestID = string(w.RequestID)
	g.ProfilePicture = w.ProfilePicture.result()
	g.GroupSubject = w.GroupSubject.result()
	g.GroupDescription = w.GroupDescription.result()
	return g
}

func (w *wireSettingResult) result() *SettingResult {
	if w == nil {
		return nil
	}
	r := SettingResult(w.settingResultFields)
	r.UpdateSuccessful = bool(w.UpdateSuccessful)
	return &r
}

// status folds the alternative spelling and placement variants into the
// canonical fields, as Status.UnmarshalJSON does.
func (w *wireStatus) status() Status {
	s := Status(w.statusFields)
	if s.RecipientParticipantID == "" {
		s.RecipientParticipantID = w.AltParticipant
	}
	if w.Pricing != nil {
		pr := Pricing(w.Pricing.pricingFields)
		pr.Billable = bool(w.Pricing.Billable)
		s.Pricing = &pr
	}
	if s.Pricing == nil && s.Conversation != nil && s.Conversation.Pricing != nil {
		s.Pricing = s.Conversation.Pricing
	}
	return s
}
