package wasim

import (
	"errors"
	"strings"
)

// callingCodes maps calling codes to ISO 3166 alpha-2 countries, so
// simulated BSUIDs carry several prefixes like Meta's (never only "US.").
var callingCodes = [][2]string{
	{"234", "NG"}, {"1", "US"}, {"7", "RU"}, {"20", "EG"}, {"27", "ZA"}, {"33", "FR"}, {"34", "ES"}, {"39", "IT"},
	{"44", "GB"}, {"49", "DE"}, {"52", "MX"}, {"54", "AR"}, {"55", "BR"}, {"57", "CO"}, {"62", "ID"}, {"81", "JP"},
	{"91", "IN"},
}

// countryOf is the country of a phone number's calling code; numbers with
// a code the table lacks get one of a few countries by their last digit.
func countryOf(waID string) string {
	// Minted numbers of username users ("1999…") get a varied country.
	if !strings.HasPrefix(waID, "1999") {
		best, country := "", ""
		for _, c := range callingCodes {
			if strings.HasPrefix(waID, c[0]) && len(c[0]) > len(best) {
				best, country = c[0], c[1]
			}
		}
		if country != "" {
			return country
		}
	}
	others := []string{"BR", "IN", "DE", "MX", "ID"}
	if waID == "" {
		return others[0]
	}
	return others[int(waID[len(waID)-1]-'0')%len(others)]
}

// WaIDOf returns the simulated number of the user with this BSUID (the
// key the /_sim API drives users by), or the id itself when unknown.
func (s *Server) WaIDOf(userID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.waIDForBSUID(userID)
}

// userContact is a user as the contacts array of inbound messages and of
// delivered/read group statuses names them (BSUID rollout).
func (s *Server) userContact(waID string) map[string]any {
	u := s.users[waID]
	profile := map[string]any{}
	c := map[string]any{"profile": profile}
	if u == nil {
		c["wa_id"] = waID
		return c
	}
	if u.Name != "" {
		profile["name"] = u.Name
	}
	if !s.phoneHidden(waID) {
		c["wa_id"] = waID
	}
	if s.cfg.BSUID {
		c["user_id"] = u.UserID
		if u.Username != "" {
			profile["username"] = u.Username
		}
		if s.cfg.ParentBSUID && u.ParentUserID != "" {
			c["parent_user_id"] = u.ParentUserID
		}
	}
	return c
}

// statusContacts is the contacts array beside delivered/read group
// statuses: one entry per participant the statuses name.
func (s *Server) statusContacts(sts []map[string]any) []any {
	if !s.cfg.BSUID {
		return nil
	}
	var out []any
	seen := map[string]bool{}
	for _, st := range sts {
		id, _ := st["recipient_participant_user_id"].(string)
		if id == "" || seen[id] || (st["status"] != "delivered" && st["status"] != "read") {
			continue
		}
		seen[id] = true
		out = append(out, s.userContact(s.waIDForBSUID(id)))
	}
	return out
}

// ChangeUserID regenerates the user's BSUID (same country), the way
// WhatsApp does, and sends the user_changed_user_id system webhook that
// maps the previous id to the new one. No phone number is included.
func (s *Server) ChangeUserID(waID string) (User, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.users[normalizePhone(waID)]
	if u == nil {
		return User{}, errors.New("unknown user: add the user first")
	}
	prev := u.UserID
	u.UserID = s.ids.bsuid(prev[:2])
	if !s.cfg.BSUID {
		return u.User, nil
	}
	sys := map[string]any{
		"body":             "User " + u.Name + " changed their business-scoped user ID",
		"type":             "user_changed_user_id",
		"user_id":          u.UserID,
		"previous_user_id": prev,
	}
	if s.cfg.ParentBSUID && u.ParentUserID != "" {
		sys["parent_user_id"], sys["previous_parent_user_id"] = u.ParentUserID, u.ParentUserID
	}
	msg := map[string]any{"from_user_id": u.UserID, "id": s.ids.messageID(), "timestamp": unixStr(s.now()),
		"type": "system", "system": sys}
	// Unlike other inbound messages, system messages carry no contacts array.
	s.emit("messages", map[string]any{"messages": []any{msg}})
	return u.User, nil
}

// sendToBSUID checks a send addressed with "recipient" (since July 2026
// a 1:1 send may name a user by BSUID instead of a phone number in "to").
func (s *Server) sendToBSUID(req sendRequest) (int, any, *apiError) {
	switch {
	case req.To != "":
		return 0, nil, errParam("use either to or recipient, not both")
	case req.RecipientType == "group":
		return 0, nil, errParam("recipient_type must be individual when recipient is set")
	case !isBSUID(req.Recipient):
		return 0, nil, errParam("recipient must be a business-scoped user ID such as US.13491208655302741918")
	}
	return s.sendToUser(req)
}

// isBSUID: an ISO country code, a dot, an optional "ENT.", then letters
// and digits.
func isBSUID(id string) bool {
	if len(id) < 4 || id[2] != '.' || id[0] < 'A' || id[0] > 'Z' || id[1] < 'A' || id[1] > 'Z' {
		return false
	}
	rest := strings.TrimPrefix(id[3:], "ENT.")
	if rest == "" || len(rest) > 128 {
		return false
	}
	for _, r := range rest {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}
