package whatsapp

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"time"
)

// These assignments pin the exported signatures other packages are built
// against; a change here is a breaking change for handlers and the simulator.
var (
	_ func(string, string, string, ...Option) *Client = New
	_ func(*http.Client) Option                       = WithHTTPClient
	_ func(*slog.Logger) Option                       = WithLogger
	_ func(int, time.Duration) Option                 = WithRetry
	_ func(*Client) string                            = (*Client).PhoneNumberID

	_ func(*Client, context.Context, CreateGroupRequest) (string, error)                       = (*Client).CreateGroup
	_ func(*Client, context.Context, string) (string, error)                                   = (*Client).DeleteGroup
	_ func(*Client, context.Context, string, ...string) (*GroupInfo, error)                    = (*Client).GroupInfo
	_ func(*Client, context.Context, ListGroupsOptions) (*GroupPage, error)                    = (*Client).ListGroups
	_ func(*Client, context.Context, string) (string, error)                                   = (*Client).InviteLink
	_ func(*Client, context.Context, string) (string, error)                                   = (*Client).ResetInviteLink
	_ func(*Client, context.Context, string) error                                             = (*Client).DeleteInviteLink
	_ func(*Client, context.Context, string, ListGroupsOptions) ([]JoinRequest, string, error) = (*Client).JoinRequests
	_ func(*Client, context.Context, string, []string) (*JoinRequestResult, error)             = (*Client).ApproveJoinRequests
	_ func(*Client, context.Context, string, []string) (*JoinRequestResult, error)             = (*Client).RejectJoinRequests
	_ func(*Client, context.Context, string, []RemoveTarget) (string, error)                   = (*Client).RemoveParticipants
	_ func(*Client, context.Context, string, SettingsUpdate) (string, error)                   = (*Client).UpdateSettings
	_ func(*Client, context.Context, string, string, bool) (*SendResult, error)                = (*Client).SendText
	_ func(*Client, context.Context, string, string, MediaRef) (*SendResult, error)            = (*Client).SendMedia
	_ func(*Client, context.Context, string, Template) (*SendResult, error)                    = (*Client).SendTemplate
	_ func(*Client, context.Context, string, string, int) (*SendResult, error)                 = (*Client).Pin
	_ func(*Client, context.Context, string, string) (*SendResult, error)                      = (*Client).Unpin
	_ func(*Client, context.Context, string, Template, string) (*SendResult, error)            = (*Client).SendInviteTemplate
	_ func(*Client, context.Context, string, string, io.Reader) (string, error)                = (*Client).UploadMedia
	_ func(*Client, context.Context, string) error                                             = (*Client).MarkRead
	_ func(*Client, context.Context, string) (string, string, error)                           = (*Client).MediaURL
	_ func(*Client, context.Context, string) ([]byte, string, error)                           = (*Client).DownloadMedia
	_ func(error) string                                                                       = Human
	_ func(int) string                                                                         = CodeText
	_ func(string, []byte, string) error                                                       = VerifySignature
	_ func(string, []byte) string                                                              = Sign
	_ func([]byte) (*Payload, error)                                                           = ParseWebhook
	_ interface{ Temporary() bool }                                                            = (*APIError)(nil)
	_ error                                                                                    = (*APIError)(nil)
	_ error                                                                                    = (*ValidationError)(nil)
)

// Field names and types the brief fixes, checked by composite literals.
var (
	_ = CreateGroupRequest{Subject: "", Description: "", JoinApprovalMode: ""}
	_ = GroupInfo{ID: "", Subject: "", Description: "", JoinApprovalMode: "", Suspended: false,
		CreationTimestamp: int64(0), TotalParticipantCount: 0, Participants: []Participant{{WaID: "", UserID: "", ParentUserID: "", Username: ""}}}
	_ = ListGroupsOptions{Limit: 0, After: "", Before: ""}
	_ = GroupSummary{ID: "", Subject: "", CreatedAt: int64(0)}
	_ = GroupPage{Groups: nil, After: "", Before: "", HasNext: false, HasPrevious: false}
	_ = JoinRequest{ID: "", WaID: "", UserID: "", Username: "", CreatedAt: int64(0)}
	_ = JoinRequestResult{Done: []string{}, Failed: []FailedJoinRequest{{ID: "", Errors: []ErrorObject{}}}, Partial: false}
	_ = RemoveTarget{User: "", UserID: ""}
	_ = SettingsUpdate{Subject: new(string), Description: new(string), Photo: []byte{}, PhotoField: ""}
	_ = SendResult{MessageID: "", GroupID: ""}
	_ = MediaRef{ID: "", Link: "", Caption: "", Filename: ""}
	_ = Template{Name: "", Language: "", BodyParams: []TemplateParam{{Type: "", Text: "", GroupID: ""}}}
	_ = APIError{HTTPStatus: 0, Code: 0, Subcode: 0, Type: "", Message: "", Title: "", Details: "", FBTraceID: "", RetryAfter: time.Duration(0)}
	_ = ErrorObject{Code: 0, Message: "", Title: "", Details: "", Href: ""}
	_ = Payload{Object: "", Entry: []Entry{{ID: "", Changes: []Change{{Field: "", Value: Value{}}}}}}
	_ = Value{MessagingProduct: "", Metadata: Metadata{DisplayPhoneNumber: "", PhoneNumberID: ""}, Groups: []GroupEvent{},
		Contacts: []Contact{}, Messages: []Message{}, Statuses: []Status{}, Errors: []ErrorObject{}}
	_ = GroupEvent{Timestamp: Timestamp(0), GroupID: "", Type: "", RequestID: "", Subject: "", Description: "", InviteLink: "",
		JoinApprovalMode: "", Reason: "", JoinRequestID: "", WaID: "", UserID: "", ParentUserID: "", Username: "", InitiatedBy: "",
		AddedParticipants:   []EventParticipant{{Input: "", WaID: "", UserID: "", ParentUserID: "", Username: "", Errors: nil}},
		RemovedParticipants: nil, FailedParticipants: nil,
		ProfilePicture: &SettingResult{Text: "", MimeType: "", SHA256: "", UpdateSuccessful: false, Errors: nil},
		GroupSubject:   nil, GroupDescription: nil, Errors: nil}
	_ = Contact{WaID: "", UserID: ""}
	_ = Message{From: "", FromUserID: "", GroupID: "", ID: "", Type: "", Timestamp: 0, Text: &Text{Body: ""},
		Image: &Media{ID: "", MimeType: "", SHA256: "", Caption: "", Filename: "", URL: ""}, Video: nil, Audio: nil, Document: nil, Sticker: nil, Errors: nil}
	_ = Status{ID: "", Status: "", RecipientID: "", RecipientType: "", RecipientParticipantID: "", RecipientParticipantUserID: "",
		Timestamp: 0, Pricing: &Pricing{Billable: false, PricingModel: "", Type: "", Category: ""}, Errors: nil}
	_ = [...]string{EventGroupCreate, EventGroupDelete, EventParticipantsAdd, EventParticipantsRemove, EventJoinRequestCreated,
		EventJoinRequestRevoked, EventSettingsUpdate, EventSuspend, EventSuspendCleared,
		FieldLifecycle, FieldParticipants, FieldSettings, FieldStatus, FieldMessages}
	_ = []error{ErrSignatureMissing, ErrSignatureMalformed, ErrSignatureMismatch}
)

var _ = func(c Contact) (string, string) { return c.Profile.Name, c.Profile.Username }
