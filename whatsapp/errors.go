package whatsapp

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

// APIError is a Graph API error envelope returned on a non-2xx response.
// Callers branch on Code (and Details), as Meta recommends; titles are
// slated for deprecation.
type APIError struct {
	HTTPStatus int
	Code       int
	Subcode    int
	Type       string
	Message    string
	// Title and UserMessage come from error_user_title / error_user_msg.
	Title       string
	UserMessage string
	// Details comes from error_data.details, the human explanation.
	Details   string
	FBTraceID string
	// Transient mirrors Graph's optional is_transient flag.
	Transient bool
	// RetryAfter is taken from the Retry-After header when present.
	RetryAfter time.Duration
}

func (e *APIError) Error() string {
	var b strings.Builder
	if e.Code != 0 {
		fmt.Fprintf(&b, "whatsapp: api error %d", e.Code)
		if e.Subcode != 0 {
			fmt.Fprintf(&b, "/%d", e.Subcode)
		}
		fmt.Fprintf(&b, " (http %d)", e.HTTPStatus)
	} else {
		fmt.Fprintf(&b, "whatsapp: http %d", e.HTTPStatus)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.Details != "" && e.Details != e.Message {
		b.WriteString(": ")
		b.WriteString(e.Details)
	}
	return b.String()
}

// Temporary reports whether retrying later, unchanged, may succeed: rate
// limits, throughput caps and server-side failures.
func (e *APIError) Temporary() bool {
	if e.HTTPStatus == http.StatusTooManyRequests || e.HTTPStatus >= 500 || e.Transient {
		return true
	}
	switch e.Code {
	case CodeUnknown, CodeServiceDown, CodeAppRateLimit, CodeUserRateLimit, CodePageRateLimit,
		CodeCallRateLimit, CodeAccountRateLimit, CodeAppAccountLimit,
		CodeThroughputLimit, CodeServiceUnavail, CodePairRateLimit, CodeMaintenanceMode, CodeGroupRateLimit:
		return true
	}
	return false
}

// ValidationError reports an argument rejected before any request was made,
// so no API quota was spent.
type ValidationError struct {
	Field string
	Msg   string
}

func (e *ValidationError) Error() string {
	return "whatsapp: invalid " + e.Field + ": " + e.Msg
}

func invalid(field, format string, args ...any) error {
	return &ValidationError{Field: field, Msg: fmt.Sprintf(format, args...)}
}

// ErrorObject is the error shape used inside webhooks and in per-item
// results (failed join requests, failed participants). error_data.details
// is flattened into Details.
type ErrorObject struct {
	Code    int    `json:"code"`
	Message string `json:"message,omitempty"`
	Title   string `json:"title,omitempty"`
	Details string `json:"-"`
	Href    string `json:"href,omitempty"`
}

// Error lets an ErrorObject be passed to Human or wrapped like any error.
func (o ErrorObject) Error() string {
	msg := o.Message
	if msg == "" {
		msg = o.Title
	}
	if o.Details != "" && o.Details != msg {
		if msg != "" {
			msg += ": "
		}
		msg += o.Details
	}
	return fmt.Sprintf("whatsapp: error %d: %s", o.Code, msg)
}

type errorObjectWire struct {
	Code      flexInt         `json:"code"`
	Message   string          `json:"message"`
	Title     string          `json:"title"`
	ErrorData json.RawMessage `json:"error_data"`
	Href      string          `json:"href"`
}

// UnmarshalJSON accepts the code as a number or a quoted number and
// error_data either as an object or as a JSON-encoded string.
func (o *ErrorObject) UnmarshalJSON(b []byte) error {
	var w errorObjectWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*o = ErrorObject{Code: int(w.Code), Message: w.Message, Title: w.Title, Href: w.Href, Details: errorDetails(w.ErrorData)}
	return nil
}

// MarshalJSON writes the nested error_data shape Meta sends, so fixtures and
// the simulator round-trip.
func (o ErrorObject) MarshalJSON() ([]byte, error) {
	type data struct {
		Details string `json:"details"`
	}
	w := struct {
		Code      int    `json:"code"`
		Message   string `json:"message,omitempty"`
		Title     string `json:"title,omitempty"`
		ErrorData *data  `json:"error_data,omitempty"`
		Href      string `json:"href,omitempty"`
	}{Code: o.Code, Message: o.Message, Title: o.Title, Href: o.Href}
	if o.Details != "" {
		w.ErrorData = &data{Details: o.Details}
	}
	return json.Marshal(w)
}

func errorDetails(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var d struct {
		Details string `json:"details"`
	}
	if json.Unmarshal(raw, &d) == nil {
		return d.Details
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		if json.Unmarshal([]byte(s), &d) == nil {
			return d.Details
		}
		return s
	}
	return ""
}

type graphEnvelope struct {
	Error *struct {
		Message     string          `json:"message"`
		Type        string          `json:"type"`
		Code        flexInt         `json:"code"`
		Subcode     flexInt         `json:"error_subcode"`
		UserTitle   string          `json:"error_user_title"`
		UserMsg     string          `json:"error_user_msg"`
		IsTransient flexBool        `json:"is_transient"`
		ErrorData   json.RawMessage `json:"error_data"`
		FBTraceID   string          `json:"fbtrace_id"`
	} `json:"error"`
}

// parseError turns a non-2xx response into an *APIError. Bodies that are not
// a Graph envelope (proxies, load balancers) still yield the HTTP status and
// a short excerpt so the failure is diagnosable.
func (c *Client) parseError(resp *response) *APIError {
	e := &APIError{
		HTTPStatus: resp.status,
		RetryAfter: parseRetryAfter(resp.header.Get("Retry-After"), time.Now()),
	}
	var env graphEnvelope
	if json.Unmarshal(resp.body, &env) == nil && env.Error != nil {
		g := env.Error
		e.Code = int(g.Code)
		e.Subcode = int(g.Subcode)
		e.Type = g.Type
		e.Message = c.redact(g.Message)
		e.Title = c.redact(g.UserTitle)
		e.UserMessage = c.redact(g.UserMsg)
		e.Details = c.redact(errorDetails(g.ErrorData))
		e.FBTraceID = g.FBTraceID
		e.Transient = bool(g.IsTransient)
		return e
	}
	e.Message = http.StatusText(resp.status)
	if snippet := excerpt(c.redact(string(resp.body)), 200); snippet != "" {
		e.Details = snippet
	}
	return e
}

func excerpt(s string, max int) string {
	s = strings.TrimSpace(s)
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "?")
	}
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max]) + "…"
}

func errDecode(op string, err error) error {
	return fmt.Errorf("whatsapp: decode %s response: %w", op, err)
}

func errUnsuccessful(op string) error {
	return fmt.Errorf("whatsapp: %s: api answered success=false", op)
}

func errMissing(op, field string) error {
	return fmt.Errorf("whatsapp: %s: response has no %s", op, field)
}

func errRead(op string, err error) error {
	return fmt.Errorf("whatsapp: %s: read input: %w", op, err)
}
