package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
)

// CodeText returns a short, user-facing sentence for a Cloud API error code.
// It covers every Groups API code and the common platform codes so the
// dashboard can explain failures without showing Graph's raw messages.
func CodeText(code int) string {
	switch code {
	// Groups API (docs/cloud-api.md#group-error-codes).
	case CodeNoParticipants:
		return "Cannot send messages to a group with no other participants"
	case CodeGroupUnknown:
		return "The group does not exist or this number is not a member"
	case CodeCursorInvalid:
		return "The page cursor expired or is invalid; start again from the first page"
	case CodePartialSuccess:
		return "Only some of the participant changes succeeded"
	case CodeDuplicateParticipant:
		return "The participant list contains duplicates"
	case CodeCannotAddParticipant:
		return "The user has not accepted WhatsApp's new Terms of Service and cannot be added"
	case CodeParticipantOverlimit:
		return "Too many participants in one request or in the group"
	case CodeGroupSuspended:
		return "The group is suspended for violating WhatsApp policies"
	case CodeGroupRateLimit:
		return "Too many group changes in a short time"
	case CodePhotoAspectRatio:
		return "The group photo must be square"
	case CodePhotoTooSmall:
		return fmt.Sprintf("The group photo is too small; it must be larger than %d×%d pixels", PhotoMinSide, PhotoMinSide)
	case CodeGroupCreateLimit:
		return "This number has reached its limit of groups"
	case CodeNotParticipant:
		return "That person is not a participant of the group"
	case CodeJoinRequestUnknown:
		return "The join request does not exist"
	case CodeGroupCreationDisabled:
		return "Group creation is temporarily disabled for this number"
	case CodeNumberNotEligible:
		return "This phone number is not eligible for the Groups API"
	case CodeUnsupportedType:
		return "The message type is not supported"
	case CodeTemplateParamsBad:
		return "A template variable contains text WhatsApp does not accept (line breaks, tabs or long runs of spaces)"

	// Platform codes (docs/cloud-api.md#platform-codes and the Cloud API error table).
	case 0:
		return "WhatsApp could not authenticate the request"
	case CodeUnknown:
		return "WhatsApp returned an unknown error"
	case CodeServiceDown:
		return "WhatsApp is temporarily unavailable"
	case 3:
		return "The app is not allowed to use this capability"
	case CodeAppRateLimit:
		return "The app made too many API calls"
	case 10:
		return "The access token lacks the required permission"
	case CodeInvalidParameter:
		return "A request parameter is invalid or unsupported"
	case 190:
		return "The access token is invalid or has expired"
	case 200:
		return "The app does not have permission for this action"
	case 368:
		return "The account is temporarily blocked for policy violations"
	case CodeAccountRateLimit, CodeAppAccountLimit:
		return "The WhatsApp Business Account made too many API calls"
	case CodeThroughputLimit:
		return "The message throughput limit was reached"
	case 130472:
		return "The user's number is part of an experiment and was not messaged"
	case CodeGeneric:
		return "Something went wrong at WhatsApp"
	case 131005:
		return "Access was denied"
	case 131008:
		return "A required parameter is missing"
	case CodeInvalidValue:
		return "A parameter value is invalid"
	case CodeServiceUnavail:
		return "The WhatsApp service is temporarily unavailable"
	case 131021:
		return "Sender and recipient are the same number"
	case 131026:
		return "The message could not be delivered to the recipient"
	case 131031:
		return "The business account is locked"
	case 131042:
		return "There is a problem with the business payment method"
	case 131045:
		return "The phone number is not registered"
	case 131047:
		return "More than 24 hours passed since the user last replied; send a template instead"
	case 131048:
		return "Messages were limited because too many were marked as spam"
	case 131049:
		return "Meta chose not to deliver this message to keep engagement healthy"
	case 131050:
		return "The user stopped marketing messages from this business"
	case 131051:
		return "The message type is not supported"
	case 131052:
		return "The media could not be downloaded from the user"
	case CodeMediaUploadError:
		return "The media could not be uploaded; check its type and size"
	case CodePairRateLimit:
		return "Too many messages to the same recipient in a short time"
	case CodeMaintenanceMode:
		return "The business account is in maintenance mode (throughput upgrade)"
	case 132000:
		return "The template parameter count does not match the template"
	case 132001:
		return "The template does not exist in that language or is not approved"
	case 132005:
		return "The template text is too long once parameters are filled in"
	case 132007:
		return "The template content violates WhatsApp policy"
	case 132012:
		return "A template parameter has the wrong format"
	case 132015:
		return "The template is paused because of low quality"
	case 132016:
		return "The template is disabled because of low quality"
	case 133010:
		return "The phone number is not registered with Cloud API"
	}
	return "WhatsApp returned error " + strconv.Itoa(code)
}

// Human turns any error returned by this package into one sentence that is
// safe to show a dashboard user. API errors always include their numeric
// code so support requests can be matched against Meta's table.
func Human(err error) string {
	if err == nil {
		return ""
	}
	var v *ValidationError
	if errors.As(err, &v) {
		return upperFirst(v.Field) + ": " + v.Msg
	}
	var a *APIError
	if errors.As(err, &a) {
		if a.Code == 0 {
			return humanStatus(a.HTTPStatus)
		}
		return codeSentence(a.Code, a.Details, a.Message)
	}
	var o ErrorObject
	if errors.As(err, &o) {
		return codeSentence(o.Code, o.Details, o.Message)
	}
	var po *ErrorObject
	if errors.As(err, &po) && po != nil {
		return codeSentence(po.Code, po.Details, po.Message)
	}
	switch {
	case errors.Is(err, context.Canceled):
		return "The request to WhatsApp was cancelled"
	case errors.Is(err, context.DeadlineExceeded):
		return "WhatsApp did not respond in time; please try again"
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "WhatsApp did not respond in time; please try again"
	}
	var oe *net.OpError
	var de *net.DNSError
	if errors.As(err, &oe) || errors.As(err, &de) {
		return "Could not reach WhatsApp; check the network connection"
	}
	return "Something went wrong while talking to WhatsApp"
}

func codeSentence(code int, details, message string) string {
	text := CodeText(code)
	if strings.HasPrefix(text, "WhatsApp returned error ") {
		// For codes we have no wording for, Meta's own explanation beats a
		// bare number.
		if d := strings.TrimSpace(details); d != "" {
			text = strings.TrimRight(d, ". ")
		} else if m := stripCodePrefix(message); m != "" {
			text = strings.TrimRight(m, ". ")
		} else {
			return text
		}
	}
	return fmt.Sprintf("%s (%d)", text, code)
}

// stripCodePrefix removes Graph's "(#131041) " prefix.
func stripCodePrefix(m string) string {
	m = strings.TrimSpace(m)
	if strings.HasPrefix(m, "(#") {
		if i := strings.Index(m, ")"); i > 0 {
			m = strings.TrimSpace(m[i+1:])
		}
	}
	return m
}

func humanStatus(status int) string {
	switch {
	case status == 401 || status == 403:
		return fmt.Sprintf("WhatsApp refused the request (HTTP %d)", status)
	case status == 404:
		return "WhatsApp did not recognise the requested resource (HTTP 404)"
	case status == 429:
		return "Too many requests to WhatsApp; please wait and try again (HTTP 429)"
	case status >= 500:
		return fmt.Sprintf("WhatsApp is having problems; please try again later (HTTP %d)", status)
	}
	return fmt.Sprintf("WhatsApp rejected the request (HTTP %d)", status)
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	s = strings.ReplaceAll(s, "_", " ")
	return strings.ToUpper(s[:1]) + s[1:]
}
