package wasim

// Cloud API error codes the simulator answers with. The simulator is
// written independently of the client package, so it names them itself.
const (
	CodeInvalidParameter      = 100
	CodeInvalidToken          = 190
	CodeUnsupportedType       = 130501
	CodeGeneric               = 131000
	CodeInvalidValue          = 131009
	CodeNoParticipants        = 131020
	CodeUndeliverable         = 131026
	CodeGroupUnknown          = 131041
	CodeCursorInvalid         = 131059
	CodePartialSuccess        = 131201
	CodeDuplicateParticipant  = 131202
	CodeCannotAddParticipant  = 131203
	CodeParticipantOverlimit  = 131204
	CodeGroupSuspended        = 131207
	CodeGroupRateLimit        = 131208
	CodePhotoAspectRatio      = 131209
	CodePhotoTooSmall         = 131210
	CodeGroupCreateLimit      = 131211
	CodeNotParticipant        = 131212
	CodeJoinRequestUnknown    = 131213
	CodeGroupCreationDisabled = 131214
	CodeNumberNotEligible     = 131215

	// SubcodeObjectDoesNotExist goes with CodeInvalidParameter for an
	// unknown path.
	SubcodeObjectDoesNotExist = 33
)
