// Package person names WhatsApp users the same way on every page, export
// and activity line: profile name, else @username, else the formatted
// phone number, else a short form of the business-scoped user id.
package person

import (
	"fmt"
	"strings"
)

// Name is how groupdeck shows a person. Any argument may be empty;
// WhatsApp may stop sending the phone number of someone who adopted a
// username, so the order never depends on it being there.
func Name(name, username, waID, userID string) string {
	switch {
	case strings.TrimSpace(name) != "":
		return strings.TrimSpace(name)
	case username != "":
		return "@" + strings.TrimPrefix(username, "@")
	case waID != "":
		return Phone(waID)
	case userID != "":
		return ShortID(userID)
	}
	return "Unknown person"
}

// Phone formats a wa_id (digits with country code) for reading, e.g.
// "+1 650 555 1234"; anything else is returned as it is.
func Phone(waID string) string {
	if waID == "" || strings.Trim(waID, "0123456789") != "" {
		return waID
	}
	if len(waID) == 11 && waID[0] == '1' {
		return fmt.Sprintf("+1 %s %s %s", waID[1:4], waID[4:7], waID[7:])
	}
	if len(waID) > 6 {
		return "+" + waID[:2] + " " + waID[2:]
	}
	return "+" + waID
}

// ShortID shortens a business-scoped user id for reading: its country
// (and "ENT." for a parent), the first three and the last four characters,
// e.g. "BR.150…5843". Short ids are returned whole.
func ShortID(id string) string {
	prefix, rest := "", id
	if len(id) > 3 && id[2] == '.' {
		prefix, rest = id[:3], id[3:]
		if strings.HasPrefix(rest, "ENT.") {
			prefix, rest = prefix+"ENT.", rest[4:]
		}
	}
	if len(rest) <= 10 {
		return id
	}
	return prefix + rest[:3] + "…" + rest[len(rest)-4:]
}

// Aside is the secondary line shown after Name: the phone number when the
// name did not already show it, else nothing.
func Aside(name, username, waID string) string {
	if waID == "" || (strings.TrimSpace(name) == "" && username == "") {
		return ""
	}
	return Phone(waID)
}
