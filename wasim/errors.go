package wasim

import (
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// apiError is one Graph API error. Handlers return it and ServeHTTP renders
// the envelope, so the status code mapping lives in exactly one place.
type apiError struct {
	Code    int
	Subcode int
	Title   string
	Details string
	Status  int
	// RetryAfter, when set, is sent as the Retry-After header (131208).
	RetryAfter time.Duration
}

func (e *apiError) Error() string { return fmt.Sprintf("(#%d) %s: %s", e.Code, e.Title, e.Details) }

// Titles follow docs/cloud-api.md#group-error-codes and the Cloud API code table; details are the
// human explanation the app is told to build logic on.
var errTitles = map[int]string{
	CodeInvalidParameter:      "Invalid parameter",
	CodeGeneric:               "Something went wrong",
	CodeInvalidValue:          "Parameter value is not valid",
	CodeNoParticipants:        "Bad Group",
	CodeUndeliverable:         "Message undeliverable",
	CodeGroupUnknown:          "Group unknown",
	CodeCursorInvalid:         "Invalid cursor",
	CodePartialSuccess:        "Request partially succeeded",
	CodeDuplicateParticipant:  "Duplicate participant",
	CodeCannotAddParticipant:  "Unable to add participant to group",
	CodeParticipantOverlimit:  "Participant overlimit",
	CodeGroupSuspended:        "Group suspended",
	CodeGroupRateLimit:        "Group Rate Limit Hit",
	CodePhotoAspectRatio:      "Invalid Group Profile Picture Aspect Ratio",
	CodePhotoTooSmall:         "Image is Too Small to Process",
	CodeGroupCreateLimit:      "Group create limit reached",
	CodeNotParticipant:        "Participant is not a part of the group",
	CodeJoinRequestUnknown:    "Group join request does not exist",
	CodeGroupCreationDisabled: "Group creation is temporarily disabled",
	CodeNumberNotEligible:     "Phone number not eligible for Groups APIs",
	CodeUnsupportedType:       "Unsupported message type",
	CodeTemplateParamCount:    "Number of parameters does not match the expected number of params",
	CodeTemplateMissing:       "Template name does not exist in the translation",
	CodeTemplateFormat:        "Parameter format does not match format in the created template",
	CodeTemplatePaused:        "Template is Paused",
	CodeTemplateDisabled:      "Template is Disabled",
	CodeTemplateParamsBad:     "Template parameters are not valid",
	CodeThroughputLimit:       "Rate limit hit",
	CodePairRateLimit:         "Pair rate limit hit",
}

var errStatus = map[int]int{
	CodePartialSuccess: http.StatusPartialContent,
	CodeGroupSuspended: http.StatusForbidden,
	CodeGroupRateLimit: http.StatusTooManyRequests,
	CodeGeneric:        http.StatusInternalServerError,
}

func newErr(code int, details string, args ...any) *apiError {
	if len(args) > 0 {
		details = fmt.Sprintf(details, args...)
	}
	st, ok := errStatus[code]
	if !ok {
		st = http.StatusBadRequest
	}
	title, ok := errTitles[code]
	if !ok {
		title = "Error"
	}
	return &apiError{Code: code, Title: title, Details: details, Status: st}
}

func errParam(details string, args ...any) *apiError {
	return newErr(CodeInvalidParameter, details, args...)
}

func errUnknownGroup() *apiError {
	return newErr(CodeGroupUnknown, "The group was not found, either because it doesn't exist or you are not a member.")
}

func errSuspended() *apiError {
	return newErr(CodeGroupSuspended, "The group has been suspended for violating platform policies.")
}

// errorObject is the shape used inside webhooks and inside 206/partial bodies.
type errorObject struct {
	Code      int            `json:"code"`
	Message   string         `json:"message"`
	Title     string         `json:"title"`
	ErrorData map[string]any `json:"error_data"`
	Href      string         `json:"href,omitempty"`
}

func (e *apiError) object() errorObject {
	return errorObject{
		Code:      e.Code,
		Message:   fmt.Sprintf("(#%d) %s", e.Code, e.Title),
		Title:     e.Title,
		ErrorData: map[string]any{"details": e.Details},
	}
}

// statusErrorObject adds the href that message/status webhooks carry.
func (e *apiError) statusObject() errorObject {
	o := e.object()
	o.Href = "/documentation/business-messaging/whatsapp/support/error-codes"
	return o
}

func (s *Server) writeError(w http.ResponseWriter, e *apiError) {
	body := map[string]any{
		"message":    fmt.Sprintf("(#%d) %s", e.Code, e.Title),
		"type":       "OAuthException",
		"code":       e.Code,
		"error_data": map[string]any{"messaging_product": "whatsapp", "details": e.Details},
		"fbtrace_id": s.ids.traceID(),
	}
	if e.Code == CodeInvalidToken {
		// Graph reports token problems without the "(#code)" prefix or WhatsApp error_data.
		body["message"] = "Invalid OAuth access token - " + e.Details
		delete(body, "error_data")
	}
	if e.Subcode != 0 {
		body["error_subcode"] = e.Subcode
	}
	if e.RetryAfter > 0 {
		// Whole seconds, rounded up, as RFC 9110's delay-seconds.
		w.Header().Set("Retry-After", strconv.Itoa(int((e.RetryAfter+time.Second-1)/time.Second)))
	}
	writeJSON(w, e.Status, map[string]any{"error": body})
}
