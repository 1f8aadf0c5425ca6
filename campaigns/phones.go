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

	"groupdeck/phone"
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
// first column is used. Numbers are checked with their country's rules
// (package phone); numbers written without a country code are read in
// region, the configured default region. Blank lines are ignored.
func ParsePhones(r io.Reader, region string) ([]PhoneLine, error) {
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
		pl.Phone, err = NormalizeRecipient(cell, region)
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
// reads anything else as a phone number (package phone, in region when
// it has no country code).
func NormalizeRecipient(s, region string) (string, error) {
	if id := strings.TrimSpace(s); whatsapp.IsBSUID(id) {
		return id, nil
	}
	return phone.Parse(s, region)
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
