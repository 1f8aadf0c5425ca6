package wasim

import (
	"fmt"
	"net/http"
)

// apiError is one Graph API error. Handlers return it and ServeHTTP renders
// the envelope, so the status code mapping lives in exactly one place.
type apiError struct {
	Code    int
	Subcode int
	Title   string
	Details string
	Status  int
}

func (e *apiError) Error() string { return fmt.Sprintf("(#%d) %s: %s", e.Code, e.Title, e.Details) }

// Titles follow docs/cloud-api.md#group-error-codes and the Cloud API code table; details are the
// human explanation the app is told to build logic on.
var errTitles = map[int]string{
	100:    "Invalid parameter",
	131000: "Something went wrong",
	131009: "Parameter value is not valid",
	131020: "Bad Group",
	131026: "Message undeliverable",
	131041: "Group unknown",
	131059: "Invalid cursor",
	131201: "Request partially succeeded",
	131202: "Duplicate participant",
	131203: "Unable to add participant to group",
	131204: "Participant overlimit",
	131207: "Group suspended",
	131208: "Group Rate Limit Hit",
	131209: "Invalid Group Profile Picture Aspect Ratio",
	131210: "Image is Too Small to Process",
	131211: "Group create limit reached",
	131212: "Participant is not a part of the group",
	131213: "Group join request does not exist",
	131214: "Group creation is temporarily disabled",
	131215: "Phone number not eligible for Groups APIs",
	130501: "Unsupported message type",
}

var errStatus = map[int]int{
	131201: http.StatusPartialContent,
	131207: http.StatusForbidden,
	131208: http.StatusTooManyRequests,
	131000: http.StatusInternalServerError,
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

func errParam(details string, args ...any) *apiError { return newErr(100, details, args...) }

func errUnknownGroup() *apiError {
	return newErr(131041, "The group was not found, either because it doesn't exist or you are not a member.")
}

func errSuspended() *apiError {
	return newErr(131207, "The group has been suspended for violating platform policies.")
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
	if e.Code == 190 {
		// Graph reports token problems without the "(#code)" prefix or WhatsApp error_data.
		body["message"] = "Invalid OAuth access token - " + e.Details
		delete(body, "error_data")
	}
	if e.Subcode != 0 {
		body["error_subcode"] = e.Subcode
	}
	writeJSON(w, e.Status, map[string]any{"error": body})
}
