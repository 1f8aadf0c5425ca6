package whatsapp

import "strings"

// IsBSUID reports whether id is a business-scoped user id: an ISO 3166
// alpha-2 country code in capitals, a dot, an optional "ENT." (a parent
// BSUID), then up to 128 letters and digits, e.g. "BR.1502576394655843" or
// "US.ENT.11815799212886844830". The country is any country, never only
// "US." (docs/cloud-api.md#identifiers). A phone number (digits, maybe a
// leading "+") is never one.
func IsBSUID(id string) bool {
	if len(id) < 4 || id[2] != '.' || !upper(id[0]) || !upper(id[1]) {
		return false
	}
	rest := id[3:]
	rest = strings.TrimPrefix(rest, "ENT.")
	if rest == "" || len(rest) > 128 {
		return false
	}
	for i := 0; i < len(rest); i++ {
		c := rest[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// IsParentBSUID reports whether id is a parent BSUID ("US.ENT.…"), shared
// by the business portfolios linked to one managed business.
func IsParentBSUID(id string) bool {
	return IsBSUID(id) && strings.HasPrefix(id[3:], "ENT.")
}

func upper(c byte) bool { return c >= 'A' && c <= 'Z' }
