package whatsapp

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Meta's samples quote numbers and booleans inconsistently (timestamps,
// counts, "suspended": "false"), so every such field decodes through these
// tolerant types.

// Timestamp is Unix seconds. It decodes from 123, "123", "" and null, and
// encodes as a quoted string, the form Meta uses in webhooks.
type Timestamp int64

// UnmarshalJSON implements json.Unmarshaler.
func (t *Timestamp) UnmarshalJSON(b []byte) error {
	n, err := parseFlexInt(b)
	if err != nil {
		return fmt.Errorf("whatsapp: timestamp: %w", err)
	}
	*t = Timestamp(n)
	return nil
}

// MarshalJSON implements json.Marshaler.
func (t Timestamp) MarshalJSON() ([]byte, error) {
	return []byte(`"` + strconv.FormatInt(int64(t), 10) + `"`), nil
}

// Int64 returns the Unix seconds.
func (t Timestamp) Int64() int64 { return int64(t) }

// Time converts to time.Time; zero stays the zero time so "missing" is
// distinguishable from the epoch.
func (t Timestamp) Time() time.Time {
	if t == 0 {
		return time.Time{}
	}
	return time.Unix(int64(t), 0).UTC()
}

type flexInt int64

func (f *flexInt) UnmarshalJSON(b []byte) error {
	n, err := parseFlexInt(b)
	if err != nil {
		return err
	}
	*f = flexInt(n)
	return nil
}

func parseFlexInt(b []byte) (int64, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		return 0, nil
	}
	s := string(b)
	if b[0] == '"' {
		var err error
		if s, err = unquote(b); err != nil {
			return 0, err
		}
		s = strings.TrimSpace(s)
		if s == "" {
			return 0, nil
		}
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f >= math.MaxInt64 || f < math.MinInt64 {
		return 0, fmt.Errorf("not a number: %.40q", s)
	}
	return int64(f), nil
}

type flexBool bool

func (f *flexBool) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	s := string(b)
	if len(b) > 0 && b[0] == '"' {
		var err error
		if s, err = unquote(b); err != nil {
			return err
		}
	}
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "1":
		*f = true
	case "false", "0", "", "null":
		*f = false
	default:
		return fmt.Errorf("not a boolean: %.40q", s)
	}
	return nil
}

// flexString accepts a string or a bare number (IDs and created_at are
// documented with both types by different sources).
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		*f = ""
		return nil
	}
	if b[0] == '"' {
		s, err := unquote(b)
		if err != nil {
			return err
		}
		*f = flexString(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*f = flexString(n.String())
	return nil
}

// unquote decodes a JSON string literal. One of plain printable ASCII
// (every ID, number and timestamp Meta sends) is its bytes between the
// quotes; escapes, control bytes and non-ASCII take the full decoder,
// which validates and replaces invalid UTF-8 as encoding/json does
// everywhere else.
func unquote(b []byte) (string, error) {
	if len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' && plainASCII(b[1:len(b)-1]) {
		return string(b[1 : len(b)-1]), nil
	}
	var s string
	err := json.Unmarshal(b, &s)
	return s, err
}

func plainASCII(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}
