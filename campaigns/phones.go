// Package campaigns runs groupdeck's campaign features: invite-template
// sends to lists of phone numbers, pools of groups that grow ahead of
// demand, and attribution of joins to the campaign that most likely
// brought each person.
package campaigns

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"groupdeck/whatsapp"
)

// PhoneLine is one line of a pasted or uploaded list of numbers.
type PhoneLine struct {
	Line int    // 1-based line (row) number in the input
	Raw  string // the cell as given
	// Phone is E.164 digits without "+" (16505551234), or a business-scoped
	// user id (BR.1502576394655843) for someone with no shared number: the
	// invite then goes to it in "recipient".
	Phone     string
	Err       string // why the line was rejected
	Duplicate bool   // the same number appeared on an earlier line
}

// MaxPhones bounds one invite send; larger lists should be split.
const MaxPhones = 5000

// ParsePhones reads numbers one per line, or a CSV whose header names a
// phone column (phone, number, mobile, wa_id, whatsapp); otherwise the
// first column is used. Numbers must carry their country code ("+" or
// "00", or 11 to 15 digits written without it). Blank lines are ignored.
func ParsePhones(r io.Reader) ([]PhoneLine, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	cr.LazyQuotes = true
	cr.Comment = '#'
	var out []PhoneLine
	seen := map[string]int{}
	col := 0
	first := true
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return out, fmt.Errorf("campaigns: the list could not be read as text or CSV: %w", err)
		}
		line, _ := cr.FieldPos(0)
		if first {
			first = false
			if c, ok := headerColumn(rec); ok {
				col = c
				continue
			}
		}
		cell := ""
		if col < len(rec) {
			cell = strings.TrimSpace(rec[col])
		}
		if cell == "" {
			continue
		}
		if len(out) >= MaxPhones {
			return out, fmt.Errorf("campaigns: at most %d numbers per send; split the list", MaxPhones)
		}
		pl := PhoneLine{Line: line, Raw: cell}
		pl.Phone, err = NormalizeRecipient(cell)
		if err != nil {
			pl.Err = err.Error()
		} else if prev, dup := seen[pl.Phone]; dup {
			pl.Duplicate = true
			pl.Err = fmt.Sprintf("Same number as line %d; it is sent once.", prev)
		} else {
			seen[pl.Phone] = line
		}
		out = append(out, pl)
	}
	return out, nil
}

func headerColumn(rec []string) (int, bool) {
	for i, h := range rec {
		switch strings.ToLower(strings.Trim(strings.TrimSpace(h), `"`)) {
		case "phone", "phone number", "number", "mobile", "wa_id", "whatsapp", "msisdn", "telephone", "tel", "user_id", "bsuid":
			return i, true
		}
	}
	return 0, false
}

// NormalizeRecipient accepts a business-scoped user id as it is, and
// normalises anything else as a phone number.
func NormalizeRecipient(s string) (string, error) {
	if id := strings.TrimSpace(s); whatsapp.IsBSUID(id) {
		return id, nil
	}
	return NormalizePhone(s)
}

// NormalizePhone turns a phone number as people write it ("+1 (650)
// 555-1234", "0044 20 7946 0958", "16505551234") into E.164 digits
// without the "+". The error is a sentence for the person who typed it.
func NormalizePhone(s string) (string, error) {
	s = strings.TrimSpace(s)
	plus := false
	switch {
	case strings.HasPrefix(s, "+"):
		plus, s = true, s[1:]
	case strings.HasPrefix(s, "00"):
		plus, s = true, s[2:]
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')' || r == '/' || r == '\u00a0':
		default:
			return "", fmt.Errorf("%q is not a phone number: it contains %q.", s, r)
		}
	}
	d := b.String()
	switch {
	case d == "":
		return "", errors.New("No digits in this line.")
	case d[0] == '0':
		return "", fmt.Errorf("%q has no country code: write it as +<country code> followed by the number.", s)
	case len(d) < 8:
		return "", fmt.Errorf("%q is too short: a number with its country code has 8 to 15 digits.", s)
	case len(d) > 15:
		return "", fmt.Errorf("%q is too long: a number with its country code has at most 15 digits.", s)
	case !plus && len(d) < 11:
		return "", fmt.Errorf("%q may lack its country code: write it with a leading + (e.g. +1 650 555 1234).", s)
	}
	return d, nil
}

// Valid returns the numbers to send to, in input order, without
// duplicates or rejected lines.
func Valid(lines []PhoneLine) []string {
	var out []string
	for _, l := range lines {
		if l.Err == "" {
			out = append(out, l.Phone)
		}
	}
	return out
}
