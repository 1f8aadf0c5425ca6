package whatsapp

// Cloud API error codes groupdeck branches on or explains. Meta documents
// them in its error-code table
// (https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes)
// and on the Groups API pages. Callers compare APIError.Code and
// ErrorObject.Code with these, never with bare numbers.
const (
	// Platform codes.
	CodeUnknown          = 1
	CodeServiceDown      = 2
	CodeAppRateLimit     = 4  // the app made too many API calls
	CodeUserRateLimit    = 17 // the user made too many API calls
	CodePageRateLimit    = 32
	CodeInvalidParameter = 100 // with Subcode 33: the object does not exist
	CodeCallRateLimit    = 613
	CodeAccountRateLimit = 80007 // the WhatsApp Business Account's call limit
	CodeAppAccountLimit  = 80008

	// Messaging codes.
	CodeThroughputLimit  = 130429 // message throughput cap
	CodeUnsupportedType  = 130501
	CodeGeneric          = 131000
	CodeInvalidValue     = 131009
	CodeServiceUnavail   = 131016
	CodePairRateLimit    = 131056 // one message per 6 s to the same recipient
	CodeMaintenanceMode  = 131057 // throughput upgrade under way
	CodeNoParticipants   = 131020 // a group with nobody else in it
	CodeGroupUnknown     = 131041
	CodeCursorInvalid    = 131059
	CodeMediaUploadError = 131053

	// Groups API codes.
	CodePartialSuccess        = 131201
	CodeDuplicateParticipant  = 131202
	CodeCannotAddParticipant  = 131203
	CodeParticipantOverlimit  = 131204
	CodeGroupSuspended        = 131207
	CodeGroupRateLimit        = 131208 // too many group operations
	CodePhotoAspectRatio      = 131209 // group photo not square
	CodePhotoTooSmall         = 131210
	CodeGroupCreateLimit      = 131211 // the number owns its maximum of groups
	CodeNotParticipant        = 131212
	CodeJoinRequestUnknown    = 131213
	CodeGroupCreationDisabled = 131214
	CodeNumberNotEligible     = 131215
	SubcodeObjectDoesNotExist = 33

	// Template send errors (docs/cloud-api.md#templates).
	CodeTemplateParamCount = 132000 // parameters do not match the template's variables
	CodeTemplateMissing    = 132001 // no approved template of that name and language
	CodeTemplateFormat     = 132012 // a parameter's format (media header, parameter_name) does not match
	CodeTemplatePaused     = 132015
	CodeTemplateDisabled   = 132016
	CodeTemplateParamsBad  = 132018 // parameter text WhatsApp does not accept
)
