package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"
)

func TestCodeTextCoversKnownCodes(t *testing.T) {
	codes := []int{
		131020, 131041, 131059, 131201, 131202, 131204, 131207, 131208, 131209, 131210,
		131211, 131212, 131213, 131214, 131215, 131203, 130501,
		100, 190, 10, 200, 4, 80008, 130429, 131056, 131009, 131047, 131053, 131000, 131057, 131026, 131051,
	}
	seen := map[string]int{}
	for _, c := range codes {
		txt := CodeText(c)
		if strings.HasPrefix(txt, "WhatsApp returned error") || txt == "" {
			t.Errorf("CodeText(%d) has no specific text", c)
		}
		if prev, dup := seen[txt]; dup && !(c == 131051 && prev == 130501) {
			t.Errorf("CodeText(%d) duplicates %d: %q", c, prev, txt)
		}
		seen[txt] = c
	}
	if got := CodeText(424242); got != "WhatsApp returned error 424242" {
		t.Fatalf("unknown = %q", got)
	}
}

func TestHuman(t *testing.T) {
	opErr := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"nil", nil, ""},
		{"rate limit", &APIError{HTTPStatus: 429, Code: 131208}, "Too many group changes in a short time (131208)"},
		{"wrapped", fmt.Errorf("handler: %w", &APIError{HTTPStatus: 403, Code: 131207}), "The group is suspended for violating WhatsApp policies (131207)"},
		{"unknown code uses details", &APIError{HTTPStatus: 400, Code: 999001, Details: "Something specific."}, "Something specific (999001)"},
		{"unknown code uses message", &APIError{HTTPStatus: 400, Code: 999002, Message: "(#999002) Odd thing"}, "Odd thing (999002)"},
		{"unknown code bare", &APIError{HTTPStatus: 400, Code: 999003}, "WhatsApp returned error 999003"},
		{"no envelope 502", &APIError{HTTPStatus: 502}, "WhatsApp is having problems; please try again later (HTTP 502)"},
		{"error object", ErrorObject{Code: 131212}, "That person is not a participant of the group (131212)"},
		{"error object pointer", &ErrorObject{Code: 130501}, "The message type is not supported (130501)"},
		{"validation", &ValidationError{Field: "expiration_days", Msg: "must be between 1 and 30"}, "Expiration days: must be between 1 and 30"},
		{"deadline", fmt.Errorf("whatsapp: GET /x: %w", context.DeadlineExceeded), "WhatsApp did not respond in time; please try again"},
		{"cancel", context.Canceled, "The request to WhatsApp was cancelled"},
		{"network", fmt.Errorf("whatsapp: POST /x: %w", opErr), "Could not reach WhatsApp; check the network connection"},
		{"other", errors.New("boom"), "Something went wrong while talking to WhatsApp"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Human(tt.err); got != tt.want {
				t.Fatalf("Human = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestAPIErrorString(t *testing.T) {
	e := &APIError{HTTPStatus: 400, Code: 100, Subcode: 2388077, Message: "(#100) Invalid parameter", Details: "product_types"}
	if got := e.Error(); got != "whatsapp: api error 100/2388077 (http 400): (#100) Invalid parameter: product_types" {
		t.Fatalf("Error = %q", got)
	}
	o := ErrorObject{Code: 131000, Message: "Something went wrong", Details: "retry"}
	if got := o.Error(); got != "whatsapp: error 131000: Something went wrong: retry" {
		t.Fatalf("ErrorObject.Error = %q", got)
	}
}

func TestTemporary(t *testing.T) {
	for _, tt := range []struct {
		e    APIError
		want bool
	}{
		{APIError{HTTPStatus: 400, Code: 131208}, true},
		{APIError{HTTPStatus: 400, Code: 130429}, true},
		{APIError{HTTPStatus: 400, Code: 131057}, true},
		{APIError{HTTPStatus: 400, Code: 4}, true},
		{APIError{HTTPStatus: 400, Code: 80008}, true},
		{APIError{HTTPStatus: 400, Code: 100, Transient: true}, true},
		{APIError{HTTPStatus: 503}, true},
		{APIError{HTTPStatus: 400, Code: 131041}, false},
		{APIError{HTTPStatus: 401, Code: 190}, false},
	} {
		if got := tt.e.Temporary(); got != tt.want {
			t.Errorf("Temporary(%d/%d) = %v", tt.e.HTTPStatus, tt.e.Code, got)
		}
	}
}

func TestRateLimitWait(t *testing.T) {
	for _, tt := range []struct {
		err  error
		ok   bool
		wait time.Duration
	}{
		{&APIError{HTTPStatus: 400, Code: CodeGroupRateLimit}, true, 0},
		{&APIError{HTTPStatus: 429, Code: CodeGroupRateLimit, RetryAfter: 7 * time.Second}, true, 7 * time.Second},
		{fmt.Errorf("wrapped: %w", &APIError{HTTPStatus: 429, Code: CodeThroughputLimit}), true, 0},
		{&APIError{HTTPStatus: 400, Code: CodeGroupCreateLimit}, false, 0},
		{errors.New("network"), false, 0},
		{nil, false, 0},
	} {
		wait, ok := RateLimitWait(tt.err)
		if ok != tt.ok || wait != tt.wait {
			t.Errorf("RateLimitWait(%v) = %v, %v; want %v, %v", tt.err, wait, ok, tt.wait, tt.ok)
		}
	}
}
