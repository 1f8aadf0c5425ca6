// Package phone reads, checks and formats phone numbers with
// libphonenumber's metadata (github.com/nyaruka/phonenumbers), so every
// country's rules apply: "+351 912 345 678" in Portugal, "+33 6 12 34 56
// 78" in France. Numbers are stored and exported as E.164 digits without
// the "+" (the Cloud API's wa_id), and formatted only for display.
package phone

import (
	"errors"
	"fmt"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// DefaultRegion is used when no region is configured.
const DefaultRegion = "US"

// ValidRegion reports whether r is a two-letter region libphonenumber
// knows, e.g. "US", "PT", "FR".
func ValidRegion(r string) bool {
	return phonenumbers.GetCountryCodeForRegion(strings.ToUpper(r)) != 0
}

// Parse reads a number as people type it: with its country code ("+351
// 912 345 678", "0033 6 12 34 56 78") or in the local format of region
// ("06 12 34 56 78" with region FR). It returns E.164 digits without the
// "+", or an error that is a sentence for the person who typed it.
func Parse(s, region string) (string, error) {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\u00a0", " "))
	if s == "" {
		return "", errors.New("No digits in this line.")
	}
	if region == "" {
		region = DefaultRegion
	}
	region = strings.ToUpper(region)
	for _, r := range s {
		if !strings.ContainsRune("0123456789+ -.()/", r) {
			return "", fmt.Errorf("%q is not a phone number: it contains %q.", s, r)
		}
	}
	in := s
	if strings.HasPrefix(in, "00") {
		// International prefix used across Europe and elsewhere; the
		// default region may dial out differently (011 in the US).
		in = "+" + in[2:]
	}
	n, err := phonenumbers.Parse(in, region)
	if err != nil {
		switch {
		case errors.Is(err, phonenumbers.ErrTooShortNSN), errors.Is(err, phonenumbers.ErrTooShortAfterIDD):
			return "", fmt.Errorf("%q is too short to be a phone number.", s)
		case errors.Is(err, phonenumbers.ErrNumTooLong):
			return "", fmt.Errorf("%q is too long to be a phone number.", s)
		case errors.Is(err, phonenumbers.ErrInvalidCountryCode):
			return "", fmt.Errorf("%q starts with an unknown country code.", s)
		}
		return "", fmt.Errorf("%q is not a phone number.", s)
	}
	if !phonenumbers.IsValidNumber(n) && !fictional(n) {
		where := phonenumbers.GetRegionCodeForCountryCode(int(n.GetCountryCode()))
		if !strings.HasPrefix(in, "+") {
			return "", fmt.Errorf("%q is not a valid number in %s (the default region); write other countries' numbers with + and their country code.", s, region)
		}
		return "", fmt.Errorf("%q is not a valid %s number: check the digits.", s, where)
	}
	return strings.TrimPrefix(phonenumbers.Format(n, phonenumbers.E164), "+"), nil
}

// Format shows a wa_id (E.164 digits, with or without "+") in the
// international format of its country, e.g. "+351 912 345 678". Anything
// that is not a number (a BSUID, a name) is returned unchanged; digits
// libphonenumber cannot place are shown as "+<digits>".
func Format(waID string) string {
	d := strings.TrimPrefix(waID, "+")
	if d == "" || strings.Trim(d, "0123456789") != "" {
		return waID
	}
	n, err := phonenumbers.Parse("+"+d, "")
	if err != nil || !phonenumbers.IsPossibleNumber(n) {
		return "+" + d
	}
	// libphonenumber writes North American numbers as "+1 650-555-1234";
	// ITU-T E.123's international notation separates groups with spaces
	// only, which also reads the same way in every country.
	return strings.ReplaceAll(phonenumbers.Format(n, phonenumbers.INTERNATIONAL), "-", " ")
}

func phonenumbersRegions() map[string]bool {
	out := map[string]bool{}
	for r := range phonenumbers.GetSupportedRegions() {
		out[r] = true
	}
	return out
}

func callingCode(region string) int { return phonenumbers.GetCountryCodeForRegion(region) }

// fictional reports North American numbers in the 555 area code: no real
// phone has one, but Meta's Cloud API test numbers and the sandbox's
// people do (+1 555 …), so they must be accepted.
func fictional(n *phonenumbers.PhoneNumber) bool {
	nsn := phonenumbers.GetNationalSignificantNumber(n)
	return n.GetCountryCode() == 1 && len(nsn) == 10 && strings.HasPrefix(nsn, "555")
}
